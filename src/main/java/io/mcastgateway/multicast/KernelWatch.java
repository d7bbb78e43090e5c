package io.mcastgateway.multicast;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.config.Channels;
import io.mcastgateway.config.GatewayConfig;
import io.mcastgateway.platform.VertxInternals;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocket;

/**
 * The kernel's view of each receiving socket, read every {@code mcast.receiver.kernel-check-interval}
 * on a worker (never on an event loop): the datagrams the kernel dropped because the socket's buffer
 * was full (its {@code drops} in {@code /proc/net/udp}, found by the socket's inode), the receive
 * buffer the kernel granted, and the host's {@code RcvbufErrors}. A socket made anew (after a failed
 * attempt) starts at 0 in the kernel; the channel's count goes on from where the old one ended. Where
 * {@code /proc} is not Linux's the figures are unknown, never 0. Drops that rise are logged, at most
 * once a minute per channel, with what to change.
 */
@ApplicationScoped
public class KernelWatch {

    private static final Logger LOG = Logger.getLogger(KernelWatch.class);
    /** Drops within this long make a channel "dropping". */
    static final long RISING_MILLIS = 60_000;

    /**
     * What the kernel says of a channel's socket.
     *
     * @param status ok, or unknown (then reason says why and the figures are null)
     * @param drops datagrams the kernel dropped for the channel's sockets since the gateway started
     * @param dropsRising whether drops rose within the last minute
     * @param lastDropAt when a rise was last seen
     * @param receiveBufferRequested the receive buffer asked for (mcast.receiver.receive-buffer-size)
     * @param receiveBufferGranted what the kernel granted (capped by net.core.rmem_max)
     * @param hostRcvbufErrors the host's UDP receive-buffer errors (IPv4 and IPv6, every socket)
     * @param readAt when the counters were read
     */
    public record KernelView(String status, String reason, Long drops, boolean dropsRising, Instant lastDropAt,
            int receiveBufferRequested, Integer receiveBufferGranted, Long hostRcvbufErrors, Instant readAt) {
    }

    /** One channel's figures; written by the reading worker, read by the API and metrics. */
    static final class ChannelKernel {
        private String reason = "not read yet";
        private long inode = -1;
        private long socketDrops;
        private long base;
        private long total = -1;
        private long lastDropAt;
        private long lastLoggedAt;
        private long loggedTotal;
        private int granted = -1;
        private long readAt;

        synchronized void unknown(String why, long now) {
            reason = why;
            readAt = now;
        }

        /** The socket's drops as the kernel counts them now; returns the rise since the last read. */
        synchronized long read(long socketInode, long drops, int grantedBytes, long now) {
            if (socketInode != inode) {
                base += socketDrops; // a new socket counts from 0
                inode = socketInode;
                socketDrops = 0;
            }
            long before = total;
            socketDrops = drops;
            total = base + drops;
            granted = grantedBytes;
            reason = null;
            readAt = now;
            long rise = before < 0 ? total : total - before;
            if (rise > 0) {
                lastDropAt = now;
            }
            return rise;
        }

        synchronized boolean mayLog(long now) {
            if (now - lastLoggedAt < RISING_MILLIS) {
                return false;
            }
            lastLoggedAt = now;
            return true;
        }

        synchronized long sinceLogged() {
            long n = total - loggedTotal;
            loggedTotal = total;
            return n;
        }

        synchronized KernelView view(int requested, long hostErrors, long now) {
            if (reason != null) {
                return new KernelView("unknown", reason, null, false, null, requested, null, null,
                        readAt == 0 ? null : Instant.ofEpochMilli(readAt));
            }
            return new KernelView("ok", null, total, lastDropAt != 0 && now - lastDropAt <= RISING_MILLIS,
                    lastDropAt == 0 ? null : Instant.ofEpochMilli(lastDropAt), requested, granted < 0 ? null : granted,
                    hostErrors < 0 ? null : hostErrors, Instant.ofEpochMilli(readAt));
        }

        /** The drops so far, or NaN while unknown (metrics). */
        synchronized double drops() {
            return reason != null || total < 0 ? Double.NaN : total;
        }

        synchronized double granted() {
            return reason != null || granted < 0 ? Double.NaN : granted;
        }
    }

    private final Vertx vertx;
    private final MulticastReceiver receiver;
    private final GatewayConfig config;
    private final ProcNet proc = ProcNet.system();
    private final Map<String, ChannelKernel> byChannel = new LinkedHashMap<>();
    /** Sockets joined for players ({@link MulticastReceiver#onDemand}), while they are open. */
    private final Map<GroupReceiver, ChannelKernel> onDemand = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long hostRcvbufErrors = -1;
    private volatile boolean reading;
    private long timer = -1;

    public KernelWatch(Vertx vertx, MulticastReceiver receiver, Channels channels, GatewayConfig config) {
        this.vertx = vertx;
        this.receiver = receiver;
        this.config = config;
        for (ChannelSpec c : channels.all()) {
            if (c.receive()) {
                byChannel.put(c.name(), new ChannelKernel());
            }
        }
    }

