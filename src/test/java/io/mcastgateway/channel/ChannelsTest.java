package io.mcastgateway.channel;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.SseClient;
import io.mcastgateway.support.TwoChannels;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/**
 * Named channels on lo: two channels on different groups and the same port, next to the default
 * channel, plus a source-specific channel; a third socket on the host is joined to yet another group
 * on that port. Every datagram is sent from this test with plain JDK sockets.
 */
@QuarkusTest
@TestProfile(TwoChannels.class)
class ChannelsTest {

    private static final int PORT = TwoChannels.PORT;
    private static final String ALPHA = TwoChannels.ALPHA;
    private static final String BETA = TwoChannels.BETA;
    private static final String OTHER = "239.255.1.3";
    private static final String SSM = TwoChannels.SSM;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TestHTTPResource("/api/events")
    URI events;

    @Inject
    EventBus bus;

    @Test
    void shouldStreamOnEachChannelOnlyItsOwnGroupsDatagrams() throws Exception {
        String id = UUID.randomUUID().toString();
        try (MulticastSocket third = new MulticastSocket(new InetSocketAddress(PORT));
                DatagramSocket sender = Multicast.sender();
                SseClient alpha = SseClient.open(URI.create(events + "?channel=alpha"));
                SseClient beta = SseClient.open(URI.create(events + "?channel=beta"));
                SseClient both = SseClient.open(URI.create(events + "?channel=alpha,beta"));
                SseClient all = SseClient.open(events)) {
            // a receiver that is not the gateway's, on the same port, joined to another group
            third.joinGroup(new InetSocketAddress(InetAddress.getByName(OTHER), 0), Multicast.lo());
            third.setSoTimeout(500);
            send(sender, OTHER, "other " + id);
            send(sender, ALPHA, "alpha " + id);
            send(sender, BETA, "beta " + id);
            assertThat(Multicast.receiveMatching(third, ("other " + id).getBytes(StandardCharsets.UTF_8), 5000))
                    .as("the host's other receiver got its group's datagram").isNotNull();

            await().atMost(WAIT).until(() -> alpha.datagramsWithText("alpha " + id).size() == 1
                    && beta.datagramsWithText("beta " + id).size() == 1
                    && both.datagramsWithText("beta " + id).size() == 1
                    && all.datagramsWithText("beta " + id).size() == 1);
            // the marker arrived after the others: anything that leaked would be here by now
            String marker = "marker " + id;
            send(sender, ALPHA, marker);
            await().atMost(WAIT).until(() -> all.datagramsWithText(marker).size() == 1
                    && alpha.datagramsWithText(marker).size() == 1);

            assertThat(texts(alpha, id)).containsExactly("alpha " + id, marker);
            assertThat(texts(beta, id)).containsExactly("beta " + id);
            assertThat(texts(both, id)).containsExactlyInAnyOrder("alpha " + id, "beta " + id, marker);
            assertThat(texts(all, id)).containsExactlyInAnyOrder("alpha " + id, "beta " + id, marker);
            assertThat(alpha.datagramsWithText("alpha " + id).get(0).getString("channel")).isEqualTo("alpha");
            assertThat(alpha.datagramsWithText("alpha " + id).get(0).getString("group")).isEqualTo(ALPHA);
            assertThat(beta.datagramsWithText("beta " + id).get(0).getString("channel")).isEqualTo("beta");
        }
    }

    @Test
    void shouldDeliverOnASourceSpecificChannelOnlyTheAllowedSource() throws Exception {
        String id = UUID.randomUUID().toString();
        try (DatagramSocket allowed = Multicast.sender();
                DatagramSocket other = senderFrom("127.0.0.2");
                SseClient ssm = SseClient.open(URI.create(events + "?channel=ssm"))) {
            send(other, SSM, "from the other source " + id);
            send(allowed, SSM, "from the allowed source " + id);
            await().atMost(WAIT).until(() -> ssm.datagramsWithText("from the allowed source " + id).size() == 1);
            send(other, SSM, "again from the other source " + id);
            send(allowed, SSM, "marker " + id);
            await().atMost(WAIT).until(() -> ssm.datagramsWithText("marker " + id).size() == 1);

            assertThat(texts(ssm, id)).containsExactly("from the allowed source " + id, "marker " + id);
            assertThat(ssm.datagramsWithText("marker " + id).get(0).getString("source")).startsWith("127.0.0.1:");
        }
    }

