package io.mcastgateway.multicast;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.mcastgateway.channel.ChannelSpec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;

/**
 * The receiving socket of one channel: bound (to the group address unless {@code bind=any}), joined
 * on the channel's interface (source-specific when the channel has a {@code source}), read with
 * {@link ReadAllocatorTuning}, each datagram handed to a {@link DatagramSink} by {@link DirectReceive}.
 * <ul>
 * <li>When setting up, binding or joining fails (the port is taken), the socket is closed and the
 * attempt repeated every {@code retryInterval} until it succeeds or the receiver is stopped.</li>
 * <li>The interface is checked every {@code interfaceCheckInterval} (off the event loop): missing,
 * down or without carrier, the receiver is {@link State#WAITING} (not ready, with the reason); when
 * it is back, the receiver re-joins by itself (a new socket if it never joined).</li>
 * <li>Every {@code rejoinInterval} (unless 0) it leaves and joins the group again on the same socket,
 * so that the host reports its membership anew (IGMP/MLD) and snooping switches without a querier
 * keep forwarding. The socket stays bound, so nothing queued in it is lost.</li>
 * </ul>
 * Every change of state runs on the receiver's Vert.x context, one at a time, which is also where its
 * socket delivers datagrams: a stop can't interleave with an attempt that is finishing, and no timer
 * or socket outlives it.
 */
public final class GroupReceiver {

    private static final Logger LOG = Logger.getLogger(GroupReceiver.class);

    public enum State {
        /** The first attempt has not finished. */
        STARTING,
        /** Bound and joined: datagrams flow. */
        JOINED,
        /** The interface is missing, down or has no carrier; joins when it is back. */
        WAITING,
        /** An attempt failed; retrying every retry interval. */
        FAILED,
        /** Stopped. */
        CLOSED
    }

    /** Settings of a receiver. */
    public record Settings(int receiveBufferSize, Duration retryInterval, Duration rejoinInterval,
            Duration interfaceCheckInterval) {
    }

    /**
     * Told by the silence watchdog ({@code expect-within}) when the channel turns silent and when traffic
     * is back; on the receiver's context.
     */
    public interface SilenceListener {
        /** No datagram since {@code sinceMillis} for longer than expect-within; the receiver re-joined once. */
        void silent(GroupReceiver receiver, long sinceMillis, String reason);

        /** Datagrams arrive again after {@code silentForMillis} of silence. */
        void back(GroupReceiver receiver, long silentForMillis);
    }

    private static final SilenceListener NO_LISTENER = new SilenceListener() {
        @Override
        public void silent(GroupReceiver receiver, long sinceMillis, String reason) {
        }

        @Override
        public void back(GroupReceiver receiver, long silentForMillis) {
        }
    };

    /** What the interface check saw: whether the interface exists, is usable, its index and why not. */
    record InterfaceStatus(NetworkInterface nic, boolean usable, int index, String problem) {
    }

    private static final long ERROR_LOG_PERIOD_MS = 10_000;

    private final Vertx vertx;
    private final Context context;
    private final ChannelSpec channel;
    private final DatagramSocketOptions options;
    private final Settings settings;
    private final ChannelTraffic traffic;
    private final Consumer<DatagramSocket> tuning;
    private final Function<String, InterfaceStatus> interfaces;
    private final String source;
    private DatagramSink sink;
    // written on the context only; volatile for readers elsewhere (health, metrics)
    private volatile DatagramSocket socket;
    private volatile State state = State.STARTING;
    private volatile String failure;
    private volatile long joinedAt;
    private boolean socketJoined;
    private int joinedIndex = -1;
    private long retryTimer = -1;
    private long rejoinTimer = -1;
    private long checkTimer = -1;
    private long watchTimer = -1;
    private SilenceListener silence = NO_LISTENER;
    /** The watchdog's last look: the channel's received count, and when it last changed. */
    private long watchedCount = -1;
    private long lastTrafficAt;
    /** When the channel's silence began (its last datagram), 0 while it is not silent. */
    private volatile long silentSince;
    private boolean checking;
    /** The attempt under way (binding, joining), or null: there is at most one, whatever asks for another. */
    private Future<Void> attempting;
    private int attempts;
    /** During the first attempt, whose outcome the caller of {@link #start} reports. */
    private boolean initial = true;
    private long lastErrorLoggedAt;
    private long errorsNotLogged;

    GroupReceiver(Vertx vertx, ChannelSpec channel, Settings settings, ChannelTraffic traffic) {
        this(vertx, channel, settings, traffic, ReadAllocatorTuning::apply);
    }

    GroupReceiver(Vertx vertx, ChannelSpec channel, Settings settings, ChannelTraffic traffic,
            Consumer<DatagramSocket> tuning) {
        this(vertx, channel, settings, traffic, tuning, GroupReceiver::interfaceStatus);
    }

