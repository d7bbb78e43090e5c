package io.mcastgateway.sse;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mcastgateway.hub.Hub;
import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/** The bridge, end to end: datagrams sent to the group on lo come out of /api/events and the event bus. */
@QuarkusTest
class EventStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TestHTTPResource("/api/events")
    URI events;

    @Inject
    EventBus bus;

    private DatagramSocket sender;

    @BeforeEach
    void openSender() {
        sender = Multicast.sender();
    }

    @AfterEach
    void closeSender() {
        sender.close();
    }

    @Test
    void shouldStreamADatagramSentToTheGroupWithItsSourceTextAndSize() {
        String text = "hello " + UUID.randomUUID();
        try (SseClient client = SseClient.open(events)) {
            Multicast.send(sender, text);

            await().atMost(WAIT).until(() -> client.datagramsWithText(text).size() == 1);
            JsonObject event = client.datagramsWithText(text).get(0);
            assertThat(event.getString("source")).isEqualTo("127.0.0.1:" + sender.getLocalPort());
            assertThat(event.getInteger("size")).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
            assertThat(event.getString("group")).isEqualTo(Multicast.GROUP);
            assertThat(event.getInteger("port")).isEqualTo(Multicast.PORT);
            assertThat(event.getString("channel")).isEqualTo("default");
            assertThat(event.containsKey("base64")).isFalse();
            assertThat(Instant.parse(event.getString("receivedAt")))
                    .isBetween(Instant.now().minusSeconds(30), Instant.now().plusSeconds(1));
            assertThat(event.getString("receivedAt")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            SseClient.Event frame = client.events("datagram").stream()
                    .filter(e -> e.json().getString("text").equals(text)).findFirst().orElseThrow();
            assertThat(frame.id()).isEqualTo(event.getString("id"));
        }
    }

    /**
     * HTTP/1.1 streams get hand-made chunks written below Vert.x's encoder; an HTTP/1.0 client gets no
     * chunked encoding at all (the frames as they are, through Vert.x's response).
     */
    @Test
    void shouldStreamToAnHttp10ClientWithoutChunkedEncoding() throws Exception {
        String text = "http/1.0 " + UUID.randomUUID();
        try (java.net.Socket socket = new java.net.Socket(events.getHost(), events.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /api/events HTTP/1.0\r\nHost: " + events.getHost() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            java.io.InputStream in = socket.getInputStream();
            StringBuilder received = new StringBuilder();
            long deadline = System.currentTimeMillis() + WAIT.toMillis();
            boolean sent = false;
            byte[] buf = new byte[8192];
            while (!received.toString().contains(text + "\"}\n\n") && System.currentTimeMillis() < deadline) {
                if (!sent && received.toString().contains("retry: ")) { // the stream is open: subscribed
                    Multicast.send(sender, text);
                    sent = true;
                }
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                received.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            String stream = received.toString();
            assertThat(stream).startsWith("HTTP/1.0 200").doesNotContainIgnoringCase("transfer-encoding");
            String body = stream.substring(stream.indexOf("\r\n\r\n") + 4);
            assertThat(body).startsWith("retry: ").contains("event: datagram\ndata: {").contains("\"text\":\"" + text + "\"}\n\n");
        }
    }

    @Test
    void shouldDeliverEachDatagramOnceToEverySubscriber() {
        String text = "both " + UUID.randomUUID();
        try (SseClient first = SseClient.open(events); SseClient second = SseClient.open(events)) {
            Multicast.send(sender, text);

            await().atMost(WAIT).until(() -> first.datagramsWithText(text).size() == 1
                    && second.datagramsWithText(text).size() == 1);
            Multicast.send(sender, "after " + text);
            await().atMost(WAIT).until(() -> first.datagramsWithText("after " + text).size() == 1
                    && second.datagramsWithText("after " + text).size() == 1);
            assertThat(first.datagramsWithText(text)).hasSize(1);
            assertThat(second.datagramsWithText(text)).hasSize(1);
        }
    }

    @Test
    void shouldPublishEachDatagramOnTheEventBus() throws Exception {
        String text = "bus " + UUID.randomUUID();
        List<JsonObject> received = new CopyOnWriteArrayList<>();
        MessageConsumer<JsonObject> consumer = bus.consumer(Hub.RECEIVED_ADDRESS, m -> received.add(m.body()));
        try {
            Multicast.send(sender, text);

            await().atMost(WAIT).until(() -> received.stream().anyMatch(j -> text.equals(j.getString("text"))));
            JsonObject event = received.stream().filter(j -> text.equals(j.getString("text"))).findFirst().orElseThrow();
            assertThat(event.getString("source")).isEqualTo("127.0.0.1:" + sender.getLocalPort());
            assertThat(event.getString("id")).isNotBlank();
        } finally {
            consumer.unregister();
        }
    }

    @Test
    void shouldReceiveTheGatewaysOwnPeriodicSender() {
        try (SseClient client = SseClient.open(events)) {
            // the test profile runs the sender every second
            await().atMost(WAIT).until(() -> !client.datagramsWithText("this message send via mcast !").isEmpty());
        }
    }

    @Test
    void shouldNotStreamAUnicastDatagramSentToTheHostsPort() {
        String unicast = "unicast " + UUID.randomUUID();
        String marker = "marker " + UUID.randomUUID();
        try (SseClient client = SseClient.open(events)) {
            Multicast.sendTo(sender, unicast.getBytes(StandardCharsets.UTF_8), "127.0.0.1", Multicast.PORT);
            Multicast.send(sender, marker);

            // the multicast datagram sent after it arrives; the unicast one, sent first, never does
            await().atMost(WAIT).until(() -> client.datagramsWithText(marker).size() == 1);
            assertThat(client.datagramsWithText(unicast)).isEmpty();
        }
    }

    @Test
    void shouldDeliver60000ByteAndLargestDatagramsWhole() {
        String text = UUID.randomUUID() + "x".repeat(60_000 - 36);
        String largest = UUID.randomUUID() + "y".repeat(65_507 - 36); // the largest UDP payload over IPv4
        try (SseClient client = SseClient.open(events)) {
            Multicast.send(sender, text);

            Multicast.send(sender, largest);

            await().atMost(WAIT).until(() -> client.datagramsWithText(text).size() == 1
                    && client.datagramsWithText(largest).size() == 1);
            assertThat(client.datagramsWithText(text).get(0).getInteger("size")).isEqualTo(60_000);
            assertThat(client.datagramsWithText(largest).get(0).getInteger("size")).isEqualTo(65_507);
        }
    }

    @Test
    void shouldCarryANonUtf8DatagramAsBase64() {
        byte[] payload = new byte[] { (byte) 0xff, (byte) 0xfe, 0x00, 0x41, (byte) 0xc3, 0x28,
                (byte) (System.nanoTime() & 0x7f) };
        String expected = Base64.getEncoder().encodeToString(payload);
        try (SseClient client = SseClient.open(events)) {
            Multicast.send(sender, payload);

            await().atMost(WAIT).until(() -> client.datagrams(j -> expected.equals(j.getString("base64"))).size() == 1);
            JsonObject event = client.datagrams(j -> expected.equals(j.getString("base64"))).get(0);
            assertThat(event.getInteger("size")).isEqualTo(payload.length);
            assertThat(event.containsKey("text")).isFalse();
        }
    }

    @Test
    void shouldCarryUtf8TextAndAnEmptyDatagram() {
        String text = "grüße ✓ " + UUID.randomUUID() + "\r\nid: injected\n\ndata: x";
        try (DatagramSocket emptySender = Multicast.sender(); SseClient client = SseClient.open(events)) {
            Multicast.send(sender, text);
            Multicast.send(emptySender, new byte[0]);

            await().atMost(WAIT).until(() -> client.datagramsWithText(text).size() == 1);
            String emptySource = "127.0.0.1:" + emptySender.getLocalPort();
            await().atMost(WAIT).until(() -> client.datagrams(j -> emptySource.equals(j.getString("source"))).size() == 1);
            JsonObject empty = client.datagrams(j -> emptySource.equals(j.getString("source"))).get(0);
            assertThat(empty.getInteger("size")).isZero();
            assertThat(empty.getString("text")).isEmpty();
            // CR/LF in the payload stayed inside the JSON: no injected event or id
            assertThat(client.events()).allMatch(e -> e.id() == null || !e.id().equals("injected"));
        }
    }

    /** Without mcast.stream.max-subscribers (this profile sets none), the cap in all follows the heap. */
    @Test
    void shouldCapStreamsByTheHeapByDefault() {
        int max = given().get("/api/stats").then().extract().jsonPath().getInt("maxSubscribers");
        assertThat(max).isLessThanOrEqualTo(EventStreamRoute.heapShare(Runtime.getRuntime().maxMemory()))
                .isEqualTo(Math.min(EventStreamRoute.fileLimitShare(), EventStreamRoute.heapShare(Runtime.getRuntime().maxMemory())));
        // 512 MiB with three quarters for the heap (the DaemonSet's pod): thousands, not hundreds of thousands
        assertThat(EventStreamRoute.heapShare(384L << 20)).isEqualTo(12_288);
    }
}