    @Test
    void shouldRefuseAnUnknownChannelNamingTheKnownOnes() {
        given().queryParam("channel", "alpha,gamma").when().get("/api/events").then()
                .statusCode(400)
                .body(is("no channel gamma (channels: default, alpha, beta, ssm)\n"));
    }

    @Test
    void shouldListEveryChannelWithItsStateInTheApiAndTheReadinessCheck() {
        given().when().get("/api/channels").then()
                .statusCode(200)
                .body("name", is(List.of("default", "alpha", "beta", "ssm")))
                .body("find { it.name == 'alpha' }.group", is(ALPHA))
                .body("find { it.name == 'alpha' }.port", is(PORT))
                .body("find { it.name == 'alpha' }.interface", is("lo"))
                .body("find { it.name == 'alpha' }.state", is("joined"))
                .body("find { it.name == 'ssm' }.source", is("127.0.0.1"))
                .body("find { it.name == 'beta' }.sending", is(false));
        given().when().get("/q/health/ready").then()
                .statusCode(200)
                .body("checks.find { it.name == 'multicast-receiver' }.data.'alpha.state'", is("joined"))
                .body("checks.find { it.name == 'multicast-receiver' }.data.'beta.group'", is(BETA + ":" + PORT))
                .body("checks.find { it.name == 'multicast-receiver' }.data.'ssm.source'", is("127.0.0.1"))
                .body("checks.find { it.name == 'multicast-receiver' }.data.'default.state'", is("joined"));
    }

    @Test
    void shouldSendToTheChannelNamedOnTheEventBusAndToTheDefaultOneWithoutName() throws Exception {
        String id = UUID.randomUUID().toString();
        try (SseClient beta = SseClient.open(URI.create(events + "?channel=beta"));
                SseClient fallback = SseClient.open(URI.create(events + "?channel=default"))) {
            JsonObject reply = (JsonObject) bus.request("mcast.send", new JsonObject().put("text", "beta " + id)
                    .put("channel", "beta")).toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS)
                    .body();
            assertThat(reply.getString("channel")).isEqualTo("beta");
            bus.request("mcast.send", new JsonObject().put("text", "default " + id)).toCompletionStage()
                    .toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);

            await().atMost(WAIT).until(() -> beta.datagramsWithText("beta " + id).size() == 1
                    && fallback.datagramsWithText("default " + id).size() == 1);
        }
        Throwable unknown = bus.request("mcast.send", new JsonObject().put("text", "x").put("channel", "gamma"))
                .toCompletionStage().toCompletableFuture().handle((m, e) -> e).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(unknown).isInstanceOf(ReplyException.class)
                .hasMessage("no channel gamma (channels: default, alpha, beta, ssm)");
        assertThat(((ReplyException) unknown).failureCode()).isEqualTo(404);
    }

    @Test
    void shouldCountEachChannelInTheMetrics() {
        given().when().get("/q/metrics").then()
                .statusCode(200)
                .body(containsString("mcast_channel_joined{channel=\"beta\",group=\"" + BETA + "\",interface=\"lo\"} 1.0"))
                .body(containsString("mcast_rejoins_total{channel=\"alpha\",group=\"" + ALPHA + "\"}"));
    }

    private static List<String> texts(SseClient client, String id) {
        return client.datagrams(j -> j.getString("text", "").endsWith(id)).stream().map(j -> j.getString("text"))
                .toList();
    }

    private static void send(DatagramSocket socket, String group, String text) {
        Multicast.sendTo(socket, text.getBytes(StandardCharsets.UTF_8), group, PORT);
    }

    /** A sender on lo with another source address (all of 127.0.0.0/8 is on lo). */
    private static DatagramSocket senderFrom(String address) throws Exception {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, 0));
        socket.setOption(StandardSocketOptions.IP_MULTICAST_IF, Multicast.lo());
        socket.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
        return socket;
    }
}
