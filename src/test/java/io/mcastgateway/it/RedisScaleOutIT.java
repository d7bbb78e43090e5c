package io.mcastgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.SseClient;
import io.mcastgateway.support.Tools;
import io.vertx.core.json.JsonObject;

/**
 * Scale-out on Redis Streams with packaged gateways on lo and a real redis-server: a receiving gateway
 * (R) appends, two SSE-only replicas (A, B) read. The tests run in order: A is killed in the third.
 */
@Order(1)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisScaleOutIT {

    private static final String GROUP = Multicast.GROUP;
    private static final int PORT = 23971;
    private static final String TOKEN = "publish-token-for-redis-it";
    private static final String SECRET = "relay-secret-for-redis-it";
    private static final int MAX_PENDING = 50;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private RedisServer redis;
    private GatewayProcess receiver;
    private GatewayProcess replicaA;
    private GatewayProcess replicaB;
    private int receiverStarts;
    private String firstId;
    private final URI r = URI.create("http://127.0.0.1:18111");
    private final URI a = URI.create("http://127.0.0.1:18112");
    private final URI b = URI.create("http://127.0.0.1:18113");

    @BeforeAll
    void start() {
        Tools.require("RedisScaleOutIT", RedisServer.unavailableReason());
        redis = RedisServer.onLoopback("scale-out");
        receiver = startReceiver();
        replicaA = gateway("replica-a", a, Map.of("MCAST_RECEIVER_ENABLED", "false", "MCAST_PUBLISH_TOKEN", TOKEN));
        replicaB = gateway("replica-b", b, Map.of("MCAST_RECEIVER_ENABLED", "false"));
        for (URI gateway : List.of(r, a, b)) {
            awaitReady(gateway);
        }
    }

    private GatewayProcess startReceiver() {
        return gateway("receiver-" + (++receiverStarts), r, Map.of("MCAST_REDIS_MAX_PENDING", String.valueOf(MAX_PENDING),
                "MCAST_REDIS_FAILOVER", "1s", "MCAST_REDIS_RETRY_INTERVAL", "500ms"));
    }

    private GatewayProcess gateway(String name, URI http, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(Map.of("MCAST_TRANSPORT", "redis", "QUARKUS_REDIS_HOSTS", redis.url(),
                "MCAST_INTERFACE", "lo", "MCAST_PORT", String.valueOf(PORT), "MCAST_TTL", "0",
                "MCAST_SENDER_ENABLED", "false", "MCAST_RECEIVER_LOG", "summary", "MCAST_STREAM_REPLAY_SIZE", "5000",
                "QUARKUS_HTTP_PORT", String.valueOf(http.getPort()), "QUARKUS_SHUTDOWN_DELAY", "0s"));
        env.put("MCAST_STREAM_BUFFER", "4096"); // a replay of a few thousand events fits
        env.put("MCAST_REDIS_SECRET", SECRET); // relayed publishes are signed with it
        env.putAll(settings);
        return GatewayProcess.jar("redis-" + name, env);
    }

    @AfterAll
    void stop() {
        for (GatewayProcess p : new GatewayProcess[] { receiver, replicaA, replicaB }) {
            if (p != null) {
                p.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void shouldStreamADatagramToAClientOfAnSseOnlyReplica() throws Exception {
        String text = "through Redis " + UUID.randomUUID();
        try (SseClient client = SseClient.open(a.resolve("/api/events")); var socket = Multicast.sender()) {
            Multicast.sendTo(socket, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), GROUP, PORT);

            await().atMost(WAIT).until(() -> client.datagramsWithText(text).size() == 1);
            SseClient.Event event = client.events("datagram").stream().filter(e -> e.data().contains(text)).findFirst()
                    .orElseThrow();
            assertThat(event.id()).as("the SSE id is the Redis stream id").matches("\\d{13}-\\d+");
            firstId = event.id();
            assertThat(event.json().getString("id")).isEqualTo(event.id());
            assertThat(event.json().getString("source")).startsWith("127.0.0.1:");
        }
        JsonObject transport = stats(r).getJsonObject("transport");
        assertThat(transport.getString("kind")).isEqualTo("redis");
        assertThat(transport.getJsonArray("writing").getList()).containsExactly("default");
        assertThat(stats(a).getJsonObject("transport").getJsonArray("writing").getList()).isEmpty();
        assertThat(metric(r, "mcast_transport_writing")).as("the receiver writes default").isEqualTo(1);
        assertThat(metric(r, "mcast_channel_joined")).isEqualTo(1);
        // a replica receives nothing: no joined state to report (a 0 would fire McastChannelNotJoined)
        String replicaMetrics = HTTP.send(HttpRequest.newBuilder(a.resolve("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(replicaMetrics).contains("mcast_datagrams_received_total").doesNotContain("mcast_channel_joined");
    }

    @Test
    @Order(2)
    void shouldRelayAPublishOnAReplicaThroughTheWriterToTheGroup() throws Exception {
        String text = "published on replica A " + UUID.randomUUID();
        try (SseClient client = SseClient.open(b.resolve("/api/events"))) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(a.resolve("/api/channels/default/messages"))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString(text)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(new JsonObject(response.body()).getBoolean("relayed")).isTrue();
            // the receiving gateway sent it to the group, heard it and appended it
            await().atMost(WAIT).until(() -> client.datagramsWithText(text).size() == 1);
        }
    }

    @Test
    @Order(3)
    void shouldResumeOnAnotherReplicaExactlyOnceAndInOrderWhenTheFirstIsKilled() throws Exception {
        String tag = "failover " + UUID.randomUUID();
        int count = 1000;
        List<SseClient.Event> seen = new CopyOnWriteArrayList<>();
        SseClient first = SseClient.open(a.resolve("/api/events"), Map.of(), e -> keep(e, tag, seen));
        CompletableFuture<Void> burst = burst(tag, 200, count);
        await().atMost(WAIT).until(() -> seen.size() >= 200);
        replicaA.kill(); // SIGKILL, mid-burst
        first.close();
        String lastId = seen.get(seen.size() - 1).id();
        int before = seen.size();

        try (SseClient second = SseClient.open(b.resolve("/api/events"), Map.of("Last-Event-ID", lastId),
                e -> keep(e, tag, seen))) {
            burst.get(30, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> !seen.isEmpty() && seq(seen.get(seen.size() - 1)) == count);
        }
        List<Long> seqs = seen.stream().map(RedisScaleOutIT::seq).toList();
        System.out.printf("failover: %d events from replica A (killed), %d from replica B after %s%n", before,
                seqs.size() - before, lastId);
        assertThat(seqs).as("the burst exactly once, in order").isEqualTo(range(1, count));
        assertThat(seen.stream().filter(e -> e.name().equals("gap") || e.name().equals("reset"))).isEmpty();

        // the replica's /api/sources: the burst's sender as the receiving gateway counts it
        await().atMost(WAIT).until(() -> senders(b).stream().anyMatch(
                j -> "json".equals(j.getString("format")) && j.getLong("lastSeq") == count && j.getLong("lost") == 0));
    }

    private static List<JsonObject> senders(URI gateway) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(gateway.resolve("/api/sources")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        List<JsonObject> senders = new ArrayList<>();
        new io.vertx.core.json.JsonArray(body).forEach(channel -> ((JsonObject) channel).getJsonArray("sources")
                .forEach(source -> senders.add((JsonObject) source)));
        return senders;
    }

    @Test
    @Order(4)
    void shouldKeepIdsOrderedAndResumeAnIdFromBeforeTheReceiverRestarted() throws Exception {
        String tag = "restart " + UUID.randomUUID();
        List<SseClient.Event> seen = new CopyOnWriteArrayList<>();
        List<SseClient.Event> other = new CopyOnWriteArrayList<>();
        try (SseClient client = SseClient.open(b.resolve("/api/events"), Map.of(), e -> keep(e, tag, seen, other))) {
            CompletableFuture<Void> burst = burst(tag, 100, 1500); // 15 s
            await().atMost(WAIT).until(() -> seen.size() >= 100);
            receiver.terminate();
            assertThat(receiver.waitFor(20)).as("receiver stopped").isNotNull();
            String idBeforeRestart = seen.get(seen.size() - 1).id();
            int before = seen.size();
            receiver = startReceiver();
            awaitReady(r);
            await().atMost(WAIT).until(() -> seen.size() >= before + 100);
            burst.get(30, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> seq(seen.get(seen.size() - 1)) == 1500);

            List<String> ids = seen.stream().map(SseClient.Event::id).toList();
            assertThat(ids.stream().map(StreamIds::parse).toList()).as("ids across the restart").isSorted()
                    .doesNotHaveDuplicates();

            List<SseClient.Event> resumed = new CopyOnWriteArrayList<>();
            try (SseClient again = SseClient.open(b.resolve("/api/events"), Map.of("Last-Event-ID", idBeforeRestart),
                    e -> keep(e, tag, resumed, resumed))) {
                await().atMost(WAIT).until(() -> resumed.size() >= seen.size() - before);
            }
            assertThat(resumed).as("no reset, no gap").allMatch(e -> e.name().equals("datagram"));
            assertThat(resumed.subList(0, seen.size() - before).stream().map(SseClient.Event::id).toList())
                    .as("what followed the id before the restart").isEqualTo(ids.subList(before, ids.size()));
        }
        assertThat(other).as("reset or gap events").isEmpty();
    }

    @Test
    @Order(5)
    void shouldGoDownCountDropsAndRecoverByItselfWhenRedisRestartsUnderTraffic() throws Exception {
        String tag = "outage " + UUID.randomUUID();
        long pid = receiver.pid();
        List<SseClient.Event> seen = new CopyOnWriteArrayList<>();
        try (SseClient client = SseClient.open(b.resolve("/api/events"), Map.of(), e -> keep(e, tag, seen))) {
            CompletableFuture<Void> burst = burst(tag, 200, 3000); // 15 s
            await().atMost(WAIT).until(() -> seen.size() >= 100);
            redis.stop();

            await().atMost(WAIT).until(() -> ready(r) == 503);
            JsonObject down = health(r);
            assertThat(down.encode()).contains("Redis");
            await().atMost(WAIT).until(() -> stats(r).getJsonObject("transport").getLong("dropped") > MAX_PENDING);
            assertBoundedQueue(stats(r));
            assertBoundedQueue(stats(r));

            redis.start();
            await().atMost(WAIT).until(() -> ready(r) == 200 && ready(b) == 200);
            int afterRecovery = seen.size();
            await("events flow again to the replica's client").atMost(WAIT).until(() -> seen.size() > afterRecovery + 50);
            burst.get(30, TimeUnit.SECONDS);
        }
        JsonObject stats = stats(r);
        long dropped = stats.getJsonObject("transport").getLong("dropped");
        System.out.printf("Redis outage: %d events dropped on the receiving gateway, transport %s%n", dropped,
                stats.getJsonObject("transport"));
        assertThat(dropped).isGreaterThan(MAX_PENDING);
        assertBoundedQueue(stats);
        assertThat(metric(r, "mcast_transport_dropped_total")).isEqualTo(dropped);
        assertThat(receiver.pid()).as("the same process").isEqualTo(pid);
        assertThat(receiver.isAlive()).isTrue();
    }

    @Test
    @Order(6)
    void shouldResumeFromRedisOnAReplicaThatStartedLaterWithAGapWhenTrimmedAndAResetForAnotherStream()
            throws Exception {
        String tag = "late replica " + UUID.randomUUID();
        List<SseClient.Event> seen = new CopyOnWriteArrayList<>();
        try (SseClient client = SseClient.open(b.resolve("/api/events"), Map.of(), e -> keep(e, tag, seen))) {
            burst(tag, 200, 300).get(30, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> seen.size() == 300);
        }
        // a replica started after the burst holds none of it in memory: it replays from Redis
        replicaA = gateway("replica-a-2", a, Map.of("MCAST_RECEIVER_ENABLED", "false", "MCAST_PUBLISH_TOKEN", TOKEN));
        awaitReady(a);
        List<String> ids = seen.stream().map(SseClient.Event::id).toList();
        List<SseClient.Event> resumed = resume(a, ids.get(100), 199);
        assertThat(resumed.stream().map(SseClient.Event::id).toList()).as("no gap, no reset, no duplicate")
                .isEqualTo(ids.subList(101, 300));

        // an id from before Redis was restarted empty (test 5), nothing trimmed since: not of
        // this stream
        List<SseClient.Event> foreign = resume(a, firstId, 1);
        assertThat(foreign.get(0).name()).isEqualTo("reset");

        // trimmed past the id: a gap, then what is left
        redis.cli("XTRIM", "mcast:events", "MAXLEN", "100");
        List<SseClient.Event> afterTrim = resume(a, ids.get(100), 101);
        assertThat(afterTrim.get(0).name()).isEqualTo("gap");
        assertThat(afterTrim.get(0).json().getString("reason")).isEqualTo("replay");
        assertThat(afterTrim.subList(1, 101).stream().map(SseClient.Event::id).toList()).isEqualTo(ids.subList(200, 300));

        // an entry some other program wrote is skipped; the stream goes on after it
        String text = "after a foreign entry " + UUID.randomUUID();
        try (SseClient client = SseClient.open(a.resolve("/api/events")); var socket = Multicast.sender()) {
            redis.cli("XADD", "mcast:events", "*", "c", "default", "d", "not json");
            Multicast.sendTo(socket, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), GROUP, PORT);
            await().atMost(WAIT).until(() -> client.datagramsWithText(text).size() == 1);
            assertThat(client.events("datagram")).hasSize(1);
        }
    }

    @Test
    @Order(7)
    void shouldSkipAndCountAnEntryThatWouldInjectEventsOnEveryReplica() throws Exception {
        List<URI> gateways = List.of(r, a, b);
        List<Long> skippedBefore = new ArrayList<>();
        for (URI g : gateways) {
            skippedBefore.add(stats(g).getJsonObject("transport").getLong("skipped"));
        }
        String marker = "after the bad entries " + UUID.randomUUID();
        List<SseClient> clients = new ArrayList<>();
        try (var socket = Multicast.sender()) {
            for (URI g : gateways) {
                clients.add(SseClient.open(g.resolve("/api/events")));
            }
            // whoever can write to Redis: a d that ends the data line and adds an event with an id of its own
            redis.cli("XADD", "mcast:events", "*", "c", "default", "d",
                    "{\"text\":\"forged\"}\n\nid: 9999999999999-0\nevent: datagram\ndata: {\"text\":\"injected\"}");
            redis.cli("XADD", "mcast:events", "*", "c", "default\nevent: x", "d", "{\"text\":\"forged channel\"}");
            Multicast.sendTo(socket, marker.getBytes(java.nio.charset.StandardCharsets.UTF_8), GROUP, PORT);
            for (SseClient client : clients) {
                await().atMost(WAIT).until(() -> client.datagramsWithText(marker).size() == 1);
                assertThat(client.events()).as("no forged event, no forged id").noneMatch(e -> e.data().contains("forged")
                        || e.data().contains("injected") || "9999999999999-0".equals(e.id()));
            }
        } finally {
            clients.forEach(SseClient::close);
        }
        for (int i = 0; i < gateways.size(); i++) {
            long before = skippedBefore.get(i);
            URI g = gateways.get(i);
            await().atMost(WAIT).until(() -> stats(g).getJsonObject("transport").getLong("skipped") >= before + 2);
        }
        assertThat(metric(a, "mcast_transport_skipped_total")).isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(8)
    void shouldNeverSendARelayedEntryThatIsUnsignedForgedOrReplayed() throws Exception {
        try (java.net.MulticastSocket joined = Multicast.joinedReceiver(PORT)) {
            long refusedBefore = stats(r).getJsonObject("transport").getLong("refusedSends");

            // a signed one goes out (published on replica A, relayed by the receiver)
            String signed = "signed relay " + UUID.randomUUID();
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(a.resolve("/api/channels/default/messages"))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString(signed)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(Multicast.receiveMatching(joined, signed.getBytes(java.nio.charset.StandardCharsets.UTF_8), 10_000))
                    .as("the signed relay reached the group").isNotNull();

            // the same entry added again (a replay), one without signature, one with a made-up one
            List<String> entry = redis.cli("XREVRANGE", "mcast:events:sends", "+", "-", "COUNT", "1").lines().toList();
            assertThat(entry).as("the signed entry's fields").contains("t", "h");
            List<String> fields = new ArrayList<>(List.of("XADD", "mcast:events:sends", "*"));
            fields.addAll(entry.subList(1, entry.size()));
            redis.cli(fields.toArray(String[]::new));
            String unsigned = "unsigned relay " + UUID.randomUUID();
            redis.cli("XADD", "mcast:events:sends", "*", "c", "default", "p", unsigned);
            String forged = "forged relay " + UUID.randomUUID();
            redis.cli("XADD", "mcast:events:sends", "*", "c", "default", "p", forged, "t",
                    String.valueOf(System.currentTimeMillis()), "h", "00".repeat(32));

            await().atMost(WAIT).until(() -> stats(r).getJsonObject("transport").getLong("refusedSends") >= refusedBefore + 3);
            for (String text : List.of(unsigned, forged, signed)) {
                assertThat(Multicast.receiveMatching(joined, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), 1000))
                        .as("%s reached the group", text).isNull();
            }
        }
    }

    @Test
    @Order(9)
    void shouldAnswerAnIdThatCannotBeOfThisStreamWithAResetWithoutReadingRedis() throws Exception {
        long before = xrangeCalls();
        for (String id : List.of("not-an-id", "abc", "99999999999999-0", "1-" + "9".repeat(30))) {
            List<SseClient.Event> events = resume(a, id, 1);
            assertThat(events.get(0).name()).as(id).isEqualTo("reset");
        }
        assertThat(xrangeCalls()).as("XRANGE calls").isEqualTo(before);
    }

    private long xrangeCalls() {
        return redis.cli("INFO", "commandstats").lines().filter(l -> l.startsWith("cmdstat_xrange:")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll(".*calls=(\\d+).*", "$1"))).orElse(0L);
    }

    /** The first {@code count} events (datagram, gap or reset) a client resuming after {@code id} gets. */
    private static List<SseClient.Event> resume(URI gateway, String id, int count) {
        List<SseClient.Event> events = new CopyOnWriteArrayList<>();
        try (SseClient client = SseClient.open(gateway.resolve("/api/events"), Map.of("Last-Event-ID", id), events::add)) {
            await().atMost(WAIT).until(() -> events.size() >= count);
        }
        return events;
    }

    /** What the receiver got and did not append, drop or leave to a standby is waiting: at most max-pending. */
    private static void assertBoundedQueue(JsonObject stats) {
        JsonObject t = stats.getJsonObject("transport");
        long waiting = stats.getLong("received") - t.getLong("appended") - t.getLong("dropped") - t.getLong("standby");
        assertThat(waiting).as("events waiting for Redis (%s)", stats).isBetween(0L, (long) MAX_PENDING);
    }

    private CompletableFuture<Void> burst(String tag, int rate, int count) {
        return CompletableFuture.runAsync(() -> {
            try {
                SeqSender.send(GROUP, PORT, "lo", "127.0.0.1", rate, count, tag);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void keep(SseClient.Event e, String tag, List<SseClient.Event> datagrams) {
        keep(e, tag, datagrams, datagrams);
    }

    private static void keep(SseClient.Event e, String tag, List<SseClient.Event> datagrams, List<SseClient.Event> other) {
        if (e.name().equals("datagram")) {
            if (e.data().contains(tag)) {
                datagrams.add(e);
            }
        } else {
            other.add(e);
        }
    }

    private static long seq(SseClient.Event e) {
        return e.json().getLong("seq");
    }

    private static List<Long> range(long from, long to) {
        List<Long> all = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            all.add(i);
        }
        return all;
    }

    private static void awaitReady(URI gateway) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> ready(gateway) == 200);
    }

    private static int ready(URI gateway) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(gateway.resolve("/q/health/ready")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static JsonObject health(URI gateway) throws Exception {
        return new JsonObject(HTTP.send(HttpRequest.newBuilder(gateway.resolve("/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private static JsonObject stats(URI gateway) throws Exception {
        return new JsonObject(HTTP.send(HttpRequest.newBuilder(gateway.resolve("/api/stats")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private static long metric(URI gateway, String name) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(gateway.resolve("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " ")).findFirst()
                .map(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .orElseThrow(() -> new AssertionError(name + " not in the metrics"));
    }

    /** Redis ids as comparable pairs. */
    record StreamIds(long ms, long seq) implements Comparable<StreamIds> {
        static StreamIds parse(String id) {
            int dash = id.indexOf('-');
            return new StreamIds(Long.parseLong(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1)));
        }

        @Override
        public int compareTo(StreamIds o) {
            return ms != o.ms ? Long.compare(ms, o.ms) : Long.compare(seq, o.seq);
        }
    }
}
