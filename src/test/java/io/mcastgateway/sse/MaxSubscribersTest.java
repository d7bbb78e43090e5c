package io.mcastgateway.sse;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import java.net.DatagramSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

/** A cap on open streams: the one beyond it gets 503 with Retry-After, the open ones go on. */
@QuarkusTest
@TestProfile(StreamCapsAndJsonSender.class)
class MaxSubscribersTest {

    private static final int CAP = StreamCapsAndJsonSender.MAX_SUBSCRIBERS;

    @TestHTTPResource("/api/events")
    URI events;

    @Test
    void shouldRefuseTheStreamBeyondTheCapAndKeepTheOpenOnes() {
        // streams that tests before this one closed are gone: the cap is this test's alone
        await().atMost(Duration.ofSeconds(10)).until(() -> subscribers() == 0);
        long rejectedBefore = given().get("/api/stats").then().extract().jsonPath().getLong("rejected");
        List<SseClient> open = new ArrayList<>();
        try {
            // CAP streams from clients of their own (X-Forwarded-For through the trusted proxy), each within
            // the cap per client: only the cap in all can refuse the next one
            for (int i = 0; i < CAP; i++) {
                open.add(SseClient.open(events,
                        Map.of("X-Forwarded-For", "198.18.2." + (1 + i / StreamCapsAndJsonSender.MAX_PER_CLIENT))));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> subscribers() == CAP);

            RefusedStream.Answer refused = RefusedStream.get(events, Map.of());
            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            assertThat(refused.retryAfter()).isEqualTo("2");
            assertThat(refused.body()).contains("too many streams: " + CAP + " are open (mcast.stream.max-subscribers)");
            given().when().get("/api/stats").then()
                    .body("rejected", is((int) rejectedBefore + 1))
                    .body("maxSubscribers", is(CAP));

            String text = "still streaming " + UUID.randomUUID();
            try (DatagramSocket sender = Multicast.sender()) {
                Multicast.send(sender, text);
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> open.stream().allMatch(c -> c.datagramsWithText(text).size() == 1));
        } finally {
            open.forEach(SseClient::close);
        }
        // all closed: there is room again
        await().atMost(Duration.ofSeconds(10)).until(() -> subscribers() == 0);
        try (SseClient again = SseClient.open(events); DatagramSocket sender = Multicast.sender()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> subscribers() == 1);
            String text = "room again " + UUID.randomUUID();
            Multicast.send(sender, text);
            await().atMost(Duration.ofSeconds(10)).until(() -> again.datagramsWithText(text).size() == 1);
        }
    }

    private static int subscribers() {
        return given().get("/api/stats").then().extract().jsonPath().getInt("subscribers");
    }
}
