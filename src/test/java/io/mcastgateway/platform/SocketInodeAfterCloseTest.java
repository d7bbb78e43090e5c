package io.mcastgateway.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocket;

/**
 * Review: KernelWatch reads a receiver's socket on a worker while the receiver may close it (a failed
 * attempt, stop). A closed socket's fd number is free for the next socket the process opens; its inode
 * must not be taken for the closed socket's (the drops of another channel's socket would be added to
 * this channel's count, for good).
 */
class SocketInodeAfterCloseTest {

    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void shouldNotAnswerTheInodeOfTheSocketThatReusedAClosedSocketsFd() throws Exception {
        DatagramSocket socket = vertx.createDatagramSocket();
        socket.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        long before = VertxInternals.socketInode(socket);
        assertThat(before).isPositive();
        socket.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        // the JDK releases the fd of a channel registered with a selector at the selector's next turn
        Thread.sleep(300);
        List<DatagramChannel> others = new ArrayList<>();
        try {
            // the next sockets of the process: the lowest free fd, the closed one's among them
            for (int i = 0; i < 4; i++) {
                DatagramChannel other = DatagramChannel.open();
                other.bind(new InetSocketAddress("127.0.0.1", 0));
                others.add(other);
            }
            long after = VertxInternals.socketInode(socket);
            assertThat(after).as("the inode read for a closed socket (it had " + before + ")").isEqualTo(-1);
        } finally {
            for (DatagramChannel other : others) {
                other.close();
            }
        }
    }
}
