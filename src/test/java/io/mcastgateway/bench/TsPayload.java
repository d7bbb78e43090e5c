package io.mcastgateway.bench;

import java.util.Arrays;

/**
 * The benchmark's MPEG-TS payload, as {@code bench/sender.c} makes it (kind {@code ts}, or {@code binary}:
 * the same bytes with every sync byte 0, so not TS): {@code size / 188} packets (at least 3). Each
 * datagram starts with a packet of the video PID (0x100) whose payload starts with the benchmark's
 * {@code <tag> <seq> <nanoTime> } (where the clients find it in a Base64 payload: at byte
 * {@value #STAMP_AT}), then video, the last packet audio (PID 0x101); the first datagram and then every
 * {@code rate / 10} (every 100 ms) carry the PAT (PID 0, program 1 on PMT PID 0x1000) and the PMT (video
 * 0x100, audio 0x101) as packets 2 and 3, with their CRCs. Every PID's continuity counter counts its
 * packets (all with payload, no adaptation field); the rest of each payload is 0xff. One instance per
 * sender: it keeps the counters.
 */
public final class TsPayload {

    public static final int PACKET = 188;
    /** Where the stamp starts: after the first packet's 4-byte header. */
    public static final int STAMP_AT = 4;
    public static final int PID_PMT = 0x1000;
    public static final int PID_VIDEO = 0x100;
    public static final int PID_AUDIO = 0x101;

    private static final byte[] PAT = psi(new int[] { 0x00, 0xb0, 13, 0x00, 0x01, 0xc1, 0x00, 0x00, 0x00, 0x01,
            0xe0 | PID_PMT >> 8, PID_PMT & 0xff });
    private static final byte[] PMT = psi(new int[] { 0x02, 0xb0, 23, 0x00, 0x01, 0xc1, 0x00, 0x00,
            0xe0 | PID_VIDEO >> 8, PID_VIDEO & 0xff, 0xf0, 0x00,
            0x02, 0xe0 | PID_VIDEO >> 8, PID_VIDEO & 0xff, 0xf0, 0x00,
            0x03, 0xe0 | PID_AUDIO >> 8, PID_AUDIO & 0xff, 0xf0, 0x00 });

    private final boolean sync;
    private final long tablesEvery;
    private final byte[] cc = new byte[0x2000];

    /** {@code sync} false: the {@code binary} kind (no sync bytes); the tables every {@code rate / 10} datagrams. */
    public TsPayload(boolean sync, long rate) {
        this.sync = sync;
        this.tablesEvery = Math.max(1, rate / 10);
    }

    /** Whether {@code size} bytes make such a payload: whole packets, at least 3. */
    public static boolean fits(int size) {
        return size % PACKET == 0 && size >= 3 * PACKET;
    }

    /** Writes datagram {@code seq} (from 1) into {@code buf}; returns its size. */
    public int write(byte[] buf, int size, int tag, long seq, long nanos) {
        int n = size / PACKET;
        boolean tables = (seq - 1) % tablesEvery == 0;
        for (int k = 0; k < n; k++) {
            int at = k * PACKET;
            if (tables && k == 1) {
                System.arraycopy(PAT, 0, buf, at, PACKET);
                header(buf, at, 0, true);
            } else if (tables && k == 2) {
                System.arraycopy(PMT, 0, buf, at, PACKET);
                header(buf, at, PID_PMT, true);
            } else {
                Arrays.fill(buf, at, at + PACKET, (byte) 0xff);
                header(buf, at, k == n - 1 && n > 3 ? PID_AUDIO : PID_VIDEO, false);
            }
        }
        Payload.stamp(buf, STAMP_AT, tag, seq, nanos);
        return n * PACKET;
    }

    private void header(byte[] buf, int at, int pid, boolean unitStart) {
        buf[at] = (byte) (sync ? 0x47 : 0);
        buf[at + 1] = (byte) ((unitStart ? 0x40 : 0) | pid >> 8);
        buf[at + 2] = (byte) pid;
        buf[at + 3] = (byte) (0x10 | cc[pid] & 0x0f); // not scrambled, payload only
        cc[pid]++;
    }

    /** A PSI packet (header left to {@link #header}): pointer field 0, the section, its CRC, 0xff after them. */
    private static byte[] psi(int[] section) {
        byte[] packet = new byte[PACKET];
        Arrays.fill(packet, (byte) 0xff);
        packet[4] = 0;
        for (int i = 0; i < section.length; i++) {
            packet[5 + i] = (byte) section[i];
        }
        int crc = crc32Mpeg2(packet, 5, section.length);
        int at = 5 + section.length;
        packet[at] = (byte) (crc >>> 24);
        packet[at + 1] = (byte) (crc >>> 16);
        packet[at + 2] = (byte) (crc >>> 8);
        packet[at + 3] = (byte) crc;
        return packet;
    }

    /** CRC-32/MPEG-2: polynomial 0x04C11DB7, initial all ones, not reflected, no final xor. */
    static int crc32Mpeg2(byte[] bytes, int at, int length) {
        int crc = 0xffffffff;
        for (int i = at; i < at + length; i++) {
            crc ^= (bytes[i] & 0xff) << 24;
            for (int b = 0; b < 8; b++) {
                crc = crc < 0 ? crc << 1 ^ 0x04c11db7 : crc << 1;
            }
        }
        return crc;
    }
}
