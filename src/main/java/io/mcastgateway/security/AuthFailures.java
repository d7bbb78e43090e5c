package io.mcastgateway.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed authentications per client address, a fixed window of a minute each: after {@code max} in
 * one window, the address is over its limit until the window ends (its failures get 429). At most {@value #MAX_CLIENTS} addresses
 * are remembered; beyond, those whose window ended are forgotten, and if none has, all are (a flood
 * from that many addresses gets a fresh window, which costs at most {@code max} guesses each).
 */
final class AuthFailures {

    static final int MAX_CLIENTS = 10_000;
    private static final long WINDOW_NANOS = 60_000_000_000L;

    private final int max;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        final long startedAt;
        int failures;

        Window(long startedAt) {
            this.startedAt = startedAt;
        }
    }

    AuthFailures(int max) {
        this.max = max;
    }

    /** 0 when {@code client} is within its limit, else the seconds until its window ends. */
    long retryAfter(String client, long nowNanos) {
        Window w = windows.get(client);
        if (w == null) {
            return 0;
        }
        synchronized (w) {
            long left = w.startedAt + WINDOW_NANOS - nowNanos;
            if (left <= 0) {
                windows.remove(client, w);
                return 0;
            }
            return w.failures >= max ? Math.max(1, (left + 999_999_999) / 1_000_000_000) : 0;
        }
    }

    /** Counts a failed attempt of {@code client}; returns how many it made in this window. */
    int failed(String client, long nowNanos) {
        if (windows.size() >= MAX_CLIENTS && !windows.containsKey(client)) {
            windows.entrySet().removeIf(e -> e.getValue().startedAt + WINDOW_NANOS - nowNanos <= 0);
            if (windows.size() >= MAX_CLIENTS) {
                windows.clear();
            }
        }
        while (true) {
            Window w = windows.computeIfAbsent(client, c -> new Window(nowNanos));
            synchronized (w) {
                if (w.startedAt + WINDOW_NANOS - nowNanos <= 0) {
                    windows.remove(client, w);
                    continue;
                }
                return ++w.failures;
            }
        }
    }
}
