package io.mcastgateway.passthrough;

import io.netty.buffer.ByteBuf;

/**
 * Where a player can start in an MPEG-TS stream, and what it needs first. A player that gets a live stream
 * from its middle can decode nothing until a video key frame, and nothing at all of the packets it gets
 * before it knows the programme's tables (PAT, PMT): it shows errors and a broken picture for up to a
 * GOP. So a new client of a TS group starts at a <em>random access point</em> (a packet whose adaptation
 * field sets random_access_indicator, on a video PID of the PMT, or on any PID where the PMT names no
 * video), preceded by the latest PAT and PMTs, as they were last received.
 * <p>
 * Reads only the packets that start a section or carry an adaptation field; holds the PAT and up to
 * {@link #MAX_PROGRAMS} PMTs (each one packet: a PAT or PMT that spans packets is not kept, and clients
 * then start without tables). Not thread-safe: the group's receiving thread owns it; {@link #tables()}
 * is a copy for the clients' threads.
 */
final class TsStart {

    static final int PACKET = 188;
    static final int MAX_PROGRAMS = 16;
    private static final int MAX_VIDEO_PIDS = 16;

    private final byte[] pat = new byte[PACKET];
    private boolean hasPat;
    private final int[] pmtPids = new int[MAX_PROGRAMS];
    private final byte[][] pmts = new byte[MAX_PROGRAMS][PACKET];
    private final boolean[] hasPmt = new boolean[MAX_PROGRAMS];
    private int programs;
    private final int[] videoPids = new int[MAX_VIDEO_PIDS];
    private int videos;
    private volatile byte[] tables = new byte[0];

    /** Reads the tables in {@code length} bytes of whole TS packets at {@code offset}. */
    void observe(ByteBuf b, int offset, int length) {
        boolean changed = false;
        for (int at = offset; at + PACKET <= offset + length; at += PACKET) {
            if (b.getByte(at) != 0x47 || (b.getByte(at + 1) & 0x40) == 0) {
                continue; // not a packet, or no section starts in it
            }
            int pid = pid(b, at);
            if (pid == 0) {
                if (!hasPat || !equal(b, at, pat)) {
                    b.getBytes(at, pat);
                    hasPat = true;
                    readPat();
                    changed = true;
                }
            } else {
                for (int i = 0; i < programs; i++) {
                    if (pmtPids[i] == pid && (!hasPmt[i] || !equal(b, at, pmts[i]))) {
                        b.getBytes(at, pmts[i]);
                        hasPmt[i] = true;
                        readVideoPids();
                        changed = true;
                    }
                }
            }
        }
        if (changed) {
            tables = currentTables();
        }
    }

    /**
     * The offset (from {@code offset}) of the first random access point in {@code length} bytes of TS
     * packets, or -1.
     */
    int randomAccess(ByteBuf b, int offset, int length) {
        for (int at = offset; at + PACKET <= offset + length; at += PACKET) {
            if (b.getByte(at) != 0x47) {
                continue;
            }
            int control = (b.getByte(at + 3) >> 4) & 0x3;
            if ((control & 0x2) == 0 || (b.getByte(at + 4) & 0xff) == 0 || (b.getByte(at + 5) & 0x40) == 0) {
                continue; // no adaptation field, an empty one, or no random access indicator
            }
            if (videos == 0 || isVideo(pid(b, at))) {
                return at - offset;
            }
        }
        return -1;
    }

    /** The latest PAT and PMTs, one packet each, in this order; empty before the first PAT. */
    byte[] tables() {
        return tables;
    }

    private byte[] currentTables() {
        if (!hasPat) {
            return new byte[0];
        }
        int n = 1;
        for (int i = 0; i < programs; i++) {
            n += hasPmt[i] ? 1 : 0;
        }
        byte[] t = new byte[n * PACKET];
        System.arraycopy(pat, 0, t, 0, PACKET);
        int at = PACKET;
        for (int i = 0; i < programs; i++) {
            if (hasPmt[i]) {
                System.arraycopy(pmts[i], 0, t, at, PACKET);
                at += PACKET;
            }
        }
        return t;
    }

