package io.mcastgateway.stats;

import java.time.Instant;

/**
 * What one sender sent on one channel: counts, rate, and, when its datagrams carry a sequence number
 * ({@link Sequence}), how many were lost, duplicated and reordered, and how often the sender started
 * over. Updated on the receiving thread, read by the API: the owner ({@link ChannelSources})
 * synchronizes both.
 * <p>
 * How the sequence is read, per datagram with number {@code n} and the highest so far {@code h}
 * (RTP's 16-bit numbers are first extended to 64 bits across wrap-arounds, as in RFC 3550 A.1):
 * <ul>
 * <li>{@code n > h}: the {@code n - h - 1} numbers in between are lost (for now);</li>
 * <li>{@code n == h}, or an older {@code n} already seen: a duplicate;</li>
 * <li>an older {@code n} not seen yet, within the last {@value #WINDOW}: it arrived late, so it is
 * reordered, and one fewer is lost;</li>
 * <li>a restart of the sender, which resets the window and is not loss: for JSON a {@code seq} of 1, a
 * number more than {@value #WINDOW} behind or more than {@value #MAX_JSON_DROPOUT} ahead (one datagram
 * can't claim a loss of billions); for RTP a new SSRC, a jump back of more than
 * {@value #MAX_MISORDER} or ahead of more than {@value #MAX_DROPOUT} (RFC 3550's limits).</li>
 * </ul>
 */
public final class SourceStats {

    static final int WINDOW = 1024;
    static final int MAX_DROPOUT = 3000;
    static final int MAX_MISORDER = 100;
    /** The largest forward jump of a JSON seq counted as loss: a second at 65k datagrams/s. */
    static final int MAX_JSON_DROPOUT = 65_536;
    private static final int RATE_SECONDS = 5;

    final String source;
    private final String ip;
    /** The sequence number of the datagram recorded last, or -1: read by the receiving thread right after. */
    private long seq = -1;
    long datagrams;
    long bytes;
    long firstSeen;
    long lastSeen;
    Sequence.Format format;
    long lost;
    long duplicated;
    long reordered;
    long restarts;
    long lastSeq = -1;
    private long highest = -1;
    private long ssrc = -1;
    /** Bit i: number highest - i was seen. */
    private final long[] window = new long[WINDOW / 64];
    private final long[] perSecond = new long[RATE_SECONDS];
    private final long[] bytesPerSecond = new long[RATE_SECONDS];
    private long second;
    /** The last {@value #STEPS} steps of {@value #STEP_MILLIS} ms: bytes, and the error total when each began. */
    static final int STEPS = 60;
    static final int STEP_MILLIS = 5000;
    private final long[] stepBytes = new long[STEPS];
    private final long[] errorsAtStep = new long[STEPS];
    private long step = -1;
    /** RTP only: the interarrival jitter; made at the first RTP datagram. */
    Jitter jitter;
    /** MPEG-TS only (bare or RTP payload type 33): made when the payload is first recognised as TS. */
    TsAnalyser ts;

    SourceStats(String ip, String source, long now) {
        this.ip = ip;
        this.source = source;
        this.firstSeen = now;
    }

    /** The sender's address as filters match it (canonical; IPv6 with its scope as interface name). */
    public String ip() {
        return ip;
    }

    /** The sender as events show it: {@code ip:port}, {@code [ip]:port} for IPv6. */
    public String text() {
        return source;
    }

    /** The sequence number the datagram recorded last carries, or -1 when it carries none. */
    public long seq() {
        return seq;
    }

    void count(int size, long now) {
        seq = -1;
        datagrams++;
        bytes += size;
        lastSeen = now;
        long s = now / 1000;
        if (s != second) {
            for (long t = second + 1; t <= s && t <= second + RATE_SECONDS; t++) {
                perSecond[(int) (t % RATE_SECONDS)] = 0;
                bytesPerSecond[(int) (t % RATE_SECONDS)] = 0;
            }
            second = s;
        }
        perSecond[(int) (s % RATE_SECONDS)]++;
        bytesPerSecond[(int) (s % RATE_SECONDS)] += size;
        long t = now / STEP_MILLIS;
        if (t != step) {
            nextStep(t);
        }
        stepBytes[(int) (t % STEPS)] += size;
    }

    /** A new step began: the ones in between had nothing, and each starts at the error total now. */
    private void nextStep(long t) {
        long errors = errors();
        long from = step < 0 || t - step >= STEPS ? t - STEPS + 1 : step + 1;
        for (long u = from; u <= t; u++) {
            stepBytes[(int) (Math.floorMod(u, STEPS))] = 0;
            errorsAtStep[(int) (Math.floorMod(u, STEPS))] = errors;
        }
        step = t;
    }

