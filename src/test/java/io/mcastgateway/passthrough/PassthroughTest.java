package io.mcastgateway.passthrough;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.net.DatagramSocket;
import java.net.URL;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Igmp;
import io.mcastgateway.support.LogCapture;
import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.PlayerClient;
import io.mcastgateway.support.Players;
import io.mcastgateway.support.Rtp;
import io.mcastgateway.support.Ts;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * Players' raw streams, on real sockets: groups joined on demand (memberships read from
 * {@code /proc/net/igmp}), shared, left after the linger; every byte to every client that reads, whole
 * datagrams dropped for one that does not; the guards (allow list, limits, malformed targets) refusing
 * without joining.
 */
@QuarkusTest
@TestProfile(Players.class)
class PassthroughTest {

    private static final int SIZE = 1316;

    @TestHTTPResource("/")
    URL root;

    private final List<PlayerClient> clients = new ArrayList<>();
    private DatagramSocket sender;

    @BeforeEach
    void setUp() {
        sender = Multicast.sender();
        // earlier tests' groups have lingered out: each test starts with none joined for players
        await(() -> api().getList("groups").isEmpty() && api().getInt("clients") == 0, Duration.ofSeconds(10));
    }

    @AfterEach
    void tearDown() {
        clients.forEach(PlayerClient::close);
        sender.close();
    }

    @Test
    void shouldJoinOnFirstClientOnceForThreeAndLeaveAfterTheLinger() {
        String group = "239.255.90.1";
        assertThat(Igmp.users("lo", group)).as("no membership before the first client").isZero();
        PlayerClient first = open("/udp/" + group + ":" + Players.PORT);
        assertThat(first.status()).isEqualTo(200);
        assertThat(Igmp.users("lo", group)).as("joined for the first client").isEqualTo(1);
        open("/udp/" + group + ":" + Players.PORT);
        open("/udp/" + group + ":" + Players.PORT);
        assertThat(Igmp.users("lo", group)).as("one membership for three clients").isEqualTo(1);
        assertThat(api().getInt("joinedGroups")).isEqualTo(1);
        assertThat(api().getInt("clients")).isEqualTo(3);

        clients.forEach(PlayerClient::close);
        await(() -> api().getInt("clients") == 0, Duration.ofSeconds(5));
        assertThat(api().getString("groups[0].state")).as("the group lingers").isEqualTo("lingering");
        assertThat(Igmp.users("lo", group)).as("still joined during the linger").isEqualTo(1);
        await(() -> Igmp.users("lo", group) == 0, Duration.ofMillis(Players.LINGER_MS + 4000));
        assertThat(api().getList("groups")).isEmpty();
    }

    @Test
    void shouldKeepAGroupForAClientThatComesBackWithinTheLinger() {
        String group = "239.255.90.2";
        open("/udp/" + group + ":" + Players.PORT).close();
        await(() -> api().getInt("clients") == 0, Duration.ofSeconds(5));
        PlayerClient again = open("/udp/" + group + ":" + Players.PORT).read();
        assertThat(api().getString("groups[0].state")).isEqualTo("joined");
        sleep(Players.LINGER_MS + 500);
        assertThat(Igmp.users("lo", group)).as("the returning client cancelled the leave").isEqualTo(1);
        Multicast.sendNumbered(sender, group, Players.PORT, "back ", 5, 100, 64);
        assertThat(new String(again.awaitBody(5 * 64, Duration.ofSeconds(5)))).contains("back 5 ");
    }

