package io.mcastgateway.multicast;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;

/**
 * The receiving socket of one channel: bound (to the group address unless {@code mcast.bind=any}),
 * joined on the channel's interface, read with {@link ReadAllocatorTuning}. When setting up, binding
 * or joining fails (the port is taken, the interface is not ready yet), the socket is closed and the
 * attempt repeated every {@code retryInterval} until it succeeds or the receiver is stopped.
 * <p>
 * Every change of state (an attempt, its outcome, the retry timer, stopping) runs on the receiver's
 * Vert.x context, one at a time, which is also where its socket delivers datagrams: a stop can't
 * interleave with an attempt that is finishing, and no timer or socket outlives it.
 */
public final class GroupReceiver {

    private static final Logger LOG = Logger.getLogger(GroupReceiver.class);

    public enum State {
        STARTING, JOINED, FAILED, CLOSED
    }

    private static final long ERROR_LOG_PERIOD_MS = 10_000;

    private final Vertx vertx;
    private final Context context;
    private final ChannelSpec channel;
    private final DatagramSocketOptions options;
    private final Duration retryInterval;
    private final ChannelTraffic traffic;
    private final Consumer<DatagramSocket> tuning;
    private Handler<DatagramPacket> handler;
    // written on the context only; volatile for readers elsewhere (health, metrics)
    private volatile DatagramSocket socket;
    private volatile State state = State.STARTING;
    private volatile String failure;
    private long retryTimer = -1;
    private int attempts;
    private long lastErrorLoggedAt;
    private long errorsNotLogged;

    GroupReceiver(Vertx vertx, ChannelSpec channel, int receiveBufferSize, Duration retryInterval,
            ChannelTraffic traffic) {
        this(vertx, channel, receiveBufferSize, retryInterval, traffic, ReadAllocatorTuning::apply);
    }

    GroupReceiver(Vertx vertx, ChannelSpec channel, int receiveBufferSize, Duration retryInterval,
            ChannelTraffic traffic, Consumer<DatagramSocket> tuning) {
        this.vertx = vertx;
        // created at startup (off the event loops): the event-loop context of the starting thread
        this.context = vertx.getOrCreateContext();
        this.channel = channel;
        this.retryInterval = retryInterval;
        this.traffic = traffic;
        this.tuning = tuning;
        this.options = new DatagramSocketOptions()
                .setIpV6(channel.ipv6())
                .setReuseAddress(true) // other receivers of the group on this host (mcjoin, socat) may bind it too
                .setReceiveBufferSize(receiveBufferSize);
    }

    /** Binds and joins; the returned future (of the first attempt) fails with a message that says why. */
    Future<Void> start(Handler<DatagramPacket> handler) {
        this.handler = handler;
        Promise<Void> first = Promise.promise();
        context.runOnContext(v -> attempt().onComplete(first));
        return first.future();
    }

    /** One attempt to set up, bind and join; runs on the context. */
    private Future<Void> attempt() {
        if (state == State.CLOSED) {
            return Future.failedFuture("stopped");
        }
        attempts++;
        DatagramSocket s = null;
        try {
            s = vertx.createDatagramSocket(options); // on the context: the socket belongs to it
            tuning.accept(s);
        } catch (RuntimeException e) {
            String reason = "cannot set up the receiving socket: " + e.getMessage();
            failed(s, reason);
            return Future.failedFuture(reason);
        }
        DatagramSocket created = s;
        socket = created;
        created.handler(handler);
        created.exceptionHandler(this::receiveError);
        return created.listen(channel.port(), channel.bindAddress())
                .recover(e -> Future.failedFuture("cannot bind " + channel.bindAddress() + ":" + channel.port()
                        + ": " + e.getMessage()))
                .compose(bound -> bound.listenMulticastGroup(channel.groupText(), channel.interfaceName(), null)
                        .recover(e -> Future.failedFuture("cannot join " + channel.groupText() + " on "
                                + channel.interfaceName() + ": " + e.getMessage())))
                .onSuccess(v -> joined(created))
                .onFailure(e -> failed(created, e.getMessage()));
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

    /** The attempt failed: close its socket, say why, try again after the retry interval. */
    private void failed(DatagramSocket s, String reason) {
        if (s != null) {
            s.close();
        }
        if (state == State.CLOSED) {
            return;
        }
        if (attempts > 1 && !reason.equals(failure)) {
            LOG.warnf("Receiver of channel %s is still not joined: %s", channel, reason);
        }
        failure = reason;
        state = State.FAILED;
        retryTimer = vertx.setTimer(retryInterval.toMillis(), id -> {
            retryTimer = -1;
            attempt();
        });
    }

    /** Stops retrying, leaves the group and closes the socket; waits at most {@code timeout}. */
    void stop(Duration timeout) {
        Promise<Void> stopped = Promise.promise();
        context.runOnContext(v -> {
            State was = state;
            state = State.CLOSED;
            if (retryTimer >= 0) {
                vertx.cancelTimer(retryTimer);
                retryTimer = -1;
            }
            DatagramSocket s = socket;
            if (s == null) {
                stopped.complete();
                return;
            }
            Future<Void> leave = was == State.JOINED
                    ? s.unlistenMulticastGroup(channel.groupText(), channel.interfaceName(), null)
                            .onSuccess(left -> LOG.infof("Left %s", channel))
                            .onFailure(e -> LOG.warnf("Leaving %s failed: %s", channel, e.getMessage()))
                            .otherwiseEmpty()
                    : Future.succeededFuture();
            leave.compose(left -> s.close()).onComplete(stopped);
        });
        try {
            stopped.future().toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            DatagramSocket s = socket;
            if (s != null) {
                s.close();
            }
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
