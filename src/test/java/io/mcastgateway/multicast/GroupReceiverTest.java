package io.mcastgateway.multicast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mcastgateway.config.GatewayConfig.Bind;
import io.mcastgateway.multicast.GroupReceiver.State;
import io.mcastgateway.support.Multicast;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramPacket;

/**
 * The receiver's life on real sockets on lo, without the application: every failed attempt ends in
 * FAILED with its reason and a retry, and a stopped receiver keeps no socket and no timer.
 */
class GroupReceiverTest {

    private static final int PORT = 23991;
    private static final Duration RETRY = Duration.ofMillis(200);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Vertx vertx;
    private ChannelSpec channel;
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        channel = new ChannelSpec("test", InetAddress.getByName(Multicast.GROUP), PORT, Multicast.lo(), 1, Bind.GROUP);
    }

    @AfterEach
    void tearDown() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldFailWithTheReasonAndRetryWhenSettingUpTheSocketThrows() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        GroupReceiver receiver = receiver(socket -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("tuning refused");
            }
            ReadAllocatorTuning.apply(socket);
        });
        Throwable first = receiver.start(this::onDatagram).toCompletionStage().toCompletableFuture()
                .handle((v, e) -> e).get(10, TimeUnit.SECONDS);
        assertThat(first).hasMessage("cannot set up the receiving socket: tuning refused");

        await().atMost(WAIT).until(() -> receiver.state() == State.JOINED);
        assertThat(calls.get()).isEqualTo(2);
        assertThat(receiver.failure()).isNull();
        assertDelivered("after the retry");
        receiver.stop(Duration.ofSeconds(5));
    }

    @Test
    void shouldKeepNoSocketAndNoRetryOnceStoppedWhileRetrying() throws Exception {
        GroupReceiver receiver = receiver(ReadAllocatorTuning::apply);
        try (DatagramSocket holder = exclusive()) {
            receiver.start(this::onDatagram);
            await().atMost(WAIT).until(() -> receiver.state() == State.FAILED);
            assertThat(receiver.failure()).startsWith("cannot bind " + Multicast.GROUP + ":" + PORT);
            receiver.stop(Duration.ofSeconds(5));
        }
        assertThat(receiver.state()).isEqualTo(State.CLOSED);
        awaitPortFree();
        // the port is free now: a retry would take it within a few intervals, a stopped receiver never does
        for (int i = 0; i < 5; i++) {
            Thread.sleep(RETRY.toMillis());
            try (DatagramSocket probe = exclusive()) {
                assertThat(probe.isBound()).isTrue();
            }
        }
        assertThat(receiver.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void shouldLeaveTheGroupAndReleaseThePortOnStop() throws Exception {
        GroupReceiver receiver = receiver(ReadAllocatorTuning::apply);
        receiver.start(this::onDatagram).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(receiver.state()).isEqualTo(State.JOINED);
        assertDelivered("while joined");
        receiver.stop(Duration.ofSeconds(5));
        assertThat(receiver.state()).isEqualTo(State.CLOSED);
        awaitPortFree();
    }

    private GroupReceiver receiver(Consumer<io.vertx.core.datagram.DatagramSocket> tuning) {
        return new GroupReceiver(vertx, channel, 1 << 20, RETRY, new ChannelTraffic(), tuning);
    }

    private void onDatagram(DatagramPacket packet) {
        received.add(packet.data().toString(StandardCharsets.UTF_8));
    }

    private void assertDelivered(String text) {
        try (DatagramSocket sender = Multicast.sender()) {
            Multicast.sendTo(sender, text.getBytes(StandardCharsets.UTF_8), Multicast.GROUP, PORT);
            await().atMost(WAIT).until(() -> received.contains(text));
        }
    }

    /**
     * The port becomes free shortly after the socket's close completes: Java NIO releases a channel
     * that is registered with a selector at the selector's next wake-up.
     */
    private static void awaitPortFree() {
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() -> {
            try (DatagramSocket probe = exclusive()) {
                return probe.isBound();
            }
        });
    }

    /** Binds the group and port without SO_REUSEADDR: fails while any other socket holds them. */
    private static DatagramSocket exclusive() throws Exception {
        DatagramSocket socket = new DatagramSocket(null);
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(Multicast.GROUP, PORT));
        return socket;
    }
}
