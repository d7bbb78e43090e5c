package io.mcastgateway.transport;

import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import io.mcastgateway.channel.LogText;

/**
 * Stream entries passed over for a reason (not an event a gateway wrote, a relayed send refused):
 * counted for {@code /api/stats}, and logged at most once per 10 s, so whoever can write to Redis
 * cannot flood the log. Safe from any thread.
 */
final class PassedOver {

    private static final Logger LOG = Logger.getLogger(PassedOver.class);
    private static final long LOG_PERIOD_MILLIS = 10_000;

    private final AtomicLong count = new AtomicLong();
    private final String what;
    private final String stat;
    private volatile long loggedAt;

    /**
     * @param what what is passed over, as the log line starts ("Skipped stream entry")
     * @param stat where {@code /api/stats} counts it
     */
    PassedOver(String what, String stat) {
        this.what = what;
        this.stat = stat;
    }

    void add(String id, String stream, String why) {
        count.incrementAndGet();
        long now = System.currentTimeMillis();
        if (now - loggedAt >= LOG_PERIOD_MILLIS) {
            loggedAt = now;
            LOG.warnf("%s %s of %s: %s (counted in /api/stats as %s)", what, LogText.escape(id), stream, why, stat);
        }
    }

    long count() {
        return count.get();
    }
}
