package io.mcastgateway.support;

/** RTP packets for tests (RFC 3550: version 2, no CSRC, no extension, no padding). */
public final class Rtp {

    private Rtp() {
    }

    /** A 12-byte header with these fields, then {@code payload}. */
    public static byte[] packet(int payloadType, int seq, long timestamp, long ssrc, byte[] payload) {
        byte[] p = new byte[12 + payload.length];
        p[0] = (byte) 0x80;
        p[1] = (byte) payloadType;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[4] = (byte) (timestamp >> 24);
        p[5] = (byte) (timestamp >> 16);
        p[6] = (byte) (timestamp >> 8);
        p[7] = (byte) timestamp;
        p[8] = (byte) (ssrc >> 24);
        p[9] = (byte) (ssrc >> 16);
        p[10] = (byte) (ssrc >> 8);
        p[11] = (byte) ssrc;
        System.arraycopy(payload, 0, p, 12, payload.length);
        return p;
    }
}
