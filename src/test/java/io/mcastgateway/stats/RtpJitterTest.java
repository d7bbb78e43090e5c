package io.mcastgateway.stats;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.Rtp;
import io.mcastgateway.support.StreamHealth;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * RTP sent to the channel tv on a known schedule (a packet every 40 ms, timestamps at 90 kHz) with
 * known delays (every 5th packet 25 ms late, every 7th 10 ms): the gateway's jitter is what RFC 3550's
 * estimator gives for the times the packets were really sent, computed here on its own.
 */
@QuarkusTest
@TestProfile(StreamHealth.class)
class RtpJitterTest {

    private static final int PACKETS = 75;

    @Test
    void shouldMeasureTheJitterRfc3550sEstimatorGivesForTheSchedule() throws Exception {
        double expected = 0; // in timestamp units
        long lastTransit = 0;
        try (DatagramSocket sender = Multicast.sender()) {
            long start = System.nanoTime();
            for (int i = 0; i < PACKETS; i++) {
                long delayMicros = i % 5 == 0 ? 25_000 : i % 7 == 0 ? 10_000 : 0;
                long due = start + (i * 40_000L + delayMicros) * 1000;
                while (System.nanoTime() < due) {
                    LockSupport.parkNanos(due - System.nanoTime());
                }
                long timestamp = 7_000L + i * 3600L; // 40 ms at 90 kHz
                long sentAt = System.nanoTime();
                Multicast.sendTo(sender, rtp(96, i, timestamp), StreamHealth.TV, StreamHealth.TV_PORT);
                long transit = Math.round((sentAt - start) * 90_000.0 / 1e9) - timestamp;
                if (i > 0) {
                    expected += (Math.abs(transit - lastTransit) - expected) / 16;
                }
                lastTransit = transit;
            }
            String source = "127.0.0.1:" + sender.getLocalPort();
            await().atMost(Duration.ofSeconds(5)).until(() -> source(source).getLong("datagrams") == PACKETS);
            JsonPath s = source(source);
            double expectedMs = expected / 90;
            assertThat(expectedMs).as("the schedule's jitter").isGreaterThan(5);
            assertThat(s.getInt("rtpClockRate")).isEqualTo(90_000);
            assertThat(s.getDouble("jitterMs")).as("RFC 3550's estimate: %.3f ms", expectedMs)
                    // the delays are large next to the time a busy event loop takes to read a datagram: a late
                    // read of a few ms moves the estimate by a fraction of a ms
                    .isBetween(expectedMs * 0.9 - 0.5, expectedMs * 1.1 + 0.5);
            assertThat(s.getLong("lost")).isZero();
            assertThat(s.getString("ts")).isNull();
        }
    }

    private static byte[] rtp(int payloadType, int seq, long timestamp) {
        return Rtp.packet(payloadType, seq, timestamp, 0x0a00000bL, new byte[160]);
    }

    private static JsonPath source(String source) {
        return given().get("/api/sources/tv/" + source).then().statusCode(200).extract().jsonPath();
    }
}
