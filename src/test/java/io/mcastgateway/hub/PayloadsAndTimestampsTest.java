package io.mcastgateway.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.Test;

class PayloadsAndTimestampsTest {

    @Test
    void shouldTellUtf8FromOtherBytes() {
        assertThat(isUtf8("plain".getBytes(StandardCharsets.US_ASCII))).isTrue();
        assertThat(isUtf8("grüße ✓ 😀".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(isUtf8(new byte[0])).isTrue();
        assertThat(isUtf8(new byte[] { (byte) 0xc3, 0x28 })).isFalse();
        assertThat(isUtf8(new byte[] { (byte) 0xff })).isFalse();
        assertThat(isUtf8(new byte[] { (byte) 0xc0, (byte) 0x80 })).as("overlong NUL").isFalse();
        assertThat(isUtf8(new byte[] { (byte) 0xed, (byte) 0xa0, (byte) 0x80 })).as("a surrogate").isFalse();
        assertThat(isUtf8(new byte[] { (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80 })).as("above U+10FFFF")
                .isFalse();
        assertThat(isUtf8(new byte[] { (byte) 0xe2, (byte) 0x9c })).as("truncated").isFalse();
    }

    @Test
    void shouldAgreeWithTheJdksStrictDecoderOnRandomBytes() {
        Random random = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            byte[] bytes = new byte[random.nextInt(8)];
            random.nextBytes(bytes);
            if (random.nextBoolean()) {
                // mostly valid text with a random byte somewhere
                byte[] text = ("aé✓😀" + i).getBytes(StandardCharsets.UTF_8);
                bytes = java.util.Arrays.copyOf(text, text.length);
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            assertThat(isUtf8(bytes)).as("bytes %s", java.util.Arrays.toString(bytes)).isEqualTo(jdkDecodes(bytes));
        }
    }

    @Test
    void shouldFormatIsoUtcWithMillisAcrossSeconds() {
        long t = Instant.parse("2026-11-25T18:00:59.007Z").toEpochMilli();
        assertThat(Timestamps.format(t)).isEqualTo("2026-11-25T18:00:59.007Z");
        assertThat(Timestamps.format(t + 993)).isEqualTo("2026-11-25T18:01:00.000Z");
        assertThat(Timestamps.format(t + 1_093)).isEqualTo("2026-11-25T18:01:00.100Z");
        assertThat(Timestamps.format(t + 50)).isEqualTo("2026-11-25T18:00:59.057Z");
        byte[] ascii = new byte[Timestamps.LENGTH];
        Timestamps.write(t + 50, ascii);
        assertThat(new String(ascii, StandardCharsets.US_ASCII)).isEqualTo("2026-11-25T18:00:59.057Z");
    }

    private static boolean isUtf8(byte[] bytes) {
        return Payloads.isUtf8(bytes, 0, bytes.length);
    }

    private static boolean jdkDecodes(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