    /** The PMT PIDs of the PAT (programme 0 is the network PID, not a PMT). */
    private void readPat() {
        int[] section = section(pat);
        if (section == null || (pat[section[0]] & 0xff) != 0x00) {
            return;
        }
        int start = section[0];
        int end = section[1] - 4; // without the CRC
        int[] pids = new int[MAX_PROGRAMS];
        int n = 0;
        for (int at = start + 8; at + 4 <= end && n < MAX_PROGRAMS; at += 4) {
            int program = ((pat[at] & 0xff) << 8) | (pat[at + 1] & 0xff);
            int pid = ((pat[at + 2] & 0x1f) << 8) | (pat[at + 3] & 0xff);
            if (program != 0) {
                pids[n++] = pid;
            }
        }
        if (n != programs || !java.util.Arrays.equals(pids, 0, n, pmtPids, 0, n)) {
            // other programmes: the PMTs held belong to the old ones
            System.arraycopy(pids, 0, pmtPids, 0, n);
            java.util.Arrays.fill(hasPmt, false);
            programs = n;
            readVideoPids();
        }
    }

    /** The video elementary streams of every PMT held. */
    private void readVideoPids() {
        videos = 0;
        for (int i = 0; i < programs; i++) {
            if (!hasPmt[i]) {
                continue;
            }
            byte[] p = pmts[i];
            int[] section = section(p);
            if (section == null || (p[section[0]] & 0xff) != 0x02) {
                continue;
            }
            int start = section[0];
            int end = section[1] - 4;
            int programInfo = ((p[start + 10] & 0x0f) << 8) | (p[start + 11] & 0xff);
            for (int at = start + 12 + programInfo; at + 5 <= end; ) {
                int type = p[at] & 0xff;
                int pid = ((p[at + 1] & 0x1f) << 8) | (p[at + 2] & 0xff);
                int info = ((p[at + 3] & 0x0f) << 8) | (p[at + 4] & 0xff);
                if (isVideoType(type) && videos < MAX_VIDEO_PIDS) {
                    videoPids[videos++] = pid;
                }
                at += 5 + info;
            }
        }
    }

    /** MPEG-1/2 video, MPEG-4 part 2, H.264, H.265, AVS/AVS2/AVS3, VC-1 (ISO/IEC 13818-1 stream types). */
    private static boolean isVideoType(int type) {
        return type == 0x01 || type == 0x02 || type == 0x10 || type == 0x1b || type == 0x24 || type == 0x42
                || type == 0xd2 || type == 0xd4 || type == 0xea;
    }

    private boolean isVideo(int pid) {
        for (int i = 0; i < videos; i++) {
            if (videoPids[i] == pid) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where the section of a packet that starts one begins (after the pointer field) and ends, when it
     * ends within the packet; null otherwise.
     */
    private static int[] section(byte[] p) {
        int control = (p[3] >> 4) & 0x3;
        if ((control & 0x1) == 0) {
            return null; // no payload
        }
        int at = 4 + ((control & 0x2) != 0 ? 1 + (p[4] & 0xff) : 0);
        if (at >= PACKET) {
            return null;
        }
        at += 1 + (p[at] & 0xff); // the pointer field
        if (at + 3 > PACKET) {
            return null;
        }
        int length = ((p[at + 1] & 0x0f) << 8) | (p[at + 2] & 0xff);
        int end = at + 3 + length;
        return end <= PACKET && length >= 9 ? new int[] { at, end } : null;
    }

    private static int pid(ByteBuf b, int at) {
        return ((b.getByte(at + 1) & 0x1f) << 8) | (b.getByte(at + 2) & 0xff);
    }

    private static boolean equal(ByteBuf b, int at, byte[] packet) {
        for (int i = 4; i < PACKET; i++) { // the continuity counter (byte 3) changes every time
            if (b.getByte(at + i) != packet[i]) {
                return false;
            }
        }
        return true;
    }
}
