package io.mcastgateway.multicast;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;

/**
 * The receiving socket of one channel: bound (to the group address unless {@code mcast.bind=any}),
 * joined on the channel's interface, read with {@link ReadAllocatorTuning}. When binding or joining
 * fails (the port is taken, the interface is not ready yet), the socket is closed and the attempt
 * repeated every {@code retryInterval} until it succeeds or the receiver is stopped.
 */
public final class GroupReceiver {

    private static final Logger LOG = Logger.getLogger(GroupReceiver.class);

    public enum State {
        STARTING, JOINED, FAILED, CLOSED
    }

    private static final long ERROR_LOG_PERIOD_MS = 10_000;

    private final Vertx vertx;
    private final ChannelSpec channel;
    private final DatagramSocketOptions options;
    private final Duration retryInterval;
    private final ChannelTraffic traffic;
    private Handler<DatagramPacket> handler;
    private volatile DatagramSocket socket;
    private volatile State state = State.STARTING;
    private volatile String failure;
    private volatile long retryTimer = -1;
    private int attempts;
    private long lastErrorLoggedAt;
    private long errorsNotLogged;

    GroupReceiver(Vertx vertx, ChannelSpec channel, int receiveBufferSize, Duration retryInterval,
            ChannelTraffic traffic) {
        this.vertx = vertx;
        this.channel = channel;
        this.retryInterval = retryInterval;
        this.traffic = traffic;
        this.options = new DatagramSocketOptions()
                .setIpV6(channel.ipv6())
                .setReuseAddress(true) // other receivers of the group on this host (mcjoin, socat) may bind it too
                .setReceiveBufferSize(receiveBufferSize);
    }

    /** Binds and joins; the returned future (of the first attempt) fails with a message that says why. */
    Future<Void> start(Handler<DatagramPacket> handler) {
        this.handler = handler;
        return attempt();
    }

    private Future<Void> attempt() {
        attempts++;
        DatagramSocket s = vertx.createDatagramSocket(options);
        ReadAllocatorTuning.apply(s);
        socket = s;
        s.handler(handler);
        s.exceptionHandler(this::receiveError);
        return s.listen(channel.port(), channel.bindAddress())
                .recover(e -> Future.failedFuture("cannot bind " + channel.bindAddress() + ":" + channel.port()
                        + ": " + e.getMessage()))
                .compose(bound -> bound.listenMulticastGroup(channel.groupText(), channel.interfaceName(), null)
                        .recover(e -> Future.failedFuture("cannot join " + channel.groupText() + " on "
                                + channel.interfaceName() + ": " + e.getMessage())))
                .onSuccess(v -> joined(s))
                .onFailure(e -> failed(s, e.getMessage()));
    }

    /** Counts every error the socket reports and logs at most one line per {@link #ERROR_LOG_PERIOD_MS}. */
    private void receiveError(Throwable e) {
        traffic.addReceiveError();
        long now = System.currentTimeMillis();
        if (now - lastErrorLoggedAt < ERROR_LOG_PERIOD_MS) {
            errorsNotLogged++;
            return;
        }
        LOG.warnf("Receive error on channel %s: %s%s", channel, e,
                errorsNotLogged > 0 ? " (" + errorsNotLogged + " more since the last line)" : "");
        lastErrorLoggedAt = now;
        errorsNotLogged = 0;
    }

    private void joined(DatagramSocket s) {
        if (state == State.CLOSED) {
            s.close(); // stopped meanwhile
            return;
        }
        if (attempts > 1) {
            LOG.infof("Joined %s after %d attempts", channel, attempts);
        }
        failure = null;
        state = State.JOINED;
    }

    private void failed(DatagramSocket s, String reason) {
        s.close();
        if (state == State.CLOSED) {
            return;
        }
        if (attempts > 1 && !reason.equals(failure)) {
            LOG.warnf("Receiver of channel %s is still not joined: %s", channel, reason);
        }
        failure = reason;
        state = State.FAILED;
        retryTimer = vertx.setTimer(retryInterval.toMillis(), id -> {
            if (state != State.CLOSED) {
                attempt();
            }
        });
    }

    /** Stops retrying, leaves the group and closes the socket; waits at most {@code timeout}. */
    void stop(Duration timeout) {
        State was = state;
        state = State.CLOSED;
        if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
        }
        DatagramSocket s = socket;
        if (s == null) {
            return;
        }
        Future<Void> leave = was == State.JOINED
                ? s.unlistenMulticastGroup(channel.groupText(), channel.interfaceName(), null)
                        .onSuccess(v -> LOG.infof("Left %s", channel))
                        .onFailure(e -> LOG.warnf("Leaving %s failed: %s", channel, e.getMessage()))
                        .otherwiseEmpty()
                : Future.succeededFuture();
        try {
            leave.compose(v -> s.close()).toCompletionStage().toCompletableFuture()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            s.close();
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

    /** The socket of the latest attempt. */
    public DatagramSocket socket() {
        return socket;
    }

    public Duration retryInterval() {
        return retryInterval;
    }
}
