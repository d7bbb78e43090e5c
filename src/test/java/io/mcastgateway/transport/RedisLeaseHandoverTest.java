package io.mcastgateway.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mcastgateway.config.GatewayConfig;
import io.mcastgateway.hub.StreamEvent;
import io.mcastgateway.it.RedisServer;
import io.mcastgateway.support.Tools;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

/**
 * The hand-over on shutdown against a real redis-server: once {@code stop()} began, an answer to a
 * renewal sent before it takes no lease back and nothing more is appended, though stop() is still
 * waiting for the batch in flight (Redis is paused for writes to hold it there); then the lease is
 * released.
 */
class RedisLeaseHandoverTest {

    private RedisServer server;
    private Vertx vertx;

    @BeforeEach
    void start() {
        Tools.require("RedisLeaseHandoverTest", RedisServer.unavailableReason());
        server = RedisServer.onLoopback("lease-handover");
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    static GatewayConfig config(Map<String, String> settings) {
        return new SmallRyeConfigBuilder().withMapping(GatewayConfig.class)
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(settings, "test", 500)).build()
                .getConfigMapping(GatewayConfig.class);
    }

    static StreamEvent event(long seq) {
        byte[] frame = ("id: x-" + seq + "\nevent: datagram\ndata: {}\n\n").getBytes(StandardCharsets.US_ASCII);
        return new StreamEvent(seq, "x", "default", "239.255.255.252", "127.0.0.1", "127.0.0.1:1", frame);
    }

    @Test
    void shouldTakeNoLeaseBackAndAppendNothingOnceStopBegan() throws Exception {
        RedisTransport transport = new RedisTransport(vertx, Redis.createClient(vertx, server.url()), server.url(),
                config(Map.of("mcast.redis.failover", "1s")), List.of("default"), channel -> null);
        transport.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.status().writing().contains("default"));

        // writes wait in Redis: the first event's batch stays in flight, and stop() waits for it
        server.cli("CLIENT", "PAUSE", "2000", "WRITE");
        transport.append(event(1));
        transport.flush();
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> transport.stop(Duration.ofSeconds(5)));
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.status().writing().isEmpty());
        assertThat(stopping).as("stop() waits for the batch in flight").isNotDone();

        // the answer to a renewal sent before stop(), arriving now (handled on the transport's context,
        // as Redis' answers are); then an event received meanwhile
        transport.leaseAnswered("default", true).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        long standby = transport.status().standby();
        transport.append(event(2));
        transport.flush();

        assertThat(transport.status().writing()).as("channels written after stop() began").isEmpty();
        assertThat(transport.status().standby()).as("the event is the next writer's").isEqualTo(standby + 1);
        stopping.get(10, TimeUnit.SECONDS);
        assertThat(server.cli("XLEN", "mcast:events").trim()).as("entries appended").isEqualTo("1");
        assertThat(server.cli("EXISTS", "mcast:events:writer:default").trim()).as("the lease, released for the next writer")
                .isEqualTo("0");
    }
}