    /** Errors so far: lost datagrams and MPEG-TS errors. */
    private long errors() {
        return lost + (ts == null ? 0 : ts.continuityErrors + ts.syncByteErrors + ts.patErrors + ts.pmtErrors);
    }

    /** The complete steps of the last five minutes (see {@link History}). */
    History history(long now) {
        long current = now / STEP_MILLIS;
        double[] bitrate = new double[STEPS];
        long[] errors = new long[STEPS];
        for (int i = 0; i < STEPS; i++) {
            long u = current - STEPS + i;
            if (step < 0 || u > step || u <= step - STEPS) {
                continue; // nothing was heard in it, or it was overwritten
            }
            int k = (int) Math.floorMod(u, STEPS);
            bitrate[i] = stepBytes[k] * 8.0 * 1000 / STEP_MILLIS;
            long end = u + 1 <= step ? errorsAtStep[(int) Math.floorMod(u + 1, STEPS)] : errors();
            errors[i] = Math.max(0, end - errorsAtStep[k]);
        }
        return new History(STEP_MILLIS / 1000, Instant.ofEpochMilli(current * STEP_MILLIS), bitrate, errors);
    }

    /** Datagrams per second over the last complete seconds. */
    double rate(long now) {
        return perSecond(perSecond, now);
    }

    /** Payload bits per second over the last complete seconds. */
    double bitrate(long now) {
        return perSecond(bytesPerSecond, now) * 8;
    }

    private double perSecond(long[] counts, long now) {
        long s = now / 1000;
        long sum = 0;
        int seconds = 0;
        for (long t = s - RATE_SECONDS + 1; t < s; t++) {
            if (t > second || t < second - RATE_SECONDS + 1 || t < firstSeen / 1000) {
                continue;
            }
            sum += counts[(int) (t % RATE_SECONDS)];
            seconds++;
        }
        return seconds == 0 ? 0 : (double) sum / seconds;
    }

    /** The RTP jitter in milliseconds; NaN when the sender's datagrams are not RTP (or none was timed yet). */
    double jitterMs() {
        return jitter != null && format == Sequence.Format.RTP ? jitter.millis() : Double.NaN;
    }

    /** One RTP packet's timestamp, for the jitter; after {@link #sequence}, which tells a restart. */
    void rtpTimestamp(long timestamp, long arrivalNanos, int clockRate) {
        if (jitter == null) {
            jitter = new Jitter();
        }
        jitter.packet(timestamp, arrivalNanos, clockRate);
    }

    /** One sequenced datagram. */
    void sequence(Sequence.Format f, long rawSeq, long newSsrc) {
        seq = rawSeq;
        long n = rawSeq;
        boolean restart = format != null && f != format;
        format = f;
        if (f == Sequence.Format.RTP) {
            if (highest >= 0) {
                long delta = (short) (rawSeq - (highest & 0xffff)); // signed 16-bit distance
                n = highest + delta;
                restart |= newSsrc != ssrc || delta > MAX_DROPOUT || delta < -MAX_MISORDER;
            }
            ssrc = newSsrc;
        } else if (highest >= 0) {
            restart |= (n == 1 && highest > 1) || n < highest - WINDOW || n > highest + MAX_JSON_DROPOUT;
        }
        lastSeq = rawSeq;
        if (highest < 0 || restart || n < 0) {
            if (highest >= 0) {
                restarts++;
                if (jitter != null) {
                    jitter.restart();
                }
            }
            java.util.Arrays.fill(window, 0);
            highest = Math.max(n, 0);
            mark(0);
            return;
        }
        long d = n - highest;
        if (d > 0) {
            lost += d - 1;
            shift(d);
            highest = n;
            mark(0);
        } else if (-d >= WINDOW || seen(-d)) {
            duplicated++;
        } else {
            reordered++;
            lost = Math.max(0, lost - 1);
            mark(-d);
        }
    }

    private boolean seen(long back) {
        return (window[(int) (back >>> 6)] & (1L << (back & 63))) != 0;
    }

    private void mark(long back) {
        window[(int) (back >>> 6)] |= 1L << (back & 63);
    }

    /** Moves the window {@code d} numbers ahead: bit i becomes bit i + d. */
    private void shift(long d) {
        if (d >= WINDOW) {
            java.util.Arrays.fill(window, 0);
            return;
        }
        int words = (int) (d >>> 6);
        int bits = (int) (d & 63);
        for (int i = window.length - 1; i >= 0; i--) {
            long v = 0;
            int from = i - words;
            if (from >= 0) {
                v = window[from] << bits;
                if (bits != 0 && from - 1 >= 0) {
                    v |= window[from - 1] >>> (64 - bits);
                }
            }
            window[i] = v;
        }
    }
}