    @Test
    void shouldDeliverEveryDatagramInOrderToThreeClientsWhileAStalledOneLosesWholeDatagrams() {
        String group = "239.255.90.3";
        String path = "/udp/" + group + ":" + Players.PORT;
        List<PlayerClient> readers = List.of(open(path).read(), open(path).read(), open(path).read());
        PlayerClient stalled = PlayerClient.open(port(), path, "", false, 4096); // reads nothing for now
        clients.add(stalled);
        int count = 6000;
        sendSequenced(group, count, 3000);

        for (PlayerClient reader : readers) {
            byte[] body = reader.awaitBody(count * SIZE, Duration.ofSeconds(10));
            assertThat(missing(body, count)).as("every datagram, whole and in order, to %s", reader.localAddress())
                    .isZero();
            assertThat(body.length).isEqualTo(count * SIZE);
        }
        long dropped = clientInfo(stalled).getLong("dropped");
        assertThat(dropped).as("the stalled client lost datagrams (counted)").isPositive();
        assertThat(clientInfo(stalled).getBoolean("behind")).isTrue();

        stalled.read();
        long expected = (count - dropped) * SIZE;
        byte[] body = stalled.awaitBody((int) expected, Duration.ofSeconds(10));
        assertThat(body.length).as("what it was not dropped arrives").isEqualTo(expected);
        assertThat(missing(body, count)).as("whole datagrams, the gaps as counted").isEqualTo(dropped);
        assertThat(api().getLong("groups[0].dropped")).isEqualTo(dropped);
    }

    @Test
    void shouldDisconnectAPlayerThatStaysBehind() {
        String group = "239.255.90.4";
        String path = "/udp/" + group + ":" + Players.PORT;
        try (LogCapture log = LogCapture.of(Client.class)) {
            PlayerClient stalled = PlayerClient.open(port(), path, "", false, 4096);
            clients.add(stalled);
            PlayerClient reader = open(path).read();
            sendSequenced(group, 18_000, 3000); // 6 s; the stalled one is behind for longer than max-behind (3 s)
            stalled.read();
            assertThat(stalled.awaitEnd(Duration.ofSeconds(20))).as("the stalled player was disconnected").isTrue();
            assertThat(log.lines()).anyMatch(l -> l.contains("Disconnected player " + stalled.localAddress().replace("127.0.0.1", "/127.0.0.1"))
                    || l.contains("Disconnected player") && l.contains(String.valueOf(stalled.localAddress().split(":")[1])));
            byte[] got = reader.awaitBody(18_000 * SIZE, Duration.ofSeconds(10));
            assertThat(missing(got, 18_000)).as("the one that reads lost nothing").isZero();
        }
    }

    @Test
    void shouldRefuseAGroupOutsideTheAllowListWithoutJoiningIt() {
        String outside = "239.255.91.7";
        given().get(root + "udp/" + outside + ":" + Players.PORT).then().statusCode(403)
                .body(containsString("not in mcast.passthrough.allow"));
        given().get(root + "rtp/" + outside + ":" + Players.PORT).then().statusCode(403);
        given().get(root + "udp/[ff15::7]:" + Players.PORT).then().statusCode(403);
        assertThat(Igmp.users("lo", outside)).as("a refused group is not joined").isZero();
        assertThat(api().getInt("joinedGroups")).isZero();
    }

    @Test
    void shouldRefuseTargetsThatAreNotAGroupAndPort() {
        for (String target : List.of("localhost:23992", "10.0.0.1:23992", "127.0.0.1:23992", "239.255.90.5:0",
                "239.255.90.5:65536", "239.255.90.5", "239.255.90.5:", "239.255.90.5:23992;x", "239.255.90.5:+1",
                "0xef.255.90.5:23992", "239.255.90.5.1:23992", "ff15::1:23992", "%5Bff15::1:23992",
                "239.255.90.1@239.255.90.5:23992", "@239.255.90.5:23992", "%2e%2e%2fapi%2fstats",
                "239.255.90.5%3A23992%0d%0aX-Injected:%201",
                // what InetAddress.getByName would hand to the resolver (blocking the event loop)
                "239.255.90.256:23992", "%5B.:%5D:23992", ".:@239.255.90.5:23992", "1.1.1.999@239.255.90.5:23992",
                "%5Bff02::1%25lo%5D:23992", "0.0.0.0@239.255.90.5:23992", "224.0.0.1@239.255.90.5:23992")) {
            given().urlEncodingEnabled(false).get(root + "udp/" + target).then().statusCode(400);
        }
        assertThat(given().get(root + "udp/239.255.90.5:23992/more").statusCode()).isEqualTo(404);
        assertThat(given().get(root + "UDP/239.255.90.5:23992").statusCode()).isEqualTo(404);
        assertThat(given().head(root + "udp/239.255.90.5:23992").statusCode()).as("HEAD").isNotEqualTo(200);
        assertThat(api().getInt("joinedGroups")).as("nothing was joined").isZero();
    }

