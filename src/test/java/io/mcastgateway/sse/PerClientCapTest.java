package io.mcastgateway.sse;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.RefusedStream;
import io.mcastgateway.support.SseClient;
import io.mcastgateway.support.StreamCapsAndJsonSender;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A cap per client address (behind a trusted proxy, the forwarded one): the stream beyond it gets 429,
 * other addresses and the open streams go on. (That by default the cap in all follows the heap is
 * EventStreamTest's: this profile sets the cap in all.)
 */
@QuarkusTest
@TestProfile(StreamCapsAndJsonSender.class) // mcast.stream.max-per-client=2, above it max-subscribers=4
class PerClientCapTest {

    @TestHTTPResource("/api/events")
    URI events;

    @Test
    void shouldRefuseTheStreamBeyondTheCapOfOneAddressAndServeTheOthers() {
        // streams that tests before this one closed are gone: the cap in all can't refuse these three
        await().atMost(Duration.ofSeconds(10))
                .until(() -> given().get("/api/stats").then().extract().jsonPath().getInt("subscribers") == 0);
        Map<String, String> one = Map.of("X-Forwarded-For", "198.18.1.1");
        try (SseClient first = SseClient.open(events, one); SseClient second = SseClient.open(events, one);
                SseClient other = SseClient.open(events, Map.of("X-Forwarded-For", "198.18.1.2"))) {
            RefusedStream.Answer refused = RefusedStream.get(events, one);
            assertThat(refused.status()).as(refused.body()).isEqualTo(429);
            assertThat(refused.retryAfter()).isEqualTo("2");
            assertThat(refused.body()).contains("mcast.stream.max-per-client");
            String text = "capped " + UUID.randomUUID();
            try (DatagramSocket sender = Multicast.sender()) {
                Multicast.send(sender, text);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> first.datagramsWithText(text).size() == 1
                    && second.datagramsWithText(text).size() == 1 && other.datagramsWithText(text).size() == 1);
        }
        // closed: that address has room again
        await().atMost(Duration.ofSeconds(10))
                .until(() -> given().get("/api/stats").then().extract().jsonPath().getInt("subscribers") == 0);
        try (SseClient again = SseClient.open(events, Map.of("X-Forwarded-For", "198.18.1.1"))) {
            assertThat(again.ended()).isFalse();
        }
    }
}
