package io.mcastgateway.sse;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

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

/** A cap on open streams: the one beyond it gets 503 with Retry-After, the open ones go on. */
@QuarkusTest
@TestProfile(MaxSubscribersTest.TwoStreams.class)
class MaxSubscribersTest {

    public static class TwoStreams implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mcast.stream.max-subscribers", "2", "mcast.sender.enabled", "false");
        }
    }

    @TestHTTPResource("/api/events")
    URI events;

    @Test
    void shouldRefuseTheStreamBeyondTheCapAndKeepTheOpenOnes() {
        long rejectedBefore = given().get("/api/stats").then().extract().jsonPath().getLong("rejected");
        try (SseClient first = SseClient.open(events); SseClient second = SseClient.open(events)) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> given().get("/api/stats").then().extract().jsonPath().getInt("subscribers") == 2);

            given().when().get("/api/events").then()
                    .statusCode(503)
                    .header("Retry-After", "2")
                    .body(containsString("too many streams: 2 are open (mcast.stream.max-subscribers)"));
            given().when().get("/api/stats").then()
                    .body("rejected", is((int) rejectedBefore + 1))
                    .body("maxSubscribers", is(2));

            String text = "still streaming " + UUID.randomUUID();
            try (DatagramSocket sender = Multicast.sender()) {
                Multicast.send(sender, text);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> first.datagramsWithText(text).size() == 1
                    && second.datagramsWithText(text).size() == 1);
        }
        // both closed: there is room again
        await().atMost(Duration.ofSeconds(10))
                .until(() -> given().get("/api/stats").then().extract().jsonPath().getInt("subscribers") == 0);
        try (SseClient again = SseClient.open(events); DatagramSocket sender = Multicast.sender()) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> given().get("/api/stats").then().extract().jsonPath().getInt("subscribers") == 1);
            String text = "room again " + UUID.randomUUID();
            Multicast.send(sender, text);
            await().atMost(Duration.ofSeconds(10)).until(() -> again.datagramsWithText(text).size() == 1);
        }
    }
}
