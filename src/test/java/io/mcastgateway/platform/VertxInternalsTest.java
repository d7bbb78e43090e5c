package io.mcastgateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;

/**
 * Every reach into Vert.x and Netty internals, on a real Vert.x: when an upgrade moves one, this test
 * names it (the receive path, the SSE writer and the hub would otherwise fall back silently, slower, or
 * fail far from the cause).
 */
class VertxInternalsTest {

    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldFindTheEventLoopOfAContextAndSetTimersOnIt() throws Exception {
        Context context = vertx.getOrCreateContext();
        EventLoop loop = VertxInternals.eventLoop(context);
        assertThat(loop).as("ContextInternal.nettyEventLoop() (Vert.x moved it)").isNotNull();

        CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
        CompletableFuture<Context> timerContext = new CompletableFuture<>();
        context.runOnContext(v -> onLoop.complete(loop.inEventLoop()));
        vertx.executeBlocking(() -> VertxInternals.setPeriodic(context, 1, id -> {
            vertx.cancelTimer(id);
            timerContext.complete(Vertx.currentContext());
        }));
        assertThat(onLoop.get(5, TimeUnit.SECONDS)).as("the context runs on the loop found for it").isTrue();
        assertThat(timerContext.get(5, TimeUnit.SECONDS)).as("ContextInternal.setPeriodic runs on the given context")
                .isSameAs(context);
    }

    @Test
    void shouldCreateAnEventLoopContextOfItsOwnWhicheverThreadAsks() throws Exception {
        Context sticky = vertx.getOrCreateContext(); // this thread's, kept by Vert.x
        Context first = VertxInternals.newEventLoopContext(vertx);
        Context second = VertxInternals.newEventLoopContext(vertx);

        assertThat(first).as("VertxInternal.createEventLoopContext() (Vert.x moved it)").isNotNull();
        assertThat(first.isEventLoopContext()).isTrue();
        assertThat(first).isNotSameAs(second).isNotSameAs(sticky);
        CompletableFuture<Context> ran = new CompletableFuture<>();
        first.runOnContext(v -> ran.complete(Vertx.currentContext()));
        assertThat(ran.get(5, TimeUnit.SECONDS)).isSameAs(first);

        Context beside = VertxInternals.newEventLoopContext(vertx, second);
        assertThat(beside).as("VertxInternal.createEventLoopContext(EventLoop, ...) (Vert.x moved it)").isNotSameAs(second);
        assertThat(VertxInternals.eventLoop(beside)).as("on the same loop").isSameAs(VertxInternals.eventLoop(second));
    }

    @Test
    void shouldReachTheSocketBelowVertxHttpEncoder() throws Exception {
        CompletableFuture<String> found = new CompletableFuture<>();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            try {
                Channel channel = VertxInternals.channel(request.connection());
                assertThat(channel).as("ConnectionBase.channel() (Vert.x moved it)").isNotNull();
                ChannelHandlerContext encoder = VertxInternals.plainHttpEncoder(channel);
                assertThat(encoder).as("Vert.x's pipeline handler 'httpEncoder' (renamed?): %s", channel.pipeline().names())
                        .isNotNull();
                assertThat(VertxInternals.onlySocketBelow(channel, encoder)).as("only inbound handlers below the encoder")
                        .isTrue();
                assertThat(VertxInternals.socketsReachable()).as("Netty's AbstractNioChannel.javaChannel() (moved?)").isTrue();
                assertThat(VertxInternals.socket(channel)).as("the JDK socket of the connection").isInstanceOf(SocketChannel.class);
                assertThat(VertxInternals.pendingWriteBytes(channel)).as("Netty's outbound buffer of an idle connection")
                        .isZero();
                found.complete("ok");
            } catch (Throwable e) {
                found.completeExceptionally(e);
            }
            request.response().end();
        });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        HttpClient client = vertx.createHttpClient();
        try {
            client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
                    .compose(r -> r.send().compose(resp -> resp.body()))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(found.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        } finally {
            client.close();
            server.close();
        }
    }

    @Test
    void shouldReachTheNettyChannelOfADatagramSocket() {
        DatagramSocket socket = vertx.createDatagramSocket();
        try {
            DatagramChannel channel = VertxInternals.channel(socket);
            assertThat((Object) channel).as("the field 'channel' of Vert.x's DatagramSocketImpl").isNotNull();
            assertThat((Object) channel.config().getRecvByteBufAllocator()).isNotNull();
        } finally {
            socket.close();
        }
    }

    @Test
    void shouldFindTheKernelsInodeOfABoundDatagramSocket() throws Exception {
        DatagramSocket socket = vertx.createDatagramSocket();
        try {
            socket.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            long inode = VertxInternals.socketInode(socket);
            assertThat(inode).as("the JDK channel's fdVal and /proc/self/fd").isPositive();
            int port = socket.localAddress().port();
            String local = String.format("0100007F:%04X", port);
            boolean listed = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/udp")).stream()
                    .map(l -> l.trim().split("\\s+"))
                    .anyMatch(f -> f.length > 12 && f[1].equals(local) && f[9].equals(Long.toString(inode)));
            assertThat(listed).as("/proc/net/udp lists 127.0.0.1:" + port + " with inode " + inode).isTrue();
        } finally {
            socket.close();
        }
    }

    /**
     * KernelWatch reads a receiver's socket on a worker while the receiver may close it (a failed
     * attempt, stop). A closed socket's fd number is free for the next socket the process opens; its
     * inode must not be taken for the closed socket's (the drops of another channel's socket would be
     * added to this channel's count, for good).
     */
    @Test
    void shouldNotAnswerTheInodeOfTheSocketThatReusedAClosedSocketsFd() throws Exception {
        DatagramSocket socket = vertx.createDatagramSocket();
        socket.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        long before = VertxInternals.socketInode(socket);
        assertThat(before).isPositive();
        socket.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        // the JDK releases the fd of a channel registered with a selector at the selector's next turn
        Thread.sleep(300);
        List<java.nio.channels.DatagramChannel> others = new ArrayList<>();
        try {
            // the next sockets of the process: the lowest free fd, the closed one's among them
            for (int i = 0; i < 4; i++) {
                java.nio.channels.DatagramChannel other = java.nio.channels.DatagramChannel.open();
                other.bind(new InetSocketAddress("127.0.0.1", 0));
                others.add(other);
            }
            long after = VertxInternals.socketInode(socket);
            assertThat(after).as("the inode read for a closed socket (it had " + before + ")").isEqualTo(-1);
        } finally {
            for (java.nio.channels.DatagramChannel other : others) {
                other.close();
            }
        }
    }

    @Test
    void shouldSeeWhichEventBusAddressesHaveConsumers() throws Exception {
        Map<?, ?> consumers = VertxInternals.consumers(vertx.eventBus());
        assertThat(consumers).as("the event bus's field 'handlerMap' (Vert.x moved it)").isNotNull();
        assertThat(consumers.containsKey("internals.test")).isFalse();
        MessageConsumer<Object> consumer = vertx.eventBus().consumer("internals.test", m -> {
        });
        Promise<Void> registered = Promise.promise();
        consumer.completionHandler(registered);
        registered.future().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(consumers.containsKey("internals.test")).as("a registered consumer is in the map").isTrue();
        consumer.unregister().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(consumers.containsKey("internals.test")).as("an unregistered consumer has left the map").isFalse();
    }
}
