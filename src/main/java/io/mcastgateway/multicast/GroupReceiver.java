package io.mcastgateway.multicast;

import java.time.Duration;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;

/**
 * The receiving socket of one channel: bound (to the group address unless {@code mcast.bind=any}),
 * joined on the channel's interface, read with {@link ReadAllocatorTuning}.
 */
public final class GroupReceiver {

    public enum State {
        STARTING, JOINED, FAILED, CLOSED
    }

    private final ChannelSpec channel;
    private final DatagramSocket socket;
    private volatile State state = State.STARTING;
    private volatile String failure;

    GroupReceiver(Vertx vertx, ChannelSpec channel, int receiveBufferSize) {
        this.channel = channel;
        DatagramSocketOptions options = new DatagramSocketOptions()
                .setIpV6(channel.ipv6())
                .setReuseAddress(true) // other receivers of the group on this host (mcjoin, socat) may bind it too
                .setReceiveBufferSize(receiveBufferSize);
        this.socket = vertx.createDatagramSocket(options);
        ReadAllocatorTuning.apply(socket);
    }

    /** Binds and joins; the returned future fails with a message that says what went wrong. */
    Future<Void> start(Handler<DatagramPacket> handler) {
        socket.handler(handler);
        socket.exceptionHandler(e -> failure = "receive error: " + e.getMessage());
        return socket.listen(channel.port(), channel.bindAddress())
                .recover(e -> Future.failedFuture("cannot bind " + channel.bindAddress() + ":" + channel.port()
                        + ": " + e.getMessage()))
                .compose(s -> s.listenMulticastGroup(channel.groupText(), channel.interfaceName(), null)
                        .recover(e -> Future.failedFuture("cannot join " + channel.groupText() + " on "
                                + channel.interfaceName() + ": " + e.getMessage())))
                .onSuccess(v -> state = State.JOINED)
                .onFailure(e -> {
                    failure = e.getMessage();
                    state = State.FAILED;
                });
    }

    /** Leaves the group and closes the socket; waits at most {@code timeout}. */
    void stop(Duration timeout) {
        State was = state;
        state = State.CLOSED;
        Future<Void> leave = was == State.JOINED
                ? socket.unlistenMulticastGroup(channel.groupText(), channel.interfaceName(), null)
                        .otherwiseEmpty()
                : Future.succeededFuture();
        try {
            leave.compose(v -> socket.close()).toCompletionStage().toCompletableFuture()
                    .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            socket.close();
        }
    }

    public ChannelSpec channel() {
        return channel;
    }

    public State state() {
        return state;
    }

    public String failure() {
        return failure;
    }

    public DatagramSocket socket() {
        return socket;
    }
}