    @Test
    void shouldShareAConfiguredChannelsSocketAndNeverJoinItTwice() {
        assertThat(Igmp.users("lo", Players.TV)).as("the channel tv is joined at startup").isEqualTo(1);
        PlayerClient byGroup = open("/udp/" + Players.TV + ":" + Players.PORT).read();
        PlayerClient byName = open("/api/channels/tv/raw").read();
        assertThat(Igmp.users("lo", Players.TV)).as("its socket is shared").isEqualTo(1);
        assertThat(api().getInt("joinedGroups")).as("nothing joined for the players").isZero();
        assertThat(api().getString("groups[0].channel")).isEqualTo("tv");
        await(() -> "ok".equals(api().getString("groups[0].kernel.status")), Duration.ofSeconds(5));
        sendSequenced(Players.TV, 100, 500);
        assertThat(missing(byGroup.awaitBody(100 * SIZE, Duration.ofSeconds(5)), 100)).isZero();
        assertThat(missing(byName.awaitBody(100 * SIZE, Duration.ofSeconds(5)), 100)).isZero();
        given().get(root + "api/channels/nope/raw").then().statusCode(404);
    }

    @Test
    void shouldJoinSourceSpecificAndTakeOnlyTheSourcesDatagrams() throws Exception {
        String group = "232.255.90.7";
        PlayerClient ssm = open("/udp/127.0.0.1@" + group + ":" + Players.PORT).read();
        try (DatagramSocket other = new DatagramSocket(new java.net.InetSocketAddress("127.0.0.2", 0))) {
            other.setOption(java.net.StandardSocketOptions.IP_MULTICAST_IF, Multicast.lo());
            other.setOption(java.net.StandardSocketOptions.IP_MULTICAST_TTL, 1);
            Multicast.sendTo(other, "from another source;".getBytes(), group, Players.PORT);
            Multicast.sendTo(sender, "from the source;".getBytes(), group, Players.PORT); // bound to 127.0.0.1
            Multicast.sendTo(other, "from another source;".getBytes(), group, Players.PORT);
            Multicast.sendTo(sender, "again from the source;".getBytes(), group, Players.PORT);
        }
        assertThat(new String(ssm.awaitBody(38, Duration.ofSeconds(5)))).isEqualTo("from the source;again from the source;");
        assertThat(api().getString("groups[0].target")).isEqualTo("127.0.0.1@" + group + ":" + Players.PORT);
        assertThat(api().getList("groups[0].sources.source").toString()).doesNotContain("127.0.0.2");
    }

    @Test
    void shouldShareOneSocketForEverySpellingOfAGroup() {
        open("/udp/239.255.90.12:" + Players.PORT);
        open("/udp/%5B::ffff:239.255.90.12%5D:" + Players.PORT);
        open("/udp/239.255.090.012:" + Players.PORT);
        assertThat(api().getInt("joinedGroups")).as("one group, however written").isEqualTo(1);
        assertThat(api().getString("groups[0].target")).isEqualTo("239.255.90.12:" + Players.PORT);
        assertThat(Igmp.users("lo", "239.255.90.12")).isEqualTo(1);
    }

    @Test
    void shouldRefuseAnotherGroupOnThePortOfAChannelBoundToTheWildcardAddress() {
        given().get(root + "udp/239.255.90.44:" + Players.WIDE_PORT).then().statusCode(409)
                .body(containsString("channel wide"));
        assertThat(Igmp.users("lo", "239.255.90.44")).isZero();
        assertThat(open("/udp/" + Players.WIDE + ":" + Players.WIDE_PORT).status()).as("the channel's own group").isEqualTo(200);
    }

