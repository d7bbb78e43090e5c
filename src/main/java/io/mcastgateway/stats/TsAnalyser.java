package io.mcastgateway.stats;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;

/**
 * The MPEG-TS checks of one sender: the first checks of ETSI TR 101 290's priority 1, read from the
 * datagram's bytes in place, with fixed-size state (nothing allocated per datagram).
 * <ul>
 * <li><b>1.1 TS sync loss</b>: after 2 consecutive packets with a bad sync byte the stream is out of sync
 * (counted once), back in sync after 5 consecutive good ones.</li>
 * <li><b>1.2 Sync byte error</b>: each packet whose first byte is not {@code 0x47}.</li>
 * <li><b>1.3 PAT error</b>: no PAT section on PID 0 for longer than {@value #TABLE_INTERVAL_MILLIS} ms
 * (counted once per absence), a section other than the PAT (table id not 0) on PID 0, or a scrambled
 * PID 0.</li>
 * <li><b>1.4 Continuity count error</b>, per PID (not the null PID 0x1FFF): a packet with payload whose
 * counter is not the previous one plus 1 (mod 16), a packet without payload whose counter is not the
 * previous one, or a packet that occurs more than twice (one duplicate is allowed). The first packet of
 * a PID and a packet with the discontinuity indicator set start the count over.</li>
 * <li><b>1.5 PMT error</b>: a PMT PID the PAT names without a section of table id 2 for longer than
 * {@value #TABLE_INTERVAL_MILLIS} ms (counted once per absence), or scrambled.</li>
 * </ul>
 * Per PID: packets, bitrate over the last complete second and continuity errors, for up to
 * {@value #MAX_PIDS} PIDs (a transport stream carries a handful); PIDs beyond are counted, not tracked.
 * Not thread-safe: its {@link SourceStats}' owner synchronizes.
 */
public final class TsAnalyser {

    public static final int PACKET = 188;
    static final int SYNC = 0x47;
    static final int NULL_PID = 0x1fff;
    /** TR 101 290's interval for the PAT and each PMT: at least one section every 0.5 s. */
    public static final long TABLE_INTERVAL_MILLIS = 500;
    public static final int MAX_PIDS = 64;
    static final int MAX_PMTS = 16;
    private static final int SLOTS = 128; // open addressing, twice MAX_PIDS
    private static final int SYNC_LOST_AFTER = 2;
    private static final int SYNC_BACK_AFTER = 5;

    /** The last error's kind. */
    public enum Check {
        SYNC_LOSS, SYNC_BYTE, PAT, CONTINUITY, PMT
    }

    // the PID table: slot -> index into the per-PID arrays (+1; 0 = empty)
    private final short[] slots = new short[SLOTS];
    private final int[] pid = new int[MAX_PIDS];
    private final long[] packets = new long[MAX_PIDS];
    private final long[] ccErrors = new long[MAX_PIDS];
    private final long[] lastCcErrorAt = new long[MAX_PIDS];
    private final byte[] lastCc = new byte[MAX_PIDS];
    private final byte[] repeats = new byte[MAX_PIDS];
    private final long[] countThisSecond = new long[MAX_PIDS];
    private final long[] countLastSecond = new long[MAX_PIDS];
    private final long[] secondOf = new long[MAX_PIDS];
    private int pids;
    private long untracked;

    private final int[] pmtPid = new int[MAX_PMTS];
    private final int[] pmtProgram = new int[MAX_PMTS];
    private final long[] pmtSeenAt = new long[MAX_PMTS];
    private final long[] pmtNamedAt = new long[MAX_PMTS];
    private final boolean[] pmtMissing = new boolean[MAX_PMTS];
    private final boolean[] pmtNamed = new boolean[MAX_PMTS];
    private int pmts;
    private long pmtsNotTracked;

    private final long startedAt;
    /** When the latest datagram was checked: table states are judged as of then (a stream that stopped keeps its last state). */
    private long lastAt;
    private long patSeenAt = -1;
    private boolean patMissing;
    private int patVersion = -1;