    /** With {@code interfaces} looking an interface up by name (the system's, or a test's). */
    GroupReceiver(Vertx vertx, ChannelSpec channel, Settings settings, ChannelTraffic traffic,
            Consumer<DatagramSocket> tuning, Function<String, InterfaceStatus> interfaces) {
        // created at startup (off the event loops): the event-loop context of the starting thread
        this(vertx, vertx.getOrCreateContext(), channel, settings, traffic, tuning, interfaces);
    }

    /** On {@code context}, where its socket delivers and every change of its state runs. */
    GroupReceiver(Vertx vertx, Context context, ChannelSpec channel, Settings settings, ChannelTraffic traffic,
            Consumer<DatagramSocket> tuning, Function<String, InterfaceStatus> interfaces) {
        this.vertx = vertx;
        this.interfaces = interfaces;
        this.context = context;
        this.channel = channel;
        this.settings = settings;
        this.traffic = traffic;
        this.tuning = tuning;
        this.source = channel.sourceText();
        this.options = new DatagramSocketOptions()
                .setIpV6(channel.ipv6())
                .setReuseAddress(true) // other receivers of the group on this host (mcjoin, socat) may bind it too
                .setReceiveBufferSize(settings.receiveBufferSize());
    }

    /**
     * Binds and joins; the returned future (of the first attempt) fails with a message that says why.
     * From then on the interface is watched and the membership renewed.
     */
    public Future<Void> start(DatagramSink sink) {
        return start(sink, NO_LISTENER);
    }

    /** {@link #start(DatagramSink)}, telling {@code silence} what the watchdog sees (with expect-within set). */
    Future<Void> start(DatagramSink sink, SilenceListener silence) {
        this.sink = sink;
        this.silence = silence;
        Promise<Void> first = Promise.promise();
        context.runOnContext(v -> {
            checkTimer = vertx.setPeriodic(settings.interfaceCheckInterval().toMillis(), id -> checkInterface());
            Duration expect = channel.checks().expectWithin();
            if (expect != null) {
                lastTrafficAt = System.currentTimeMillis();
                long period = Math.max(25, Math.min(1000, expect.toMillis() / 4));
                watchTimer = vertx.setPeriodic(period, id -> watch(expect.toMillis()));
            }
            if (!settings.rejoinInterval().isZero()) {
                rejoinTimer = vertx.setPeriodic(settings.rejoinInterval().toMillis(), id -> {
                    if (state == State.JOINED) {
                        rejoin("renewing the membership");
                    }
                });
            }
            attempt().onComplete(ar -> {
                initial = false;
                first.handle(ar);
            });
        });
        return first.future();
    }

    /**
     * One attempt to set up, bind and join; runs on the context. While one is under way, asking again
     * (an interface check that finds the interface back, a retry) gets the same attempt: two would bind
     * two sockets, and every datagram would be delivered twice.
     */
    private Future<Void> attempt() {
        if (attempting != null) {
            return attempting;
        }
        Promise<Void> attempt = Promise.promise();
        attempting = attempt.future(); // before any step of it: also what the steps themselves set off sees it
        attemptNow().onComplete(ar -> { // on the context, where the attempt completes
            attempting = null;
            attempt.handle(ar);
        });
        return attempt.future();
    }

    private Future<Void> attemptNow() {
        if (state == State.CLOSED) {
            return Future.failedFuture("stopped");
        }
        attempts++;
        InterfaceStatus nic = interfaces.apply(channel.interfaceName());
        if (!nic.usable()) {
            waiting(nic.problem());
            return Future.failedFuture(nic.problem());
        }
        DatagramSocket s = null;
        try {
            s = vertx.createDatagramSocket(options); // on the context: the socket belongs to it
            tuning.accept(s);
            DirectReceive.install(s, sink);
        } catch (RuntimeException e) {
            String reason = "cannot set up the receiving socket: " + e.getMessage();
            failed(s, reason);
            return Future.failedFuture(reason);
        }
        DatagramSocket created = s;
        socket = created;
        socketJoined = false;
        created.exceptionHandler(this::receiveError);
        return created.listen(channel.port(), channel.bindAddress())
                .recover(e -> Future.failedFuture("cannot bind " + channel.bindAddress() + ":" + channel.port()
                        + ": " + e.getMessage()))
                .compose(bound -> join(bound))
                .onSuccess(v -> joined(created, nic.index()))
                .onFailure(e -> failed(created, e.getMessage()));
    }