    @Test
    void shouldRefuseBeyondMaxGroupsAndMaxClientsWith503() {
        for (int i = 0; i < Players.MAX_GROUPS; i++) {
            open("/udp/239.255.90." + (10 + i) + ":" + Players.PORT);
        }
        given().get(root + "udp/239.255.90.20:" + Players.PORT).then().statusCode(503)
                .header("Retry-After", "5").body(containsString("mcast.passthrough.max-groups"));
        assertThat(Igmp.users("lo", "239.255.90.20")).isZero();
        while (clients.size() < Players.MAX_CLIENTS) {
            open("/udp/239.255.90.10:" + Players.PORT);
        }
        given().get(root + "udp/239.255.90.11:" + Players.PORT).then().statusCode(503)
                .body(containsString("mcast.passthrough.max-clients"));
        assertThat(api().getLong("rejected")).isGreaterThanOrEqualTo(2);
        clients.get(0).close();
        await(() -> api().getInt("clients") == Players.MAX_CLIENTS - 1, Duration.ofSeconds(5));
        assertThat(open("/udp/239.255.90.11:" + Players.PORT).status()).as("room again").isEqualTo(200);
    }

    @Test
    void shouldLetALingeringGroupGiveWayToANewOne() {
        for (int i = 0; i < Players.MAX_GROUPS; i++) {
            open("/udp/239.255.90." + (30 + i) + ":" + Players.PORT);
        }
        clients.remove(0).close(); // 239.255.90.30 lingers
        await(() -> api().getInt("clients") == Players.MAX_GROUPS - 1, Duration.ofSeconds(5));
        assertThat(open("/udp/239.255.90.40:" + Players.PORT).status()).isEqualTo(200);
        await(() -> Igmp.users("lo", "239.255.90.30") == 0, Duration.ofSeconds(3));
        assertThat(Igmp.users("lo", "239.255.90.40")).isEqualTo(1);
    }

    @Test
    void shouldServeHttp10PlayersUntilTheConnectionCloses() {
        String group = "239.255.90.5";
        PlayerClient old = PlayerClient.open(port(), "/udp/" + group + ":" + Players.PORT, "", true, 0);
        clients.add(old);
        assertThat(old.status()).isEqualTo(200);
        assertThat(old.header("transfer-encoding")).isNull();
        assertThat(old.header("content-length")).isNull();
        old.read();
        sendSequenced(group, 50, 500);
        assertThat(missing(old.awaitBody(50 * SIZE, Duration.ofSeconds(5)), 50)).isZero();
    }

    @Test
    void shouldAnswerMpegTsAsVideoMp2tAndOtherPayloadsAsOctetStream() {
        String tsGroup = "239.255.90.6";
        PlayerClient waiting = open("/udp/" + tsGroup + ":" + Players.PORT);
        assertThat(waiting.header("content-type")).as("nothing seen yet").isEqualTo("application/octet-stream");
        byte[] ts = Ts.concat(List.of(Ts.pat(0, 0x1000), Ts.pmt(0x1000, 0), Ts.packet(0x100, 0), Ts.packet(0x100, 1),
                Ts.packet(0x100, 2), Ts.packet(0x100, 3), Ts.packet(0x100, 4)));
        Multicast.sendTo(sender, ts, tsGroup, Players.PORT);
        await(() -> api().getLong("groups[0].received") == 1, Duration.ofSeconds(5));
        assertThat(open("/udp/" + tsGroup + ":" + Players.PORT).header("content-type")).isEqualTo("video/mp2t");
        assertThat(open("/udp/" + tsGroup + ":" + Players.PORT).header("cache-control")).isEqualTo("no-cache");
    }