    long packetCount;
    long syncLosses;
    long syncByteErrors;
    long continuityErrors;
    long patErrors;
    long pmtErrors;
    long lastErrorAt = -1;
    Check lastError;
    private boolean inSync = true; // recognised from whole packets that start 0x47
    private int goodRun;
    private int badRun;

    /** Channel totals the errors also go to. */
    private final ChannelSources.Totals totals;

    TsAnalyser(long now, ChannelSources.Totals totals) {
        this.startedAt = now;
        this.totals = totals;
    }

    /**
     * Whether {@code length} bytes at {@code at} are whole TS packets, each starting with the sync byte:
     * what makes a sender's payload MPEG-TS (checked on every packet, only until it is recognised).
     */
    public static boolean isTs(ByteBuf data, int at, int length) {
        if (length <= 0 || length % PACKET != 0) {
            return false;
        }
        for (int i = at; i < at + length; i += PACKET) {
            if (data.getUnsignedByte(i) != SYNC) {
                return false;
            }
        }
        return true;
    }

    /** Whether a sender recognised as TS sends this as TS too: whole packets (the sync bytes are checked). */
    static boolean fits(int length) {
        return length > 0 && length % PACKET == 0;
    }

    /** Checks the packets of one datagram ({@code length} bytes, a multiple of 188, at {@code at}). */
    void packets(ByteBuf data, int at, int length, long now) {
        lastAt = now;
        for (int p = at; p < at + length; p += PACKET) {
            packet(data, p, now);
        }
        tablesDue(now);
    }

    private void packet(ByteBuf data, int p, long now) {
        packetCount++;
        totals.tsPackets++;
        if (data.getUnsignedByte(p) != SYNC) {
            syncByteErrors++;
            totals.syncByteErrors++;
            error(Check.SYNC_BYTE, now);
            goodRun = 0;
            if (++badRun >= SYNC_LOST_AFTER && inSync) {
                inSync = false;
                syncLosses++;
                totals.syncLosses++;
                error(Check.SYNC_LOSS, now);
            }
            return; // nothing else in it can be trusted
        }
        badRun = 0;
        if (!inSync && ++goodRun >= SYNC_BACK_AFTER) {
            inSync = true;
        }
        int b1 = data.getUnsignedByte(p + 1);
        int b3 = data.getUnsignedByte(p + 3);
        int id = ((b1 & 0x1f) << 8) | data.getUnsignedByte(p + 2);
        boolean unitStart = (b1 & 0x40) != 0;
        int scrambling = (b3 >> 6) & 3;
        int control = (b3 >> 4) & 3;
        boolean payload = (control & 1) != 0;
        boolean adaptation = (control & 2) != 0;
        int cc = b3 & 0x0f;
        int adaptationLength = adaptation ? data.getUnsignedByte(p + 4) : -1;
        boolean discontinuity = adaptationLength > 0 && (data.getUnsignedByte(p + 5) & 0x80) != 0;
        int i = index(id);
        if (i >= 0) {
            count(i, now);
            if (id != NULL_PID) {
                continuity(i, cc, payload, discontinuity, now);
            }
        }
        if (id == 0) {
            if (scrambling != 0) {
                patError(now);
            } else if (unitStart && payload) {
                pat(data, p, adaptationLength, now);
            }
        } else if (pmts > 0) {
            for (int k = 0; k < pmts; k++) {
                if (pmtPid[k] == id) {
                    if (scrambling != 0) {
                        pmtError(now);
                    } else if (unitStart && payload && tableId(data, p, adaptationLength) == 2) {
                        pmtSeenAt[k] = now;
                        pmtMissing[k] = false;
                    }
                }
            }
        }
    }

