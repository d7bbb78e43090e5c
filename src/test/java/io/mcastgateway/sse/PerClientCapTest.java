package io.mcastgateway.sse;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.net.DatagramSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A cap per client address (behind a trusted proxy, the forwarded one): the stream beyond it gets 429,
 * other addresses and the open streams go on; by default the cap in all follows the heap too.
 */
@QuarkusTest
@TestProfile(PerClientCapTest.TwoPerClient.class)
class PerClientCapTest {

    public static class TwoPerClient implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mcast.stream.max-per-client", "2", "mcast.sender.enabled", "false",
                    "quarkus.http.proxy.proxy-address-forwarding", "true",
                    "quarkus.http.proxy.allow-x-forwarded", "true",
                    "quarkus.http.proxy.trusted-proxies", "127.0.0.1");
        }
    }

    @TestHTTPResource("/api/events")
    URI events;

    @Test
    void shouldRefuseTheStreamBeyondTheCapOfOneAddressAndServeTheOthers() {
        Map<String, String> one = Map.of("X-Forwarded-For", "198.18.1.1");
        try (SseClient first = SseClient.open(events, one); SseClient second = SseClient.open(events, one);
                SseClient other = SseClient.open(events, Map.of("X-Forwarded-For", "198.18.1.2"))) {
            given().header("X-Forwarded-For", "198.18.1.1").get("/api/events").then().statusCode(429)
                    .header("Retry-After", "2").body(containsString("mcast.stream.max-per-client"));
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

    @Test
    void shouldCapStreamsByTheHeapByDefault() {
        int max = given().get("/api/stats").then().extract().jsonPath().getInt("maxSubscribers");
        assertThat(max).isLessThanOrEqualTo(EventStreamRoute.heapShare(Runtime.getRuntime().maxMemory()))
                .isEqualTo(Math.min(EventStreamRoute.fileLimitShare(), EventStreamRoute.heapShare(Runtime.getRuntime().maxMemory())));
        // 512 MiB with three quarters for the heap (the DaemonSet's pod): thousands, not hundreds of thousands
        assertThat(EventStreamRoute.heapShare(384L << 20)).isEqualTo(12_288);
    }
}
