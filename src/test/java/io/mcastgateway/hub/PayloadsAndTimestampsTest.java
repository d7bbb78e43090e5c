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
    void shouldTellPlainAsciiEightBytesAtATimeAsByteByByte() {
        assertThat(Payloads.isPlainAscii(new byte[0], 0, 0)).isTrue();
        byte[] plain = "this message send via mcast ! 0123456789 ~{}[]".getBytes(StandardCharsets.US_ASCII);
        assertThat(Payloads.isPlainAscii(plain, 0, plain.length)).isTrue();
        // every byte value, at every position of an eight-byte word and in the tail after the words
        for (int value = 0; value < 256; value++) {
            for (int at = 0; at < 19; at++) {
                byte[] bytes = java.util.Arrays.copyOf(plain, 19);
                bytes[at] = (byte) value;
                assertThat(Payloads.isPlainAscii(bytes, 0, bytes.length)).as("byte %02x at %d", value, at)
                        .isEqualTo(plainByByte(bytes, 0, bytes.length));
            }
        }
        Random random = new Random(7);
        byte[] specials = { 0, 0x1f, 0x20, '"', '\\', 0x7e, 0x7f, (byte) 0x80, (byte) 0xff, (byte) 0xc3 };
        for (int i = 0; i < 200_000; i++) {
            byte[] bytes = new byte[random.nextInt(40)];
            for (int k = 0; k < bytes.length; k++) {
                bytes[k] = (byte) (0x20 + random.nextInt(0x5f));
            }
            if (bytes.length > 0 && random.nextInt(3) > 0) {
                bytes[random.nextInt(bytes.length)] = specials[random.nextInt(specials.length)];
            }
            int offset = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            int length = random.nextInt(bytes.length - offset + 1);
            assertThat(Payloads.isPlainAscii(bytes, offset, length)).as("bytes %s [%d, +%d)", java.util.Arrays.toString(bytes),
                    offset, length).isEqualTo(plainByByte(bytes, offset, length));
        }
    }

    private static boolean plainByByte(byte[] b, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            int c = b[i] & 0xff;
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
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