    /** 1.4: the continuity counter of a tracked PID. */
    private void continuity(int i, int cc, boolean payload, boolean discontinuity, long now) {
        int last = lastCc[i];
        lastCc[i] = (byte) cc;
        if (last < 0 || discontinuity) {
            repeats[i] = 0; // the first packet of the PID, or a counter that may jump
            return;
        }
        boolean ok;
        if (!payload) {
            ok = cc == last; // the counter only counts packets with payload
        } else if (cc == ((last + 1) & 0x0f)) {
            repeats[i] = 0;
            ok = true;
        } else if (cc == last) {
            ok = ++repeats[i] <= 1; // one duplicate packet is allowed; a third occurrence is not
        } else {
            repeats[i] = 0;
            ok = false;
        }
        if (!ok) {
            ccErrors[i]++;
            lastCcErrorAt[i] = now;
            continuityErrors++;
            totals.continuityErrors++;
            error(Check.CONTINUITY, now);
        }
    }

    /**
     * Where the section that starts in this packet begins (after the adaptation field and the pointer
     * field), or -1 when that is not inside the packet.
     */
    private static int sectionAt(ByteBuf data, int p, int adaptationLength) {
        int start = p + 4 + (adaptationLength >= 0 ? 1 + adaptationLength : 0);
        if (start >= p + PACKET) {
            return -1;
        }
        int section = start + 1 + data.getUnsignedByte(start);
        return section < p + PACKET ? section : -1;
    }

    /** The table id of the section that starts in this packet, or -1. */
    private static int tableId(ByteBuf data, int p, int adaptationLength) {
        int section = sectionAt(data, p, adaptationLength);
        return section < 0 ? -1 : data.getUnsignedByte(section);
    }

    /** A PAT section starts in this packet: note it, and the PMT PIDs it names (when it fits the packet). */
    private void pat(ByteBuf data, int p, int adaptationLength, long now) {
        int end = p + PACKET;
        int s = sectionAt(data, p, adaptationLength);
        if (s < 0) {
            return;
        }
        if (data.getUnsignedByte(s) != 0) {
            patError(now); // PID 0 carries only the PAT
            return;
        }
        patSeenAt = now;
        patMissing = false;
        if (s + 8 > end) {
            return;
        }
        int sectionLength = ((data.getUnsignedByte(s + 1) & 0x0f) << 8) | data.getUnsignedByte(s + 2);
        int version = (data.getUnsignedByte(s + 5) >> 1) & 0x1f;
        int entriesEnd = s + 3 + sectionLength - 4; // before the CRC
        if (entriesEnd > end || version == patVersion && pmts > 0) {
            return; // spread over packets (rare for a PAT), or the same version again
        }
        patVersion = version;
        // a new version replaces the programs: those it no longer names are forgotten, the others kept
        java.util.Arrays.fill(pmtNamed, false);
        for (int e = s + 8; e + 4 <= entriesEnd; e += 4) {
            int program = data.getUnsignedShort(e);
            int pmt = data.getUnsignedShort(e + 2) & 0x1fff;
            for (int k = 0; k < pmts; k++) {
                if (program != 0 && pmtPid[k] == pmt) {
                    pmtNamed[k] = true;
                }
            }
        }
        int kept = 0;
        for (int k = 0; k < pmts; k++) {
            if (pmtNamed[k]) {
                pmtPid[kept] = pmtPid[k];
                pmtProgram[kept] = pmtProgram[k];
                pmtSeenAt[kept] = pmtSeenAt[k];
                pmtNamedAt[kept] = pmtNamedAt[k];
                pmtMissing[kept] = pmtMissing[k];
                kept++;
            }
        }
        pmts = kept;
        for (int e = s + 8; e + 4 <= entriesEnd; e += 4) {
            int program = data.getUnsignedShort(e);
            int pmt = data.getUnsignedShort(e + 2) & 0x1fff;
            if (program != 0) {
                namePmt(program, pmt, now);
            }
        }
    }

    private void namePmt(int program, int id, long now) {
        for (int k = 0; k < pmts; k++) {
            if (pmtPid[k] == id) {
                pmtProgram[k] = program;
                return;
            }
        }
        if (pmts == MAX_PMTS) {
            pmtsNotTracked++;
            return;
        }
        pmtPid[pmts] = id;
        pmtProgram[pmts] = program;
        pmtSeenAt[pmts] = -1;
        pmtNamedAt[pmts] = now;
        pmts++;
    }

