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
        int at = number(buf, 0, tag);
        buf[at++] = ' ';
        at = number(buf, at, seq);
        buf[at++] = ' ';
        at = number(buf, at, nanos);
        buf[at++] = ' ';
        for (int i = at; i < size; i++) {
            buf[i] = '.';
        }
        return Math.max(size, at);
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
}
