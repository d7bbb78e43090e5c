package io.mcastgateway.stats;

/**
 * The RTP clock rate of a payload type: the static types of RFC 3551 (table 4 and 5) by number; the
 * dynamic ones (96-127) and the unassigned ones at the channel's setting
 * ({@code mcast.channels.<name>.rtp-clock-rate}, default 90 kHz, the video clock).
 */
final class RtpClock {

    private static final int[] STATIC = new int[128];

    static {
        for (int pt : new int[] { 0, 3, 4, 5, 7, 8, 9, 12, 13, 15, 18 }) {
            STATIC[pt] = 8_000;
        }
        STATIC[6] = 16_000;
        STATIC[10] = 44_100;
        STATIC[11] = 44_100;
        STATIC[16] = 11_025;
        STATIC[17] = 22_050;
        for (int pt : new int[] { 14, 25, 26, 28, 31, 32, 33, 34 }) {
            STATIC[pt] = 90_000;
        }
    }

    private RtpClock() {
    }

    /** Ticks per second of {@code payloadType}'s timestamps; {@code other} for a type without a static rate. */
    static int rate(int payloadType, int other) {
        int r = STATIC[payloadType & 0x7f];
        return r != 0 ? r : other;
    }
}