    @Test
    void shouldStartANewPlayerAtAKeyFrameAfterTheLatestTables() {
        String group = "239.255.90.9";
        byte[] pat = Ts.pat(0, 0x1000);
        byte[] pmt = Ts.pmt(0x1000, 0); // names no stream: any random access point will do
        PlayerClient first = open("/udp/" + group + ":" + Players.PORT).read();
        // the tables, then a GOP's tail: nothing a player could decode
        Multicast.sendTo(sender, Ts.concat(List.of(pat, pmt, Ts.packet(0x100, 0), Ts.packet(0x100, 1),
                Ts.packet(0x100, 2), Ts.packet(0x100, 3), Ts.packet(0x100, 4))), group, Players.PORT);
        byte[] keyFrame = Ts.packet(0x100, 5, true, true, true);
        keyFrame[5] = 0x40; // random_access_indicator
        byte[] from = Ts.concat(List.of(Ts.packet(0x101, 0), keyFrame, Ts.packet(0x100, 6), Ts.packet(0x100, 7),
                Ts.packet(0x100, 8), Ts.packet(0x100, 9), Ts.packet(0x100, 10)));
        Multicast.sendTo(sender, from, group, Players.PORT);
        byte[] body = first.awaitBody(8 * 188, Duration.ofSeconds(5));
        byte[] expected = join(pat, pmt, java.util.Arrays.copyOfRange(from, 188, from.length));
        assertThat(packets(body)).as("the tables, then the stream from the key frame on, without what came before")
                .isEqualTo(packets(expected));
        assertThat(java.util.Arrays.equals(body, expected)).as("byte for byte").isTrue();

        // a stream that marks no key frame: after 5 s of waiting the player starts where the stream is, and the
        // group's next players start at once
        PlayerClient waiting = open("/udp/" + group + ":" + Players.PORT).read();
        long start = System.nanoTime();
        byte[] plain = Ts.concat(List.of(Ts.packet(0x100, 11), Ts.packet(0x100, 12), Ts.packet(0x100, 13),
                Ts.packet(0x100, 14), Ts.packet(0x100, 15), Ts.packet(0x100, 16), Ts.packet(0x100, 17)));
        while (waiting.bodyLength() == 0 && System.nanoTime() - start < 8_000_000_000L) {
            Multicast.sendTo(sender, plain, group, Players.PORT);
            sleep(200);
        }
        assertThat(waiting.bodyLength()).as("started after its wait").isPositive();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("it waited for a key frame")
                .isGreaterThanOrEqualTo(Duration.ofMillis(Client.START_WAIT_MS - 500));
        PlayerClient next = open("/udp/" + group + ":" + Players.PORT).read();
        Multicast.sendTo(sender, plain, group, Players.PORT);
        byte[] nextBody = next.awaitBody(2 * 188 + plain.length, Duration.ofSeconds(2));
        assertThat(packets(nextBody)).as("the next one starts at once, after the tables")
                .isEqualTo(packets(join(pat, pmt, plain)));
    }

    @Test
    void shouldStripRtpHeadersAndPutPacketsBackInOrder() {
        String group = "239.255.90.7";
        PlayerClient rtp = open("/rtp/" + group + ":" + Players.PORT).read();
        PlayerClient udp = open("/udp/" + group + ":" + Players.PORT).read();
        int[] order = { 100, 101, 103, 102, 104, 104, 101, 105 }; // one swapped, one duplicate, one far too late
        for (int seq : order) {
            byte[] payload = ("payload-" + seq + ";").getBytes();
            Multicast.sendTo(sender, Rtp.packet(33, seq, seq * 3600L, 0x1234, payload), group, Players.PORT);
        }
        String body = new String(rtp.awaitBody(6 * "payload-100;".length(), Duration.ofSeconds(5)));
        assertThat(body).isEqualTo("payload-100;payload-101;payload-102;payload-103;payload-104;payload-105;");
        assertThat(udp.awaitBody(8 * (12 + 12), Duration.ofSeconds(5))).as("/udp/ passes RTP as it is").hasSize(8 * 24);
        assertThat(api().getLong("groups[0].rtpLate")).isEqualTo(2);
    }

