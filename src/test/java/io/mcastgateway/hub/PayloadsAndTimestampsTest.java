package io.mcastgateway.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class PayloadsAndTimestampsTest {

    @Test
    void shouldDecodeAsciiAndUtf8AndRefuseInvalidBytes() {
        assertThat(Payloads.textOrNull("plain".getBytes(StandardCharsets.US_ASCII))).isEqualTo("plain");
        assertThat(Payloads.textOrNull("grüße ✓".getBytes(StandardCharsets.UTF_8))).isEqualTo("grüße ✓");
        assertThat(Payloads.textOrNull(new byte[0])).isEmpty();
        assertThat(Payloads.textOrNull(new byte[] { (byte) 0xc3, 0x28 })).isNull();
        assertThat(Payloads.textOrNull(new byte[] { (byte) 0xff })).isNull();
    }

    @Test
    void shouldFormatIsoUtcWithMillisAcrossSeconds() {
        long t = Instant.parse("2026-11-25T18:00:59.007Z").toEpochMilli();
        assertThat(Timestamps.format(t)).isEqualTo("2026-11-25T18:00:59.007Z");
        assertThat(Timestamps.format(t + 993)).isEqualTo("2026-11-25T18:01:00.000Z");
        assertThat(Timestamps.format(t + 1_093)).isEqualTo("2026-11-25T18:01:00.100Z");
        assertThat(Timestamps.format(t + 50)).isEqualTo("2026-11-25T18:00:59.057Z");
    }
}
