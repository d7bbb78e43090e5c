package io.mcastgateway.multicast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.SseClient;
import io.mcastgateway.support.StreamHealth;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * The channel tv expects traffic within 1 s: a sender that stops makes it silent (one re-join, a
 * status event on open streams, the metric, the count), and traffic back ends the silence (a status
 * event again). Readiness is not touched.
 */
@QuarkusTest
@TestProfile(StreamHealth.class)
class SilenceWatchdogTest {

    @TestHTTPResource("/api/events?channel=tv")
    URI tvEvents;

    @TestHTTPResource("/api/events?channel=default")
    URI defaultEvents;

    @Test
    void shouldTurnSilentOnceRejoinOnceAndTellStreamsUntilTrafficIsBack() throws Exception {
        try (DatagramSocket sender = Multicast.sender(); SseClient tv = SseClient.open(tvEvents);
                SseClient other = SseClient.open(defaultEvents)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> tv.retry() != null && other.retry() != null);
            sendFor(sender, 1500);
            JsonPath flowing = tv();
            assertThat(flowing.getString("state")).isEqualTo("joined");
            assertThat(flowing.getLong("expectWithinMillis")).isEqualTo(1000);
            long rejoins = flowing.getLong("rejoins");
            long silences = flowing.getLong("silences");
            int statusEvents = tv.events("status").size();

            await().atMost(Duration.ofSeconds(4)).until(() -> tv().getString("state").equals("silent"));
            JsonPath silent = tv();
            assertThat(silent.getString("silentSince")).isNotNull();
            assertThat(silent.getLong("silences")).isEqualTo(silences + 1);
            await().atMost(Duration.ofSeconds(3)).until(() -> tv().getLong("rejoins") == rejoins + 1);
            await().atMost(Duration.ofSeconds(3)).until(() -> tv.events("status").size() == statusEvents + 1);
            SseClient.Event event = tv.events("status").get(statusEvents);
            assertThat(event.id()).as("not an event of the stream: no id, not replayed").isNull();
            assertThat(event.json().getString("channel")).isEqualTo("tv");
            assertThat(event.json().getString("state")).isEqualTo("silent");
            assertThat(event.json().getString("reason")).contains("re-joined once");
            assertThat(StreamHealth.tvMetric("mcast_channel_silent")).isEqualTo(1);
            given().get("/q/health/ready").then().statusCode(200);

            // silent on: no second re-join, no second count
            Thread.sleep(2500);
            assertThat(tv().getLong("rejoins")).as("one re-join per silence").isEqualTo(rejoins + 1);
            assertThat(tv().getLong("silences")).isEqualTo(silences + 1);
            assertThat(tv().getString("state")).isEqualTo("silent");

            // a stream opened during the silence is told at once
            try (SseClient late = SseClient.open(tvEvents)) {
                await().atMost(Duration.ofSeconds(3)).until(() -> late.events("status").size() == 1);
                assertThat(late.events("status").get(0).json().getString("state")).isEqualTo("silent");
            }

            sendFor(sender, 300);
            await().atMost(Duration.ofSeconds(3)).until(() -> tv().getString("state").equals("joined"));
            assertThat(tv().getString("silentSince")).isNull();
            await().atMost(Duration.ofSeconds(3)).until(() -> tv.events("status").size() == statusEvents + 2);
            assertThat(tv.events("status").get(statusEvents + 1).json().getString("state")).isEqualTo("flowing");
            assertThat(StreamHealth.tvMetric("mcast_channel_silent")).isZero();
            assertThat(StreamHealth.tvMetric("mcast_channel_silences_total")).isEqualTo(silences + 1);
            assertThat(other.events("status")).as("a stream of another channel is not told").isEmpty();
        }
    }

    @Test
    void shouldLeaveAChannelWithoutExpectWithinAlone() {
        JsonPath channels = given().get("/api/channels").then().statusCode(200).extract().jsonPath();
        List<Object> watch = channels.getList("findAll { it.name == 'default' }.expectWithinMillis");
        assertThat(watch).containsExactly((Object) null);
        assertThat(channels.getString("find { it.name == 'default' }.state")).isEqualTo("joined");
    }

    private static void sendFor(DatagramSocket sender, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        int n = 0;
        while (System.currentTimeMillis() < end && n < 1000) {
            Multicast.sendTo(sender, ("tick " + n++).getBytes(), StreamHealth.TV, StreamHealth.TV_PORT);
            Thread.sleep(50);
        }
    }

    private static JsonPath tv() {
        return new JsonPath(given().get("/api/channels").then().statusCode(200).extract().asString())
                .setRootPath("find { it.name == 'tv' }");
    }
}
