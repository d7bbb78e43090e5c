package io.mcastgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import io.mcastgateway.support.PlayerClient;
import io.mcastgateway.support.SseClient;
import io.mcastgateway.support.Tools;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * One packaged gateway with five named channels (the default channel off, everything set by
 * environment variables), between hosts in network namespaces, with socat as the peers.
 *
 * <pre>
 *   gw     198.18.0.1 veth0 (bridge)  198.18.1.1 veth1 (direct to peer1)  veth9 created during the test
 *   peer1  198.18.0.2 veth0           198.18.1.2 veth1
 *   peer2  198.18.0.3 veth0           198.18.9.2 veth9 (direct to gw, once created)
 *
 *   lan   239.255.2.1 on veth0, its own periodic sender
 *   ssm   232.255.2.2 on veth0, only from 198.18.0.2
 *   v6    [ff15::2:1] on veth0
 *   side  239.255.2.3 on veth1   (taken down and up)
 *   late  239.255.2.4 on veth9   (does not exist when the gateway starts)
 *   players may make it join ff15::2:0/112 and 232.255.2.0/24 on veth0
 * </pre>
 */
@Order(4)
@ResourceLock(ItResources.NETNS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChannelsNetnsIT {

    private static final int PORT = 23456;
    private static final String PEER1 = "198.18.0.2";
    private static final String PEER2 = "198.18.0.3";
    private static final String LAN = "239.255.2.1";
    private static final String SSM = "232.255.2.2";
    private static final String V6 = "ff15::2:1";
    private static final String SIDE = "239.255.2.3";
    private static final String LATE = "239.255.2.4";
    private static final String PERIODIC = "periodic on lan";
    private static final String PLAYER_V6 = "ff15::2:9";
    private static final String PLAYER_SSM = "232.255.2.9";
    private static final String PLAYER_SSM_RANGE = "232.255.2.0/24";
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final HttpClient http = HttpClient.newHttpClient();
    private Netns net;
    private String gwNs;
    private String peer1;
    private String peer2;
    private GatewayProcess gateway;
    private URI base;

    @BeforeAll
    void startHostsAndGateway() {
        Tools.require("ChannelsNetnsIT", Netns.unavailableReason());
        Netns.removeLeftovers();
        net = Netns.bridge();
        gwNs = net.host("gw", 1);
        peer1 = net.host("peer1", 2);
        peer2 = net.host("peer2", 3);
        net.link(gwNs, peer1, "veth1", 1);
        base = URI.create("http://" + net.managementLink(gwNs) + ":8080");
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "MCAST_DEFAULT_CHANNEL_ENABLED", "false",
                "MCAST_INTERFACE", "veth0",
                "MCAST_TTL", "1",
                "MCAST_RECEIVER_LOG", "summary",
                "MCAST_REJOIN_INTERVAL", "2s",
                "MCAST_CHANNELS_LAN_GROUP", LAN,
                "MCAST_CHANNELS_LAN_SENDER_ENABLED", "true",
                "MCAST_CHANNELS_LAN_SENDER_INTERVAL", "1s",
                "MCAST_CHANNELS_LAN_SENDER_MESSAGE", PERIODIC));
        env.putAll(Map.of(
                "MCAST_CHANNELS_SSM_GROUP", SSM,
                "MCAST_CHANNELS_SSM_SOURCE", PEER1,
                "MCAST_CHANNELS_V6_GROUP", V6,
                "MCAST_CHANNELS_SIDE_GROUP", SIDE,
                "MCAST_CHANNELS_SIDE_INTERFACE", "veth1",
                "MCAST_CHANNELS_LATE_GROUP", LATE,
                "MCAST_CHANNELS_LATE_INTERFACE", "veth9"));
        env.putAll(Map.of(
                "MCAST_PASSTHROUGH_ALLOW", "ff15::2:0/112," + PLAYER_SSM_RANGE,
                "MCAST_PASSTHROUGH_INTERFACE", "veth0",
                "MCAST_PASSTHROUGH_LINGER", "1s"));
        gateway = GatewayProcess.start("channels", GatewayProcess.BASEDIR, env,
                Netns.in(gwNs, GatewayProcess.jarCommand()));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> status("/q/health/live") == 200);
    }

    @AfterAll
    void stopEverything() {
        if (gateway != null) {
            gateway.close();
        }
        if (net != null) {
            net.close();
        }
        assertThat(Netns.run(List.of("ip", "netns", "list"))).doesNotContain(Netns.PREFIX + "-");
    }

    @Test
    @Order(1)
    void shouldWaitForAnInterfaceThatAppearsAfterStartupAndThenJoin() throws Exception {
        JsonObject check = readinessCheck();
        assertThat(check.getString("status")).isEqualTo("DOWN");
        assertThat(check.getJsonObject("data").getString("reason"))
                .isEqualTo("channel late: interface veth9 does not exist");
        assertThat(check.getJsonObject("data").getString("lan.state")).isEqualTo("joined");
        assertThat(gateway.output()).contains("mcast.channels.late.interface=veth9: no such network interface yet");

        net.link(gwNs, peer2, "veth9", 9);

        await().atMost(WAIT).until(() -> status("/q/health/ready") == 200);
        String text = "late " + UUID.randomUUID();
        try (SseClient late = SseClient.open(events("late"))) {
            socat(peer2, LATE, text, "ip-multicast-if=198.18.9.2");
            await().atMost(WAIT).until(() -> late.datagramsWithText(text).size() == 1);
        }
    }

    @Test
    @Order(2)
    void shouldDeliverOnTheSsmChannelOnlyTheAllowedSource() {
        String id = UUID.randomUUID().toString();
        try (SseClient ssm = SseClient.open(events("ssm")); SseClient all = SseClient.open(events(null))) {
            socat(peer2, SSM, "from peer2 " + id, "ip-multicast-if=" + PEER2);
            socat(peer1, SSM, "from peer1 " + id, "ip-multicast-if=" + PEER1);
            await().atMost(WAIT).until(() -> ssm.datagramsWithText("from peer1 " + id).size() == 1);
            // later than peer2's datagram from the same segment: that one would be here by now
            socat(peer2, SSM, "again from peer2 " + id, "ip-multicast-if=" + PEER2);
            socat(peer1, SSM, "marker " + id, "ip-multicast-if=" + PEER1);
            await().atMost(WAIT).until(() -> ssm.datagramsWithText("marker " + id).size() == 1);

            assertThat(ssm.datagrams(j -> j.getString("text", "").endsWith(id)))
                    .extracting(j -> j.getString("text")).containsExactly("from peer1 " + id, "marker " + id);
            assertThat(all.datagrams(j -> j.getString("text", "").contains("peer2 " + id))).isEmpty();
            assertThat(ssm.datagramsWithText("marker " + id).get(0).getString("source")).startsWith(PEER1 + ":");
        }
    }

    @Test
    @Order(3)
    void shouldStreamAnIpv6ChannelFromSocat() {
        String text = "over IPv6 " + UUID.randomUUID();
        try (SseClient v6 = SseClient.open(events("v6"))) {
            Netns.exec(peer1, text.getBytes(StandardCharsets.UTF_8), "socat", "-u", "STDIN",
                    "UDP6-DATAGRAM:[" + V6 + "]:" + PORT + ",so-bindtodevice=veth0,ipv6-unicast-hops=1");

            await().atMost(WAIT).until(() -> v6.datagramsWithText(text).size() == 1);
            JsonObject event = v6.datagramsWithText(text).get(0);
            assertThat(event.getString("channel")).isEqualTo("v6");
            assertThat(event.getString("group")).isEqualTo(V6);
        }
    }

    @Test
    @Order(4)
    void shouldTurnOnlyThatChannelNotReadyWhileItsInterfaceIsDownAndRejoinWhenItIsUp() throws Exception {
        try (SseClient side = SseClient.open(events("side")); SseClient lan = SseClient.open(events("lan"))) {
            String before = "side before " + UUID.randomUUID();
            socat(peer1, SIDE, before, "ip-multicast-if=198.18.1.2");
            await().atMost(WAIT).until(() -> side.datagramsWithText(before).size() == 1);

            Netns.ipIn(gwNs, "link", "set", "veth1", "down");
            long down = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                    .until(() -> status("/q/health/ready") == 503);
            System.out.printf("readiness DOWN %d ms after the interface went down%n", (System.nanoTime() - down) / 1_000_000);
            JsonObject check = readinessCheck();
            assertThat(check.getJsonObject("data").getString("reason")).isEqualTo("channel side: interface veth1 is down");
            assertThat(check.getJsonObject("data").getString("lan.state")).isEqualTo("joined");
            // the other channel keeps streaming meanwhile
            String meanwhile = "lan meanwhile " + UUID.randomUUID();
            socat(peer1, LAN, meanwhile, "ip-multicast-if=" + PEER1);
            await().atMost(WAIT).until(() -> lan.datagramsWithText(meanwhile).size() == 1);

            Netns.ipIn(gwNs, "link", "set", "veth1", "up");
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> status("/q/health/ready") == 200);
            String after = "side after " + UUID.randomUUID();
            // the peer's end may need a moment to see the carrier again: resend until one arrives
            await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
                socat(peer1, SIDE, after, "ip-multicast-if=198.18.1.2");
                return !side.datagramsWithText(after).isEmpty();
            });
            assertThat(gateway.output()).contains("Re-joined side 239.255.2.3:23456 on veth1: interface veth1 is back");
        }
    }

    @Test
    @Order(5)
    void shouldRenewMembershipsAndHearItsOwnPeriodicSenderOverTheVeth() throws Exception {
        try (SseClient lan = SseClient.open(events("lan"))) {
            await().atMost(WAIT).until(() -> !lan.datagramsWithText(PERIODIC).isEmpty());
        }
        String metrics = get("/q/metrics").body();
        assertThat(metrics).containsPattern("mcast_rejoins_total\\{channel=\"lan\",group=\"" + LAN.replace(".", "\\.")
                + "\"} [1-9]");
        assertThat(metrics).containsPattern("mcast_datagrams_sent_total\\{channel=\"lan\",group=\"239\\.255\\.2\\.1\"} [1-9]");
        // the kernel lists the group as joined on veth0 (in /proc/net/igmp, hex in host byte order)
        String igmp = Netns.exec(gwNs, new byte[0], "cat", "/proc/net/igmp");
        assertThat(igmp).contains("0102FFEF"); // 239.255.2.1
    }

    @Test
    @Order(6)
    void shouldJoinAnIpv6AndASourceSpecificGroupForPlayersOverTheVethAndLeaveThem() throws Exception {
        String igmp6Group = "ff150000000000000000000000020009";
        assertThat(Netns.exec(gwNs, new byte[0], "cat", "/proc/net/igmp6")).as("not joined before a player asks")
                .doesNotContain(igmp6Group);
        String host = base.getHost(); // the management link made at the start
        String v6Text = "to an IPv6 player " + UUID.randomUUID() + ";";
        String ssmText = "from peer1 " + UUID.randomUUID() + ";";
        try (PlayerClient v6 = PlayerClient.open(host, 8080, "/udp/%5B" + PLAYER_V6 + "%5D:" + PORT, "", false, 0).read();
                PlayerClient ssm = PlayerClient.open(host, 8080, "/udp/" + PEER1 + "@" + PLAYER_SSM + ":" + PORT, "", false, 0)
                        .read()) {
            assertThat(v6.status()).isEqualTo(200);
            assertThat(ssm.status()).isEqualTo(200);
            assertThat(Netns.exec(gwNs, new byte[0], "cat", "/proc/net/igmp6")).as("joined on demand on veth0")
                    .containsPattern("veth0\\s+" + igmp6Group);
            Netns.exec(peer1, v6Text.getBytes(StandardCharsets.UTF_8), "socat", "-u", "STDIN",
                    "UDP6-DATAGRAM:[" + PLAYER_V6 + "]:" + PORT + ",so-bindtodevice=veth0,ipv6-unicast-hops=1");
            socat(peer2, PLAYER_SSM, "from peer2;", "ip-multicast-if=" + PEER2);
            socat(peer1, PLAYER_SSM, ssmText, "ip-multicast-if=" + PEER1);
            assertThat(new String(v6.awaitBody(v6Text.length(), WAIT), StandardCharsets.UTF_8)).isEqualTo(v6Text);
            assertThat(new String(ssm.awaitBody(ssmText.length(), WAIT), StandardCharsets.UTF_8))
                    .as("only the source's datagrams").isEqualTo(ssmText);
        }
        await().atMost(WAIT).until(() -> !Netns.exec(gwNs, new byte[0], "cat", "/proc/net/igmp6").contains(igmp6Group));
        assertThat(gateway.output()).contains("Left passthrough [" + PLAYER_V6 + "]:" + PORT + " on veth0");
    }

    private URI events(String channel) {
        return base.resolve("/api/events" + (channel == null ? "" : "?channel=" + channel));
    }

    private void socat(String ns, String group, String text, String... options) {
        List<String> address = new ArrayList<>(List.of("UDP4-DATAGRAM:" + group + ":" + PORT, "ip-multicast-ttl=1"));
        address.addAll(List.of(options));
        Netns.exec(ns, text.getBytes(StandardCharsets.UTF_8), "socat", "-u", "STDIN", String.join(",", address));
    }

    private JsonObject readinessCheck() throws Exception {
        return new JsonObject(get("/q/health/ready").body()).getJsonArray("checks").stream()
                .map(JsonObject.class::cast).filter(c -> "multicast-receiver".equals(c.getString("name")))
                .findFirst().orElseThrow();
    }

    private int status(String path) throws Exception {
        return get(path).statusCode();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