    /** 1.3 and 1.5: a PAT or a PMT missing for longer than the interval, counted once per absence. */
    private void tablesDue(long now) {
        if (!patMissing && overdue(patSeenAt, startedAt, now)) {
            patMissing = true;
            patError(now);
        }
        for (int k = 0; k < pmts; k++) {
            if (!pmtMissing[k] && overdue(pmtSeenAt[k], pmtNamedAt[k], now)) {
                pmtMissing[k] = true;
                pmtError(now);
            }
        }
    }

    private void patError(long now) {
        patErrors++;
        totals.patErrors++;
        error(Check.PAT, now);
    }

    private void pmtError(long now) {
        pmtErrors++;
        totals.pmtErrors++;
        error(Check.PMT, now);
    }

    private void error(Check check, long now) {
        lastError = check;
        lastErrorAt = now;
    }

    /** The PID's index in the per-PID arrays, added when new; -1 when the table is full (counted). */
    private int index(int id) {
        int h = (id * 0x9E3779B1) >>> 25; // 7 bits
        for (int n = 0; n < SLOTS; n++) {
            int s = (h + n) & (SLOTS - 1);
            int v = slots[s];
            if (v == 0) {
                if (pids == MAX_PIDS) {
                    untracked++;
                    return -1;
                }
                int i = pids++;
                pid[i] = id;
                lastCc[i] = -1;
                slots[s] = (short) (i + 1);
                return i;
            }
            if (pid[v - 1] == id) {
                return v - 1;
            }
        }
        untracked++;
        return -1;
    }

    private void count(int i, long now) {
        packets[i]++;
        long second = now / 1000;
        if (secondOf[i] != second) {
            countLastSecond[i] = secondOf[i] == second - 1 ? countThisSecond[i] : 0;
            countThisSecond[i] = 0;
            secondOf[i] = second;
        }
        countThisSecond[i]++;
    }

    private long bitrate(int i, long now) {
        long second = now / 1000;
        long packetsLastSecond = secondOf[i] == second ? countLastSecond[i] : secondOf[i] == second - 1 ? countThisSecond[i] : 0;
        return packetsLastSecond * PACKET * 8;
    }

    /**
     * Whether a table last seen at {@code seenAt} (-1: never, expected since {@code since}) is absent for
     * longer than its interval at {@code at}.
     */
    private static boolean overdue(long seenAt, long since, long at) {
        return at - (seenAt < 0 ? since : seenAt) > TABLE_INTERVAL_MILLIS;
    }

    /** A table's state as of {@code at}: ok, missing (longer than the interval) or never seen. */
    private static String tableState(long seenAt, long since, long at) {
        return !overdue(seenAt, since, at) ? "ok" : seenAt < 0 ? "never seen" : "missing";
    }

    /** The figures as the API shows them; {@code withPids}: the PID table too. */
    TsView view(long now, boolean withPids) {
        long bitrate = 0;
        for (int i = 0; i < pids; i++) {
            bitrate += bitrate(i, now);
        }
        List<TsView.Pmt> programs = new ArrayList<>(pmts);
        for (int k = 0; k < pmts; k++) {
            programs.add(new TsView.Pmt(pmtProgram[k], pmtPid[k], tableState(pmtSeenAt[k], pmtNamedAt[k], lastAt)));
        }
        List<TsView.Pid> table = null;
        if (withPids) {
            table = new ArrayList<>(pids);
            for (int i = 0; i < pids; i++) {
                table.add(new TsView.Pid(pid[i], packets[i], bitrate(i, now), ccErrors[i],
                        ccErrors[i] == 0 ? null : Instant.ofEpochMilli(lastCcErrorAt[i])));
            }
            table.sort((a, b) -> Integer.compare(a.pid(), b.pid()));
        }
        return new TsView(packetCount, bitrate, inSync, syncLosses, syncByteErrors, continuityErrors, patErrors,
                pmtErrors, tableState(patSeenAt, startedAt, lastAt), programs, pids, untracked, pmtsNotTracked,
                lastError == null ? null : lastError.name().toLowerCase().replace('_', ' '),
                lastErrorAt < 0 ? null : Instant.ofEpochMilli(lastErrorAt), table);
    }
}
