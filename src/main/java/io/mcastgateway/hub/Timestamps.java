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

    private record Cached(long second, String prefix, char[] chars) {
    }

    /** Characters {@link #write} writes. */
    public static final int LENGTH = 24;

    private static volatile Cached cached = new Cached(Long.MIN_VALUE, "", new char[0]);

    private Timestamps() {
    }

    public static String format(long epochMillis) {
        Cached c = cachedFor(epochMillis);
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

    /** Writes the {@value #LENGTH} characters of the timestamp into {@code dst} at 0; allocates nothing. */
    public static void write(long epochMillis, char[] dst) {
        Cached c = cachedFor(epochMillis);
        System.arraycopy(c.chars, 0, dst, 0, c.chars.length);
        int millis = (int) Math.floorMod(epochMillis, 1000);
        int at = c.chars.length;
        dst[at] = (char) ('0' + millis / 100);
        dst[at + 1] = (char) ('0' + millis / 10 % 10);
        dst[at + 2] = (char) ('0' + millis % 10);
        dst[at + 3] = 'Z';
    }

    private static Cached cachedFor(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        Cached c = cached;
        if (c.second != second) {
            String prefix = SECONDS.format(Instant.ofEpochSecond(second));
            c = new Cached(second, prefix, prefix.toCharArray());
            cached = c;
        }
        return c;
    }
}
