package io.mcastgateway.hub;

import java.nio.charset.StandardCharsets;
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

    private record Cached(long second, byte[] ascii) {
    }

    /** Characters {@link #write} writes. */
    public static final int LENGTH = 24;

    private static volatile Cached cached = new Cached(Long.MIN_VALUE, new byte[0]);

    private Timestamps() {
    }

    public static String format(long epochMillis) {
        byte[] ascii = new byte[LENGTH];
        write(epochMillis, ascii);
        return new String(ascii, StandardCharsets.US_ASCII);
    }

    /** Writes the {@value #LENGTH} characters of the timestamp (ASCII) into {@code dst} at 0; allocates nothing. */
    public static void write(long epochMillis, byte[] dst) {
        Cached c = cachedFor(epochMillis);
        System.arraycopy(c.ascii, 0, dst, 0, c.ascii.length);
        int millis = (int) Math.floorMod(epochMillis, 1000);
        int at = c.ascii.length;
        dst[at] = (byte) ('0' + millis / 100);
        dst[at + 1] = (byte) ('0' + millis / 10 % 10);
        dst[at + 2] = (byte) ('0' + millis % 10);
        dst[at + 3] = 'Z';
    }

    private static Cached cachedFor(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        Cached c = cached;
        if (c.second != second) {
            c = new Cached(second, SECONDS.format(Instant.ofEpochSecond(second)).getBytes(StandardCharsets.US_ASCII));
            cached = c;
        }
        return c;
    }
}
