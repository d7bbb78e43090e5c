package io.mcastgateway.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.NoSenderWithCorsDatagramLogAndPublishRate;
import io.mcastgateway.support.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/** {@code /q/metrics} in the Prometheus format, read while real datagrams cross lo. */
@QuarkusTest
@TestProfile(NoSenderWithCorsDatagramLogAndPublishRate.class)
class MetricsTest {

    private static final String DEFAULT = "channel=\"default\",group=\"239.255.255.252\"";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TestHTTPResource("/api/events")
    URL events;

    @Inject
    EventBus bus;

    @Test
    void shouldCountEveryDatagramAndByteReceivedPerChannelAndWhatTheSseSubscriberGot() throws Exception {
        // streams that tests before this one closed are gone: the gauge below counts this test's client alone
        await().atMost(WAIT).until(() -> value(scrape(), "mcast_sse_subscribers", "") == 0);
        String before = scrape();
        int count = 50;
        int size = 100;
        try (SseClient client = SseClient.open(URI.create(events.toString()));
                DatagramSocket sender = Multicast.sender()) {
            assertThat(value(scrape(), "mcast_sse_subscribers", "")).isEqualTo(value(before, "mcast_sse_subscribers", "") + 1);
            byte[] payload = new byte[size];
            Arrays.fill(payload, (byte) 'm');
            for (int i = 0; i < count; i++) {
                Multicast.send(sender, payload);
            }
            await().atMost(WAIT).until(() -> client.events("datagram").size() == count);
            String after = scrape();
            assertThat(delta(before, after, "mcast_datagrams_received_total", DEFAULT)).isEqualTo(count);
            assertThat(delta(before, after, "mcast_received_bytes_total", DEFAULT)).isEqualTo(count * size);
            assertThat(delta(before, after, "mcast_sse_events_delivered_total", "")).isEqualTo(count);
            assertThat(delta(before, after, "mcast_sse_events_dropped_total", "")).isZero();
            assertThat(value(after, "mcast_receive_errors_total", DEFAULT)).isZero();
            assertThat(value(after, "mcast_replay_events", "")).isEqualTo(value(before, "mcast_replay_events", "") + count);
        }
        await().atMost(WAIT).until(() -> value(scrape(), "mcast_sse_subscribers", "") == value(before, "mcast_sse_subscribers", ""));
    }

    @Test
    void shouldCountWhatIsSentToTheGroup() {
        String before = scrape();
        String text = "sent through the event bus";
        JsonObject reply = (JsonObject) bus.request("mcast.send", text).toCompletionStage().toCompletableFuture()
                .join().body();
        assertThat(reply.getInteger("sent")).isEqualTo(text.length());
        String after = scrape();
        assertThat(delta(before, after, "mcast_datagrams_sent_total", DEFAULT)).isEqualTo(1);
        assertThat(delta(before, after, "mcast_sent_bytes_total", DEFAULT)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void shouldReportTheChannelJoinedOnItsInterface() {
        assertThat(value(scrape(), "mcast_channel_joined", DEFAULT + ",interface=\"lo\"")).isEqualTo(1);
    }

    @Test
    void shouldNotMeterEachDatagramThroughVertxSocketMetrics() throws Exception {
        try (DatagramSocket sender = Multicast.sender()) {
            Multicast.send(sender, "one more datagram");
            String metrics = scrape();
            // Vert.x's UDP metrics look up a meter per datagram, tagged with the sender's address
            assertThat(metrics).doesNotContain("udp_bytes_read").doesNotContain("eventbus_");
            assertThat(metrics).contains("jvm_memory_used_bytes");
        }
    }

    private static String scrape() {
        return given().accept("text/plain").when().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double delta(String before, String after, String name, String tags) {
        return value(after, name, tags) - value(before, name, tags);
    }

    /** The sample of {@code name} whose labels are exactly {@code tags} ("" for none). */
    static double value(String metrics, String name, String tags) {
        String labels = tags.isEmpty() ? "" : "\\{" + Pattern.quote(tags) + ",?\\}";
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + labels + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("%s{%s} in\n%s", name, tags, metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