    void start(@Observes StartupEvent event) {
        // also without a receiving channel: groups joined for players are read too (nothing is read while there
        // is no socket to read for)
        String missing = proc.unavailable();
        if (missing != null) {
            LOG.infof("The kernel's receive drops can't be shown: %s", missing);
        }
        timer = vertx.setPeriodic(config.receiver().kernelCheckInterval().toMillis(), id -> {
            if (reading) {
                return;
            }
            reading = true;
            vertx.executeBlocking(() -> {
                read();
                return null;
            }, false).onComplete(ar -> {
                reading = false;
                if (ar.failed()) {
                    LOG.debugf("Reading the kernel's UDP counters failed: %s", ar.cause().toString());
                }
            });
        });
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /** A receiving socket as one read found it: its channel's figures, and its inode; {@code label} names it in logs. */
    private record Found(String label, ChannelKernel kernel, DatagramSocket socket, long inode) {
    }

    /** From now on the kernel's figures of a socket joined for players are read, until {@link #unwatch}. */
    public void watch(GroupReceiver receiver) {
        onDemand.put(receiver, new ChannelKernel());
    }

    public void unwatch(GroupReceiver receiver) {
        onDemand.remove(receiver);
    }

    /** The kernel's figures of a socket joined for players, or null when it is not watched. */
    public KernelView view(GroupReceiver receiver) {
        ChannelKernel k = onDemand.get(receiver);
        return k == null ? null : k.view(config.receiver().receiveBufferSize(), hostRcvbufErrors,
                System.currentTimeMillis());
    }

    /** Reads the counters of every receiving socket now (blocking; on a worker). */
    void read() throws java.io.IOException {
        long now = System.currentTimeMillis();
        String missing = proc.unavailable();
        Map<GroupReceiver, ChannelKernel> watched = new LinkedHashMap<>();
        for (GroupReceiver r : receiver.receivers()) {
            ChannelKernel k = byChannel.get(r.channel().name());
            if (k != null) {
                watched.put(r, k);
            }
        }
        watched.putAll(onDemand);
        if (watched.isEmpty()) {
            return;
        }
        if (missing != null) {
            watched.values().forEach(k -> k.unknown(missing, now));
            return;
        }
        List<Found> sockets = new ArrayList<>();
        for (Map.Entry<GroupReceiver, ChannelKernel> w : watched.entrySet()) {
            GroupReceiver r = w.getKey();
            ChannelKernel k = w.getValue();
            DatagramSocket socket = r.socket();
            if (socket == null) {
                k.unknown("no socket: the channel is " + r.state().name().toLowerCase(), now);
                continue;
            }
            long inode = VertxInternals.socketInode(socket);
            if (inode < 0) {
                k.unknown("the socket's inode could not be read (not Linux, or the JDK's socket moved)", now);
                continue;
            }
            boolean channel = byChannel.get(r.channel().name()) == k;
            sockets.add(new Found(channel ? "Channel " + r.channel().name() : "Players' group " + r.channel().endpoint()
                    + (r.channel().sourceSpecific() ? " from " + r.channel().sourceText() : ""), k, socket, inode));
        }
        Set<Long> wanted = new HashSet<>();
        sockets.forEach(s -> wanted.add(s.inode()));
        Map<Long, Long> drops = proc.drops(wanted);
        hostRcvbufErrors = proc.rcvbufErrors();
        for (Found s : sockets) {
            ChannelKernel k = s.kernel();
            Long d = drops.get(s.inode());
            if (d == null) {
                k.unknown("socket inode " + s.inode() + " is not in /proc/net/udp (closed meanwhile)", now);
                continue;
            }
            int granted = -1;
            try {
                // the JDK answers what the kernel granted (on Linux, getsockopt's doubled figure halved)
                granted = ReadAllocatorTuning.channel(s.socket()).config().getReceiveBufferSize();
            } catch (RuntimeException ignored) {
                // closed meanwhile: granted stays unknown
            }
            long rise = k.read(s.inode(), d, granted, now);
            if (rise > 0 && k.mayLog(now)) {
                LOG.warnf("%s: the kernel dropped %d datagrams for its socket (drops in /proc/net/udp): the"
                        + " receiver did not read fast enough. Raise net.core.rmem_max (sysctl) and"
                        + " mcast.receiver.receive-buffer-size (now %d bytes asked, %s granted)", s.label(),
                        k.sinceLogged(), config.receiver().receiveBufferSize(), granted < 0 ? "?" : granted);
            }
        }
    }

    /** The channel's kernel figures, or null when it does not receive. */
    public KernelView view(String channel) {
        ChannelKernel k = byChannel.get(channel);
        return k == null ? null : k.view(config.receiver().receiveBufferSize(), hostRcvbufErrors,
                System.currentTimeMillis());
    }

    /** The channel's drops so far; NaN when unknown or not receiving (metrics). */
    public double drops(String channel) {
        ChannelKernel k = byChannel.get(channel);
        return k == null ? Double.NaN : k.drops();
    }

    /** The receive buffer granted to the channel's socket; NaN when unknown (metrics). */
    public double granted(String channel) {
        ChannelKernel k = byChannel.get(channel);
        return k == null ? Double.NaN : k.granted();
    }

    /** The host's UDP receive-buffer errors; NaN when unknown (metrics). */
    public double hostRcvbufErrors() {
        long v = hostRcvbufErrors;
        return v < 0 ? Double.NaN : v;
    }
}
