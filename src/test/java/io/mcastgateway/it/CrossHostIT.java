package io.mcastgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.mcastgateway.support.SseClient;
import io.mcastgateway.support.Tools;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.Order;

/**
 * The packaged gateway between hosts: three network namespaces on one bridge, with real,
 * independent multicast tools as peers.
 *
 * <pre>
 *   gw-a 198.18.0.1  gateway, mcast.bind=group; and a gateway of the IPv6 group ff15::1234
 *   peer 198.18.0.2  socat and iperf
 *   gw-c 198.18.0.3  gateway, mcast.bind=any, mcast.interface unset (the OS's route for the group)
 * </pre>
 */
@Order(3)
@ResourceLock(ItResources.NETNS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossHostIT {

    private static final String GROUP = "239.255.255.252";
    private static final int PORT = 23456;
    private static final String GW_A = "198.18.0.1";
    private static final String PEER = "198.18.0.2";
    private static final String GW_C = "198.18.0.3";
    private static final String MESSAGE_A = "periodic from gateway a";
    private static final String MESSAGE_C = "periodic from gateway c";
    private static final String GROUP_V6 = "ff15::1234";
    private static final String MESSAGE_V6 = "periodic from the IPv6 gateway";
    private static final Duration WAIT = Duration.ofSeconds(15);

    private Netns net;
    private String peerNs;
    private final List<GatewayProcess> gateways = new ArrayList<>();
    private URI eventsA;
    private URI eventsC;
    private URI eventsV6;

    @BeforeAll
    void startHostsAndGateways() {
        Tools.require("CrossHostIT", Netns.unavailableReason());
        Netns.removeLeftovers();
        net = Netns.bridge();
        String nsA = net.host("gw-a", 1);
        peerNs = net.host("peer", 2);
        String nsC = net.host("gw-c", 3);
        String hostA = net.managementLink(nsA);
        eventsA = URI.create("http://" + hostA + ":8080/api/events");
        eventsV6 = URI.create("http://" + hostA + ":8081/api/events");
        eventsC = URI.create("http://" + net.managementLink(nsC) + ":8080/api/events");
        gateways.add(startGateway("gw-a", nsA, Map.of("MCAST_INTERFACE", "veth0", "MCAST_BIND", "group",
                "MCAST_SENDER_MESSAGE", MESSAGE_A)));
        gateways.add(startGateway("gw-a-ipv6", nsA, Map.of("MCAST_INTERFACE", "veth0", "MCAST_GROUP", GROUP_V6,
                "MCAST_SENDER_MESSAGE", MESSAGE_V6, "QUARKUS_HTTP_PORT", "8081")));
        // no MCAST_INTERFACE: the prod profile takes the interface the OS routes the group through
        gateways.add(startGateway("gw-c", nsC, Map.of("MCAST_BIND", "any", "MCAST_SENDER_MESSAGE", MESSAGE_C)));
        HttpClient http = HttpClient.newHttpClient();
        for (URI events : List.of(eventsA, eventsV6, eventsC)) {
            URI ready = events.resolve("/q/health/ready");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode() == 200);
        }
    }

    private GatewayProcess startGateway(String name, String ns, Map<String, String> settings) {
        List<String> command = Netns.in(ns, GatewayProcess.jarCommand());
        Map<String, String> env = new HashMap<>(Map.of("MCAST_TTL", "1", "MCAST_SENDER_INTERVAL", "1s",
                "MCAST_RECEIVER_LOG", "summary"));
        env.putAll(settings);
        return GatewayProcess.start(name, GatewayProcess.BASEDIR, env, command);
    }

    @AfterAll
    void stopEverything() {
        gateways.forEach(GatewayProcess::close);
        if (net != null) {
            net.close();
        }
        assertThat(gateways).noneMatch(GatewayProcess::isAlive);
        assertThat(Netns.run(List.of("ip", "netns", "list"))).doesNotContain(Netns.PREFIX + "-");
    }

    @Test
    void shouldStreamASocatSenderOnAnotherHostWithThePeersAddressAsSource() {
        String text = "socat says " + UUID.randomUUID();
        try (SseClient client = SseClient.open(eventsA)) {
            socatSend(GROUP, text, "ip-multicast-if=" + PEER, "ip-multicast-ttl=1");

            await().atMost(WAIT).until(() -> client.datagramsWithText(text).size() == 1);
            assertThat(client.datagramsWithText(text).get(0).getString("source")).startsWith(PEER + ":");
        }
    }

    @Test
    void shouldReachASocatReceiverOnAnotherHostByteForByte() throws Exception {
        Path received = GatewayProcess.BASEDIR.resolve("target/it-logs/socat-received.bin");
        Files.deleteIfExists(received);
        // one datagram from gateway a (range= keeps gateway c's out), then socat exits
        Netns.run(Netns.in(peerNs, "socat", "-u",
                "UDP4-RECVFROM:" + PORT + ",ip-add-membership=" + GROUP + ":" + PEER + ",reuseaddr,range=" + GW_A + "/32",
                "OPEN:" + received + ",creat,trunc"), new byte[0], 20);

        assertThat(Files.readAllBytes(received)).isEqualTo(MESSAGE_A.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldCountEveryDatagramOfAnIperfBurst() {
        try (SseClient client = SseClient.open(URI.create(eventsA + "?source=" + PEER))) {
            String report = Netns.exec(peerNs, new byte[0], "iperf", "-c", GROUP, "-p", String.valueOf(PORT), "-u",
                    "-B", PEER, "-T", "1", "-b", "1000pps", "-l", "200", "-t", "2");
            Matcher sent = Pattern.compile("Sent (\\d+) datagrams").matcher(report);
            assertThat(sent.find()).as("iperf report:\n%s", report).isTrue();
            // iperf counts its end marker among the sent datagrams: the receiver sees one fewer
            long expected = Long.parseLong(sent.group(1)) - 1;

            await().atMost(WAIT).until(() -> iperfDatagrams(client) >= expected);
            long received = iperfDatagrams(client);
            System.out.printf("iperf burst: iperf sent %d datagrams (+1 end marker), gateway received %d, lost %d%n",
                    expected, received, expected - received);
            assertThat(received).isEqualTo(expected);
        }
    }

    private static long iperfDatagrams(SseClient client) {
        return client.datagrams(j -> j.getInteger("size") == 200 && j.getString("source").startsWith(PEER + ":")).size();
    }

    @Test
    void shouldKeepUnicastToTheHostOutWhenBoundToTheGroupAndLetItInWhenBoundToAny() {
        String unicastA = "unicast to a " + UUID.randomUUID();
        String unicastC = "unicast to c " + UUID.randomUUID();
        String marker = "marker " + UUID.randomUUID();
        try (SseClient a = SseClient.open(eventsA); SseClient c = SseClient.open(eventsC)) {
            socatSend(GW_A, unicastA);
            socatSend(GW_C, unicastC);
            socatSend(GROUP, marker, "ip-multicast-if=" + PEER, "ip-multicast-ttl=1");

            await().atMost(WAIT).until(() -> a.datagramsWithText(marker).size() == 1 && c.datagramsWithText(marker).size() == 1);
            await().atMost(WAIT).until(() -> c.datagramsWithText(unicastC).size() == 1);
            assertThat(a.datagramsWithText(unicastA)).as("mcast.bind=group: unicast never arrives").isEmpty();
            assertThat(c.datagramsWithText(unicastC).get(0).getString("source")).startsWith(PEER + ":");
        }
    }

    @Test
    void shouldSeeEachOthersAndItsOwnSenderTraffic() {
        try (SseClient a = SseClient.open(eventsA); SseClient c = SseClient.open(eventsC)) {
            await().atMost(WAIT).until(() -> hasFrom(a, MESSAGE_C, GW_C) && hasFrom(c, MESSAGE_A, GW_A)
                    && hasFrom(a, MESSAGE_A, GW_A) && hasFrom(c, MESSAGE_C, GW_C));
        }
    }

    @Test
    void shouldTakeTheInterfaceTheOsRoutesTheGroupThroughWhenNoneIsSet() throws Exception {
        HttpResponse<String> ready = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(eventsC.resolve("/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
        JsonObject receiver = new JsonObject(ready.body()).getJsonArray("checks").stream().map(JsonObject.class::cast)
                .filter(c -> c.getString("name").equals("multicast-receiver")).findFirst().orElseThrow();

        assertThat(receiver.getJsonObject("data").getString("default.interface")).isEqualTo("veth0");
        assertThat(receiver.getJsonObject("data").getString("default.state")).isEqualTo("joined");
    }

    @Test
    void shouldStreamAnIpv6GroupFromAnotherHost() {
        String text = "over IPv6 " + UUID.randomUUID();
        try (SseClient client = SseClient.open(eventsV6)) {
            Netns.exec(peerNs, text.getBytes(StandardCharsets.UTF_8), "socat", "-u", "STDIN",
                    "UDP6-DATAGRAM:[" + GROUP_V6 + "]:" + PORT + ",so-bindtodevice=veth0,ipv6-unicast-hops=1");

            await().atMost(WAIT).until(() -> client.datagramsWithText(text).size() == 1);
            var event = client.datagramsWithText(text).get(0);
            assertThat(event.getString("group")).isEqualTo(GROUP_V6);
            assertThat(event.getString("source")).matches("\\[fe80::[0-9a-f:]+%veth0]:\\d+");
            // and the IPv6 gateway hears its own sender over the veth
            await().atMost(WAIT).until(() -> !client.datagramsWithText(MESSAGE_V6).isEmpty());
        }
    }

    private static boolean hasFrom(SseClient client, String text, String ip) {
        return client.datagramsWithText(text).stream().map(j -> j.getString("source")).anyMatch(s -> s.startsWith(ip + ":"));
    }

    private void socatSend(String host, String text, String... options) {
        String address = "UDP4-DATAGRAM:" + host + ":" + PORT + (options.length == 0 ? "" : "," + String.join(",", options));
        Netns.exec(peerNs, text.getBytes(StandardCharsets.UTF_8), "socat", "-u", "STDIN", address);
    }
}
