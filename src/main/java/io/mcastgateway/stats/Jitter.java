package io.mcastgateway.stats;

/**
 * RFC 3550's interarrival jitter (section 6.4.1, appendix A.8) of one RTP stream: for each packet in
 * the order of arrival, {@code D} is the difference of the transit times (arrival minus RTP timestamp,
 * both in timestamp units) of it and the packet before, and {@code J += (|D| - J) / 16}. Starts over
 * when the stream does (a new SSRC, a jump of the sequence).
 */
final class Jitter {

    private boolean started;
    private long originNanos;
    private long lastTransit;
    private double jitter;
    private int rate;

    /** One packet: its RTP timestamp (32 bits), its arrival ({@link System#nanoTime()}) and its clock rate. */
    void packet(long timestamp, long arrivalNanos, int clockRate) {
        if (!started || clockRate != rate) {
            started = true;
            rate = clockRate;
            originNanos = arrivalNanos;
            jitter = 0;
            lastTransit = transit(timestamp, arrivalNanos);
            return;
        }
        long transit = transit(timestamp, arrivalNanos);
        int d = (int) (transit - lastTransit); // 32-bit arithmetic, as the timestamps wrap
        lastTransit = transit;
        jitter += (Math.abs((double) d) - jitter) / 16;
    }

    private long transit(long timestamp, long arrivalNanos) {
        long arrival = Math.round((arrivalNanos - originNanos) * (double) rate / 1_000_000_000L);
        return arrival - timestamp;
    }

    void restart() {
        started = false;
        jitter = 0;
    }

    /** The estimate in timestamp units, as RTCP reports it; 0 before two packets. */
    double units() {
        return jitter;
    }

    /** The estimate in milliseconds; NaN before the first packet. */
    double millis() {
        return started ? jitter * 1000 / rate : Double.NaN;
    }

    int rate() {
        return rate;
    }
}
