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

import io.mcastgateway.channel.Bind;
import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.multicast.GroupReceiver.State;
import io.mcastgateway.support.Multicast;
import io.vertx.core.Vertx;

/**
 * The receiver's life on real sockets on lo, without the application: every failed attempt ends in
 * FAILED with its reason and a retry, and a stopped receiver keeps no socket and no timer.
 */
class GroupReceiverTest {

    private static final int PORT = 23991;
    private static final Duration RETRY = Duration.ofMillis(200);
    private static final Duration CHECK = Duration.ofMillis(200);
    /** 239.255.255.252 as /proc/net/igmp writes it (little-endian hex). */
    private static final String IGMP_GROUP = "FCFFFFEF";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Vertx vertx;
    private ChannelSpec channel;
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        channel = ChannelSpec.receiving("test", InetAddress.getByName(Multicast.GROUP), PORT, "lo", Bind.GROUP);
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

    /**
     * Between two renewals nothing is lost or doubled, and the socket is the same one throughout (its
     * queue is kept). A burst is sent right after each renewal, so that it falls between two: in the
     * microseconds between a leave and its join the kernel drops what arrives for a group nobody on
     * the host has joined, which is inherent to a leave-and-join (udpxy -M alike).
     */
    @Test
    void shouldRenewTheMembershipOnTheSameSocketWithoutLosingOrDuplicatingADatagramSentBetweenRenewals()
            throws Exception {
        ChannelTraffic traffic = new ChannelTraffic();
        GroupReceiver receiver = new GroupReceiver(vertx, channel,
                new GroupReceiver.Settings(1 << 20, RETRY, Duration.ofMillis(300), CHECK), traffic);
        receiver.start(this::onDatagram).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        var socket = receiver.socket();
        int bursts = 5;
        int perBurst = 50;
        try (DatagramSocket sender = Multicast.sender()) {
            for (int b = 1; b <= bursts; b++) {
                long renewals = traffic.rejoins();
                await().atMost(WAIT).pollInterval(Duration.ofMillis(2)).until(() -> traffic.rejoins() > renewals);
                Multicast.sendNumbered(sender, Multicast.GROUP, PORT, "burst " + b + " #", perBurst, 20_000, 32);
                int expected = b * perBurst;
                await().atMost(WAIT).until(() -> received.size() >= expected);
            }
        }
        assertThat(igmpGroupsOnLo()).contains(IGMP_GROUP);
        receiver.stop(Duration.ofSeconds(5));

        assertThat(traffic.rejoins()).isGreaterThanOrEqualTo(bursts);
        assertThat(received).hasSize(bursts * perBurst).doesNotHaveDuplicates();
        assertThat(receiver.socket()).isSameAs(socket);
    }

    /** The groups the kernel lists as joined on lo ({@code /proc/net/igmp}: hex, host byte order). */
    private static List<String> igmpGroupsOnLo() throws Exception {
        List<String> groups = new java.util.ArrayList<>();
        String device = null;
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/igmp"))) {
            if (line.startsWith("\t\t")) {
                if ("lo".equals(device)) {
                    groups.add(line.trim().split("\\s+")[0]);
                }
            } else if (line.contains(":")) {
                device = line.split("\\s+")[1];
            }
        }
        return groups;
    }

    /**
     * An interface check finds the interface back while an attempt is under way (here: between the
     * socket's setup and its bind, the moment a check's answer can be handled): one socket is bound and
     * joined, and each datagram is delivered once.
     */
    @Test
    void shouldBindAndJoinOnceWhenACheckFindsTheInterfaceBackDuringAnAttempt() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<GroupReceiver> self = new java.util.concurrent.atomic.AtomicReference<>();
        List<io.vertx.core.datagram.DatagramSocket> sockets = new CopyOnWriteArrayList<>();
        GroupReceiver receiver = new GroupReceiver(vertx, channel,
                new GroupReceiver.Settings(1 << 20, RETRY, Duration.ZERO, Duration.ofHours(1)), new ChannelTraffic(),
                socket -> {
                    sockets.add(socket);
                    ReadAllocatorTuning.apply(socket);
                    if (sockets.size() == 1) { // the next check's answer, in the middle of this attempt
                        self.get().interfaceChecked(GroupReceiver.interfaceStatus("lo"));
                    }
                }, name -> up.get() ? GroupReceiver.interfaceStatus(name)
                        : new GroupReceiver.InterfaceStatus(null, false, -1, "interface " + name + " is down (test)"));
        self.set(receiver);
        Throwable first = receiver.start(this::onDatagram).toCompletionStage().toCompletableFuture()
                .handle((v, e) -> e).get(10, TimeUnit.SECONDS);
        assertThat(first).hasMessage("interface lo is down (test)");
        assertThat(receiver.state()).isEqualTo(State.WAITING);

        up.set(true);
        receiver.onContext(() -> receiver.interfaceChecked(GroupReceiver.interfaceStatus("lo")));
        await().atMost(WAIT).until(() -> receiver.state() == State.JOINED);
        assertThat(sockets).as("sockets set up").hasSize(1);

        try (DatagramSocket sender = Multicast.sender()) {
            Multicast.sendTo(sender, "once".getBytes(StandardCharsets.UTF_8), Multicast.GROUP, PORT);
            Multicast.sendTo(sender, "then this".getBytes(StandardCharsets.UTF_8), Multicast.GROUP, PORT);
            await().atMost(WAIT).until(() -> received.contains("then this"));
        }
        assertThat(received).as("each datagram once").containsOnlyOnce("once", "then this");
        receiver.stop(Duration.ofSeconds(5));
        awaitPortFree();
    }

    @Test
    void shouldWaitForAnInterfaceThatDoesNotExistAndSaySo() throws Exception {
        ChannelSpec missing = ChannelSpec.receiving("later", InetAddress.getByName(Multicast.GROUP), PORT,
                "mgwt-none0", Bind.GROUP);
        GroupReceiver receiver = new GroupReceiver(vertx, missing,
                new GroupReceiver.Settings(1 << 20, RETRY, Duration.ZERO, CHECK), new ChannelTraffic());
        Throwable first = receiver.start(this::onDatagram).toCompletionStage().toCompletableFuture()
                .handle((v, e) -> e).get(10, TimeUnit.SECONDS);

        assertThat(first).hasMessage("interface mgwt-none0 does not exist");
        assertThat(receiver.state()).isEqualTo(State.WAITING);
        assertThat(receiver.socket()).isNull();
        receiver.stop(Duration.ofSeconds(5));
        assertThat(receiver.state()).isEqualTo(State.CLOSED);
    }

    private GroupReceiver receiver(Consumer<io.vertx.core.datagram.DatagramSocket> tuning) {
        return new GroupReceiver(vertx, channel, new GroupReceiver.Settings(1 << 20, RETRY, Duration.ZERO, CHECK),
                new ChannelTraffic(), tuning);
    }

    private void onDatagram(io.netty.buffer.ByteBuf payload, java.net.InetSocketAddress sender) {
        received.add(payload.toString(StandardCharsets.UTF_8));
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
