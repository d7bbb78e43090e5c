package io.mcastgateway.stats;

import io.netty.buffer.ByteBuf;

/**
 * Finds a sequence number in a datagram, reading its bytes in place (nothing allocated):
 * <ul>
 * <li>the gateway's own format, JSON that starts {@code {"seq":N} (spaces allowed around the colon),
 * N counting from 1 in each run of the sender;</li>
 * <li>RTP (RFC 3550): version 2, at least the 12-byte header, a payload type outside 72-76 (where
 * RTCP's packet types would sit); the 16-bit sequence number and the SSRC.</li>
 * </ul>
 */
public final class Sequence {

    public enum Format {
        JSON, RTP
    }

    /** How many numbers {@link #parse} writes. */
    public static final int FIELDS = 6;

    private static final byte[] JSON_START = { '{', '"', 's', 'e', 'q', '"' };

    private Sequence() {
    }

    /**
     * Parses {@code data}'s readable bytes into {@code out} (at least {@value #FIELDS} long):
     * {@code out[0]} the sequence number, {@code out[1]} the RTP SSRC (0 for JSON); for RTP also
     * {@code out[2]} the timestamp, {@code out[3]} the payload type, {@code out[4]} where the payload
     * starts (after the CSRCs and any header extension) and {@code out[5]} its length (without padding),
     * or -1 and 0 when the header's lengths don't fit the datagram. Returns the format, or null when
     * there is none.
     */
    public static Format parse(ByteBuf data, long[] out) {
        int at = data.readerIndex();
        int end = data.writerIndex();
        int size = end - at;
        if (size >= JSON_START.length + 2 && data.getByte(at) == '{') {
            for (int i = 0; i < JSON_START.length; i++) {
                if (data.getByte(at + i) != JSON_START[i]) {
                    return rtp(data, at, size, out);
                }
            }
            int i = skipSpaces(data, at + JSON_START.length, end);
            if (i >= end || data.getByte(i) != ':') {
                return null;
            }
            i = skipSpaces(data, i + 1, end);
            long seq = 0;
            int digits = 0;
            while (i < end && digits < 18) {
                byte b = data.getByte(i);
                if (b < '0' || b > '9') {
                    break;
                }
                seq = seq * 10 + (b - '0');
                digits++;
                i++;
            }
            if (digits == 0) {
                return null;
            }
            out[0] = seq;
            out[1] = 0;
            return Format.JSON;
        }
        return rtp(data, at, size, out);
    }

    private static Format rtp(ByteBuf data, int at, int size, long[] out) {
        if (size < 12) {
            return null;
        }
        int first = data.getUnsignedByte(at);
        int payloadType = data.getUnsignedByte(at + 1) & 0x7f;
        if ((first & 0xc0) != 0x80 || (payloadType >= 72 && payloadType <= 76)) {
            return null;
        }
        out[0] = data.getUnsignedShort(at + 2);
        out[1] = data.getUnsignedInt(at + 8);
        out[2] = data.getUnsignedInt(at + 4);
        out[3] = payloadType;
        int start = at + 12 + 4 * (first & 0x0f);
        int end = at + size;
        if ((first & 0x10) != 0 && start + 4 <= end) { // header extension: 4 bytes and its length in words
            start += 4 + 4 * data.getUnsignedShort(start + 2);
        }
        if ((first & 0x20) != 0 && end > start) { // padding: its count is the last byte
            end -= data.getUnsignedByte(end - 1);
        }
        out[4] = start <= end ? start - at : -1;
        out[5] = start <= end ? end - start : 0;
        return Format.RTP;
    }

    private static int skipSpaces(ByteBuf data, int i, int end) {
        while (i < end && data.getByte(i) == ' ') {
            i++;
        }
        return i;
    }
}
