package io.mcastgateway.rest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per client address: {@code rate} messages a second, bursts of as many. At most
 * {@value #MAX_CLIENTS} clients are remembered; beyond, the table starts afresh (a client then gets a
 * full bucket again, which costs at most one burst).
 */
final class PublishLimiter {

    private static final int MAX_CLIENTS = 10_000;

    private final int rate;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long updatedAt;
    }

    PublishLimiter(int rate) {
        this.rate = rate;
    }

    /** 0 when the client may publish now (a token is taken), else the seconds until it may. */
    long take(String client, long nowNanos) {
        if (buckets.size() >= MAX_CLIENTS && !buckets.containsKey(client)) {
            buckets.clear();
        }
        Bucket b = buckets.computeIfAbsent(client, c -> {
            Bucket fresh = new Bucket();
            fresh.tokens = rate;
            fresh.updatedAt = nowNanos;
            return fresh;
        });
        synchronized (b) {
            b.tokens = Math.min(rate, b.tokens + (nowNanos - b.updatedAt) / 1e9 * rate);
            b.updatedAt = nowNanos;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - b.tokens) / rate));
        }
    }
}