    private Future<Void> join(DatagramSocket s) {
        return s.listenMulticastGroup(channel.groupText(), channel.interfaceName(), source)
                .recover(e -> Future.failedFuture("cannot join " + channel.groupText()
                        + (source == null ? "" : " from " + source) + " on " + channel.interfaceName() + ": "
                        + e.getMessage()));
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

    private void joined(DatagramSocket s, int index) {
        if (state == State.CLOSED) {
            s.close(); // stopped meanwhile
            return;
        }
        if (attempts > 1) {
            LOG.infof("Joined %s after %d attempts", channel, attempts);
        }
        attempts = 0; // counts the attempts of the next setup, if one is ever needed
        socketJoined = true;
        joinedIndex = index;
        joinedAt = System.currentTimeMillis();
        failure = null;
        state = State.JOINED;
    }

    /** The attempt failed: close its socket, say why, try again after the retry interval. */
    private void failed(DatagramSocket s, String reason) {
        if (s != null) {
            s.close();
            if (s == socket) {
                socket = null;
                socketJoined = false;
            }
        }
        if (state == State.CLOSED) {
            return;
        }
        if (!initial && !reason.equals(failure)) {
            LOG.warnf("Receiver of channel %s is not joined: %s; retrying every %s", channel, reason,
                    settings.retryInterval());
        }
        failure = reason;
        state = State.FAILED;
        if (retryTimer < 0) {
            retryTimer = vertx.setTimer(settings.retryInterval().toMillis(), id -> {
                retryTimer = -1;
                if (state == State.FAILED) {
                    attempt();
                }
            });
        }
    }

    /** The interface is missing, down or without carrier: not ready until it is back. */
    private void waiting(String reason) {
        if (!initial && (state != State.WAITING || !reason.equals(failure))) {
            LOG.warnf("Channel %s is waiting: %s", channel, reason);
        }
        failure = reason;
        state = State.WAITING;
    }

    /**
     * The silence watchdog, on the context a few times per expect-within: no datagram for longer than
     * that while joined, and the channel turns silent (counted, logged, told), and re-joins once, since a
     * lost membership is the usual cause; the first datagram after it ends the silence. While the
     * receiver is not joined its own state says why nothing arrives, and the watch waits for the join.
     */
    private void watch(long expectMillis) {
        long now = System.currentTimeMillis();
        long n = traffic.received();
        if (n != watchedCount) {
            watchedCount = n;
            lastTrafficAt = now;
            long since = silentSince;
            if (since != 0) {
                silentSince = 0;
                LOG.infof("Channel %s: traffic is back after %d ms of silence", channel.name(), now - since);
                silence.back(this, now - since);
            }
            return;
        }
        if (state != State.JOINED) {
            lastTrafficAt = now;
            return;
        }
        if (silentSince == 0 && now - lastTrafficAt >= expectMillis) {
            silentSince = lastTrafficAt;
            traffic.addSilence();
            String reason = "no datagram for " + Duration.ofMillis(expectMillis).toString().substring(2).toLowerCase()
                    + " (expect-within); re-joined once";
            LOG.warnf("Channel %s is silent: %s", channel, reason);
            rejoin("silent for longer than expect-within");
            silence.silent(this, silentSince, reason);
        }
    }

    /** When the channel's silence began (its last datagram); 0 while it is not silent (or not watched). */
    public long silentSince() {
        return silentSince;
    }

    /** Runs on the context every interface-check interval; the check itself runs on a worker. */
    private void checkInterface() {
        if (checking || state == State.CLOSED) {
            return;
        }
        checking = true;
        String name = channel.interfaceName();
        context.executeBlocking(() -> interfaces.apply(name), false).onComplete(ar -> {
            checking = false;
            if (ar.succeeded()) {
                interfaceChecked(ar.result());
            }
        });
    }

    /** What an interface check found; on the context. */
    void interfaceChecked(InterfaceStatus nic) {
        switch (state) {
            case JOINED -> {
                if (!nic.usable()) {
                    waiting(nic.problem());
                } else if (nic.index() != joinedIndex) {
                    // removed and created again between two checks: the old membership went with it
                    rejoin("interface " + channel.interfaceName() + " was re-created", nic);
                }
            }
            case WAITING -> {
                if (nic.usable()) {
                    if (socket != null && socketJoined) {
                        rejoin("interface " + channel.interfaceName() + " is back", nic);
                    } else {
                        LOG.infof("Interface %s is back: joining %s", channel.interfaceName(), channel);
                        attempt();
                    }
                }
            }
            default -> {
                // STARTING: the attempt decides; FAILED: the retry timer does; CLOSED: nothing
            }
        }
    }

    /**
     * Leaves and joins the group again on the same socket, back to back on the socket's event loop: the
     * socket stays bound, its queue is kept, and the host reports the membership anew. If the join
     * fails, the receiver starts over with a new socket.
     */
    private void rejoin(String why) {
        if (socket == null || state == State.CLOSED) {
            return;
        }
        // the interface is looked up on a worker (it reads /sys and asks the kernel), not on the event loop
        String name = channel.interfaceName();
        context.executeBlocking(() -> interfaces.apply(name), false).onComplete(ar -> {
            if (ar.succeeded()) {
                rejoin(why, ar.result());
            }
        });
    }

    /** {@link #rejoin(String)} with the interface's status just read; on the context. */
    private void rejoin(String why, InterfaceStatus nic) {
        DatagramSocket s = socket;
        if (s == null || state == State.CLOSED) {
            return;
        }
        if (!nic.usable()) {
            waiting(nic.problem());
            return;
        }
        // Straight on the Netty channel, with the interface resolved beforehand: the leave and the join
        // are two back-to-back system calls, so the host is without membership for microseconds only
        // (nothing that can take time, such as resolving the interface by name, goes between them).
        // A failed leave (the membership went with a removed interface) does not stop the join.
        io.netty.channel.socket.DatagramChannel netty = ReadAllocatorTuning.channel(s);
        netty.leaveGroup(channel.group(), nic.nic(), channel.source());
        netty.joinGroup(channel.group(), nic.nic(), channel.source()).addListener(f -> context.runOnContext(v -> {
            if (state == State.CLOSED || s != socket) {
                return;
            }
            if (!f.isSuccess()) {
                failed(s, "cannot join " + channel.groupText() + (source == null ? "" : " from " + source) + " on "
                        + channel.interfaceName() + " again: " + f.cause().getMessage());
                return;
            }
            traffic.addRejoin();
            boolean wasWaiting = state != State.JOINED;
            joined(s, nic.index());
            if (wasWaiting) {
                LOG.infof("Re-joined %s: %s", channel, why);
            } else {
                LOG.debugf("Re-joined %s: %s", channel, why);
            }
        }));
    }

    /** Whether the interface exists and can carry traffic: up, and not without carrier. */
    static InterfaceStatus interfaceStatus(String name) {
        try {
            NetworkInterface nic = NetworkInterface.getByName(name);
            if (nic == null) {
                return new InterfaceStatus(null, false, -1, "interface " + name + " does not exist");
            }
            if (!nic.isUp()) {
                return new InterfaceStatus(nic, false, nic.getIndex(), "interface " + name + " is down");
            }
            String operstate = operstate(name);
            if ("down".equals(operstate) || "lowerlayerdown".equals(operstate)) {
                return new InterfaceStatus(nic, false, nic.getIndex(), "interface " + name + " has no carrier (operstate "
                        + operstate + ")");
            }
            return new InterfaceStatus(nic, true, nic.getIndex(), null);
        } catch (SocketException e) {
            return new InterfaceStatus(null, false, -1, "cannot read interface " + name + ": " + e.getMessage());
        }
    }

    /** Linux' operational state of the interface (up, down, lowerlayerdown, unknown for lo), or null. */
    private static String operstate(String name) {
        try {
            return Files.readString(Path.of("/sys/class/net", name, "operstate")).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Stops retrying and watching, leaves the group and closes the socket; waits at most {@code timeout}. */
    void stop(Duration timeout) {
        try {
            close().toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            DatagramSocket s = socket;
            if (s != null) {
                s.close();
            }
        }
    }

    /**
     * Stops retrying and watching, leaves the group and closes the socket, without waiting (also from an
     * event loop); the future completes once the socket is closed.
     */
    public Future<Void> close() {
        Promise<Void> stopped = Promise.promise();
        context.runOnContext(v -> {
            state = State.CLOSED;
            for (long timer : new long[] { retryTimer, rejoinTimer, checkTimer, watchTimer }) {
                if (timer >= 0) {
                    vertx.cancelTimer(timer);
                }
            }
            retryTimer = rejoinTimer = checkTimer = watchTimer = -1;
            DatagramSocket s = socket;
            if (s == null) {
                stopped.complete();
                return;
            }
            Future<Void> leave = socketJoined
                    ? s.unlistenMulticastGroup(channel.groupText(), channel.interfaceName(), source)
                            .onSuccess(left -> LOG.infof("Left %s", channel))
                            .onFailure(e -> LOG.warnf("Leaving %s failed: %s", channel, e.getMessage()))
                            .otherwiseEmpty()
                    : Future.succeededFuture();
            leave.compose(left -> s.close()).onComplete(stopped);
        });
        return stopped.future();
    }

    /** Runs {@code task} on the receiver's context, where all its state changes. */
    void onContext(Runnable task) {
        context.runOnContext(v -> task.run());
    }

    public ChannelSpec channel() {
        return channel;
    }

    public State state() {
        return state;
    }

    /** Why the receiver is not joined (null when joined). */
    public String failure() {
        return failure;
    }

    /** When the group was last joined (epoch millis; 0 = never). */
    public long joinedAt() {
        return joinedAt;
    }

    /** The socket of the latest attempt. */
    public DatagramSocket socket() {
        return socket;
    }

    public Duration retryInterval() {
        return settings.retryInterval();
    }
}
