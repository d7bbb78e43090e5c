package io.mcastgateway.hub;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * ISO-8601 UTC timestamps with milliseconds ({@code 2026-11-25T18:00:00.123Z}). The part up to the
 * second is formatted once per second and reused: formatting every event costs a tenth of the
 * gateway's time at high rates.
 */
public final class Timestamps {

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.")
            .withZone(ZoneOffset.UTC);

    private record Cached(long second, String prefix) {
    }

    private static volatile Cached cached = new Cached(Long.MIN_VALUE, "");

    private Timestamps() {
    }

    public static String format(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        Cached c = cached;
        if (c.second != second) {
            c = new Cached(second, SECONDS.format(Instant.ofEpochSecond(second)));
            cached = c;
        }
        int millis = (int) Math.floorMod(epochMillis, 1000);
        StringBuilder sb = new StringBuilder(c.prefix.length() + 4).append(c.prefix);
        if (millis < 100) {
            sb.append('0');
        }
        if (millis < 10) {
            sb.append('0');
        }
        return sb.append(millis).append('Z').toString();
    }
}