    @Test
    void shouldShowGroupsAndClientsInTheApiAndMetrics() {
        String group = "239.255.90.8";
        PlayerClient client = open("/udp/" + group + ":" + Players.PORT).read();
        sendSequenced(group, 20, 200);
        client.awaitBody(20 * SIZE, Duration.ofSeconds(5));
        await(() -> clientInfo(client).getLong("bytes") == 20L * SIZE, Duration.ofSeconds(5));
        JsonPath info = api();
        assertThat(info.getBoolean("joinsOnDemand")).isTrue();
        assertThat(info.getList("allow")).contains(Players.RANGE);
        assertThat(info.getString("groups[0].target")).isEqualTo(group + ":" + Players.PORT);
        assertThat(info.getLong("groups[0].received")).isEqualTo(20);
        assertThat(info.getLong("groups[0].sent")).isEqualTo(20L * SIZE);
        assertThat(info.getString("groups[0].sources[0].source")).startsWith("127.0.0.1:");
        await(() -> "ok".equals(api().getString("groups[0].kernel.status")), Duration.ofSeconds(5));
        JsonPath kernel = api();
        assertThat(kernel.getLong("groups[0].kernel.drops")).as("the kernel's drops of the group's own socket").isZero();
        assertThat(kernel.getInt("groups[0].kernel.receiveBufferGranted")).as("what the kernel granted it").isPositive();
        assertThat(clientInfo(client).getLong("datagrams")).isEqualTo(20);
        String metrics = given().get(root + "q/metrics").asString();
        assertThat(metrics).contains("mcast_passthrough_clients 1.0")
                .contains("mcast_passthrough_sent_bytes_total{channel=\"\",target=\"" + group + ":" + Players.PORT + "\"} "
                        + (20 * SIZE) + ".0")
                .contains("mcast_passthrough_group_clients{channel=\"\",target=\"" + group + ":" + Players.PORT + "\"} 1.0");
    }

    // ---- helpers

    private static byte[] join(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Each TS packet as "pid/cc", for messages that can be read. */
    private static List<String> packets(byte[] ts) {
        List<String> list = new ArrayList<>();
        for (int at = 0; at + 188 <= ts.length; at += 188) {
            list.add(Integer.toHexString(((ts[at + 1] & 0x1f) << 8) | (ts[at + 2] & 0xff)) + "/" + (ts[at + 3] & 0x0f));
        }
        if (ts.length % 188 != 0) {
            list.add("+" + ts.length % 188 + " bytes");
        }
        return list;
    }

    private PlayerClient open(String path) {
        PlayerClient client = PlayerClient.open(port(), path);
        clients.add(client);
        assertThat(client.status()).as(path).isEqualTo(200);
        return client;
    }

    private int port() {
        return root.getPort();
    }

    private JsonPath api() {
        return given().get(root + "api/passthrough").then().statusCode(200).extract().jsonPath();
    }

    private JsonPath clientInfo(PlayerClient client) {
        JsonPath info = api();
        List<Map<String, Object>> groups = info.getList("groups");
        for (Map<String, Object> g : groups) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> list = (List<Map<String, Object>>) g.get("clients");
            for (Map<String, Object> c : list) {
                if (String.valueOf(c.get("address")).endsWith(":" + client.localAddress().split(":")[1])) {
                    return new JsonPath(io.restassured.path.json.JsonPath.from(toJson(c)).prettify());
                }
            }
        }
        throw new AssertionError("no client " + client.localAddress() + " in " + info.prettify());
    }

    private static String toJson(Map<String, Object> map) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(map);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code count} datagrams of {@link #SIZE} bytes: the number n (1..count) then bytes derived from it. */
    private void sendSequenced(String group, int count, int perSecond) {
        long start = System.nanoTime();
        for (int n = 1; n <= count; n++) {
            Multicast.sendTo(sender, datagram(n), group, Players.PORT);
            long wait = start + (long) n * 1_000_000_000L / perSecond - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
        }
    }

    private static byte[] datagram(int n) {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.putInt(n);
        while (b.hasRemaining()) {
            b.put((byte) (n * 31 + b.position()));
        }
        return b.array();
    }

    /**
     * How many of the datagrams 1..count the body lacks; fails unless it is whole datagrams, each as sent,
     * in increasing order.
     */
    private static long missing(byte[] body, int count) {
        assertThat(body.length % SIZE).as("whole datagrams only").isZero();
        int last = 0;
        for (int at = 0; at < body.length; at += SIZE) {
            int n = ByteBuffer.wrap(body, at, 4).getInt();
            assertThat(n).as("in order, after %d", last).isGreaterThan(last).isLessThanOrEqualTo(count);
            assertThat(java.util.Arrays.copyOfRange(body, at, at + SIZE)).as("datagram %d whole", n).isEqualTo(datagram(n));
            last = n;
        }
        return count - body.length / SIZE;
    }

    private void await(BooleanSupplier condition, Duration atMost) {
        long end = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + atMost + "; /api/passthrough: " + api().prettify());
            }
            sleep(50);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
