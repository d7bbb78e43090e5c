package io.mcastgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

/**
 * Plain JUnit: the clients find the benchmark's stamp in an MPEG-TS payload as the gateway's events carry it
 * (Base64), as they find it in the text payload; the PSI sections' CRC is CRC-32/MPEG-2.
 */
class TsPayloadTest {

    @Test
    void shouldFindTheStampInTheBase64OfATsPayload() {
        byte[] buf = new byte[7 * TsPayload.PACKET];
        new TsPayload(true, 1000).write(buf, buf.length, 42, 1234567, 98765432101234L);
        byte[] json = ("{\"size\":1316,\"base64\":\"" + Base64.getEncoder().encodeToString(buf) + "\"}")
                .getBytes(StandardCharsets.US_ASCII);
        int at = new String(json, StandardCharsets.US_ASCII).indexOf("\"base64\":\"") + 10;
        long[] fields = new long[3];

        assertThat(Payload.readBase64(json, at, json.length, new byte[48], fields)).isTrue();
        assertThat(fields).containsExactly(42, 1234567, 98765432101234L);
        assertThat(buf[0]).isEqualTo((byte) 0x47);
        assertThat(Payload.readBase64("\"base64\":\"AAAA\"".getBytes(StandardCharsets.US_ASCII), 10, 15, new byte[48],
                fields)).isFalse();
    }

    @Test
    void shouldComputeTheCrcOfMpeg2() {
        // the check value of CRC-32/MPEG-2 (the CRC catalogue: "123456789" -> 0x0376E6E7)
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(TsPayload.crc32Mpeg2(check, 0, check.length)).isEqualTo(0x0376E6E7);
    }
}
