package io.mcastgateway.stats;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.SseClient;
import io.mcastgateway.support.StreamCapsAndJsonSender;
import io.netty.buffer.ByteBufUtil;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * Per-source statistics on real sockets: sequenced bursts (the JSON format and RTP) with datagrams
 * skipped, duplicated and swapped, sent from plain JDK sockets on lo and counted in /api/sources.
 */
@QuarkusTest
@TestProfile(StreamCapsAndJsonSender.class) // mcast.sender.format=json, mcast.sources.max=1000
class SourcesTest {

    @TestHTTPResource("/api/events")
    URI events;

    /** This profile caps streams (StreamCapsAndJsonSender): those of the tests before are closed first. */
    @BeforeEach
    void noStreamLeftOpen() {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> given().get("/api/stats").then().extract().jsonPath().getInt("subscribers") == 0);
    }

    @Test
    void shouldCountLossDuplicatesAndReorderingPerSourceInTheJsonFormatAndRtp() throws Exception {
        try (DatagramSocket jsonSender = Multicast.sender(); DatagramSocket rtpSender = Multicast.sender();
                DatagramSocket clean = Multicast.sender();
                SseClient client = SseClient.open(URI.create(events + "?source=127.0.0.1:" + jsonSender.getLocalPort()))) {
            for (long n : ChannelSourcesTest.burst(1, 100)) {
                Multicast.send(jsonSender, ByteBufUtil.getBytes(ChannelSourcesTest.json(n)));
            }
            for (long n : ChannelSourcesTest.burst(65_490, 65_590)) {
                Multicast.send(rtpSender, ByteBufUtil.getBytes(ChannelSourcesTest.rtp((int) (n & 0xffff), 0xabcdefL)));
            }
            for (long n = 1; n <= 50; n++) {
                Multicast.send(clean, ByteBufUtil.getBytes(ChannelSourcesTest.json(n)));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> datagrams(source(jsonSender)) == 99
                    && datagrams(source(rtpSender)) == 100 && datagrams(source(clean)) == 50);

            assertCounts(source(jsonSender), "json", 2, 1, 1, 0);
            assertCounts(source(rtpSender), "rtp", 2, 1, 1, 0);
            assertCounts(source(clean), "json", 0, 0, 0, 0);
            // events carry the sequence number they were found to have
            await().atMost(Duration.ofSeconds(10)).until(() -> client.events("datagram").size() == 99);
            assertThat(client.events("datagram").get(98).json().getLong("seq")).isEqualTo(100);

            // the JSON sender starts over: a restart, not loss
            for (long n = 1; n <= 10; n++) {
                Multicast.send(jsonSender, ByteBufUtil.getBytes(ChannelSourcesTest.json(n)));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> datagrams(source(jsonSender)) == 109);
            assertCounts(source(jsonSender), "json", 2, 1, 1, 1);
        }
    }

    /** The gateway's own periodic sender with mcast.sender.format=json: its datagrams are counted as JSON, without loss. */
    @Test
    void shouldCountThePeriodicSendersJsonDatagramsWithoutLoss() {
        try (SseClient client = SseClient.open(events)) {
            // the periodic datagrams, told apart from any test socket's by their text (the sender's message)
            await().atMost(Duration.ofSeconds(10)).until(() -> periodic(client).size() >= 2);
            io.vertx.core.json.JsonObject first = periodic(client).get(0);
            io.vertx.core.json.JsonObject payload = new io.vertx.core.json.JsonObject(first.getString("text"));
            assertThat(payload.getLong("seq")).isPositive();
            assertThat(payload.getString("sentAt")).isNotBlank();
            String source = first.getString("source");
            await().atMost(Duration.ofSeconds(10)).until(() -> datagrams(source) >= 2);
            Map<String, Object> s = sources().getMap("find { it.channel == 'default' }.sources.find { it.source == '"
                    + source + "' }");
            assertThat(s).containsEntry("format", "json");
            assertThat(((Number) s.get("lost")).longValue()).isZero();
            assertThat(((Number) s.get("lastSeq")).longValue()).isGreaterThanOrEqualTo(payload.getLong("seq"));
        }
    }

    private static List<io.vertx.core.json.JsonObject> periodic(SseClient client) {
        return client.datagrams(j -> j.getString("text", "").contains("\"text\":\"this message send via mcast !\""));
    }

    @Test
    void shouldStayBoundedWithAHundredThousandSenders() throws Exception {
        int sent = 0;
        for (String ip : List.of("127.0.0.2", "127.0.0.3")) {
            for (int port = 10_000; port < 60_000; port++) {
                try (DatagramSocket socket = new DatagramSocket(null)) {
                    socket.bind(new InetSocketAddress(ip, port));
                    socket.setOption(StandardSocketOptions.IP_MULTICAST_IF, Multicast.lo());
                    socket.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 0);
                    Multicast.send(socket, new byte[] { 'x' });
                    sent++;
                } catch (java.net.BindException busy) {
                    // a port taken by something else: not one of ours
                }
            }
        }
        int distinct = sent;
        assertThat(distinct).isGreaterThan(99_000);
        await().atMost(Duration.ofSeconds(20)).until(() -> sources().getLong("find { it.channel == 'default' }.evicted")
                >= distinct - 1000 - 10);
        assertThat(sources().getList("find { it.channel == 'default' }.sources")).hasSize(1000);
    }

    private static String source(DatagramSocket socket) {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    private static JsonPath sources() {
        return given().when().get("/api/sources").then().statusCode(200).extract().jsonPath();
    }

    private static long datagrams(String source) {
        Object value = sources().get("find { it.channel == 'default' }.sources.find { it.source == '" + source
                + "' }.datagrams");
        return value == null ? 0 : ((Number) value).longValue();
    }

    private static void assertCounts(String source, String format, long lost, long duplicated, long reordered,
            long restarts) {
        Map<String, Object> s = sources().getMap("find { it.channel == 'default' }.sources.find { it.source == '" + source
                + "' }");
        assertThat(s).containsEntry("format", format);
        assertThat(((Number) s.get("lost")).longValue()).as("lost").isEqualTo(lost);
        assertThat(((Number) s.get("duplicated")).longValue()).as("duplicated").isEqualTo(duplicated);
        assertThat(((Number) s.get("reordered")).longValue()).as("reordered").isEqualTo(reordered);
        assertThat(((Number) s.get("restarts")).longValue()).as("restarts").isEqualTo(restarts);
    }
}
