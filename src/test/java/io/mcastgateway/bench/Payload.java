package io.mcastgateway.bench;

/**
 * The benchmark's datagram payload, ASCII: {@code <tag> <seq> <nanoTime> ....} padded with dots to the
 * size. The tag tells the runs of one benchmark apart; the sender's {@link System#nanoTime()} (the
 * same monotonic clock in every process of this machine) gives the latency where it is read.
 */
final class Payload {

    private Payload() {
    }

    /** Writes the payload into {@code buf} (at least 64 bytes are used for the header), returns its size. */
    static int write(byte[] buf, int size, int tag, long seq, long nanos) {
        int at = stamp(buf, 0, tag, seq, nanos);
        for (int i = at; i < size; i++) {
            buf[i] = '.';
        }
        return Math.max(size, at);
    }

    /** Writes {@code <tag> <seq> <nanos> } at {@code at}; returns where it ends. */
    static int stamp(byte[] buf, int at, int tag, long seq, long nanos) {
        at = number(buf, at, tag);
        buf[at++] = ' ';
        at = number(buf, at, seq);
        buf[at++] = ' ';
        at = number(buf, at, nanos);
        buf[at++] = ' ';
        return at;
    }

    private static int number(byte[] buf, int at, long value) {
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        for (int i = at + digits - 1; i >= at; i--) {
            buf[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + digits;
    }

    /** Reads {@code tag seq nanos} from bytes at {@code at}; returns false when they are not there. */
    static boolean read(byte[] buf, int at, int end, long[] out) {
        for (int field = 0; field < 3; field++) {
            long value = 0;
            int start = at;
            while (at < end && buf[at] >= '0' && buf[at] <= '9') {
                value = value * 10 + (buf[at++] - '0');
            }
            if (at == start || at >= end || buf[at] != ' ') {
                return false;
            }
            out[field] = value;
            at++;
        }
        return true;
    }

    /** Base64's alphabet (RFC 4648, as Jackson writes it): the value of each character, -1 for others. */
    private static final byte[] BASE64 = new byte[128];

    static {
        java.util.Arrays.fill(BASE64, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            BASE64[alphabet.charAt(i)] = (byte) i;
        }
    }

    /**
     * Reads {@code tag seq nanos} from a Base64 payload (an MPEG-TS one, {@link TsPayload}: at byte
     * {@link TsPayload#STAMP_AT} of the decoded bytes) whose characters start at {@code at}: decodes only
     * the first 64 characters into {@code scratch} (at least 48 bytes).
     */
    static boolean readBase64(byte[] chars, int at, int end, byte[] scratch, long[] out) {
        int n = 0;
        for (int i = at; i + 3 < end && i < at + 64; i += 4) {
            int v = 0;
            for (int k = 0; k < 4; k++) {
                int c = chars[i + k];
                int d = c >= 0 && c < 128 ? BASE64[c] : -1;
                if (d < 0) {
                    return n > TsPayload.STAMP_AT && read(scratch, TsPayload.STAMP_AT, n, out);
                }
                v = v << 6 | d;
            }
            scratch[n++] = (byte) (v >> 16);
            scratch[n++] = (byte) (v >> 8);
            scratch[n++] = (byte) v;
        }
        return n > TsPayload.STAMP_AT && read(scratch, TsPayload.STAMP_AT, n, out);
    }
}
