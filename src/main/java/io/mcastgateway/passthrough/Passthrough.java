package io.mcastgateway.passthrough;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.mcastgateway.channel.Bind;
import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.config.Channels;
import io.mcastgateway.config.PassthroughSettings;
import io.mcastgateway.hub.Timestamps;
import io.mcastgateway.multicast.ChannelTraffic;
import io.mcastgateway.multicast.GroupReceiver;
import io.mcastgateway.multicast.KernelWatch;
import io.mcastgateway.multicast.MulticastReceiver;
import io.mcastgateway.multicast.Traffic;
import io.mcastgateway.stats.SourceRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The groups players watch, one {@link Feed} each: joined when the first client of a group comes (on
 * {@code mcast.passthrough.interface}, one socket however many clients), left when the last one has been
 * gone for {@code mcast.passthrough.linger}. A group that is a configured channel is served from the
 * channel's socket, never joined twice. At most {@code max-groups} groups joined for players (a
 * lingering one makes room for a new one) and {@code max-clients} clients in all, beyond which a request is
 * refused with 503, and {@code max-per-client} from one client address (429). Closed on shutdown (and every dev-mode reload): clients ended, groups left.
 */
@ApplicationScoped
public class Passthrough {

    private static final Logger LOG = Logger.getLogger(Passthrough.class);
    private static final long STOP_TIMEOUT_MS = 5_000;

    /** A request that a limit or the state refuses, with its HTTP status and the reason in words. */
    public static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** Told when a group gets its feed and when it is left (metrics register and remove its meters). */
    public interface Listener {
        void opened(PassthroughGroup group);

        void closed(PassthroughGroup group);
    }

    private final Vertx vertx;
    private final PassthroughSettings settings;
    private final MulticastReceiver receivers;
    private final SourceRegistry sources;
    private final Traffic traffic;
    private final KernelWatch kernel;
    /** Guarded by this. */
    private final Map<Target, Feed> feeds = new LinkedHashMap<>();
    private final AtomicInteger clients = new AtomicInteger();
    /** Clients per client address; guarded by this. */
    private final Map<String, Integer> perAddress = new java.util.HashMap<>();
    private final AtomicLong rejected = new AtomicLong();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private boolean closing;

    public Passthrough(Vertx vertx, Channels channels, MulticastReceiver receivers, SourceRegistry sources,
            Traffic traffic, KernelWatch kernel) {
        this.kernel = kernel;
        this.vertx = vertx;
        this.settings = channels.passthrough();
        this.receivers = receivers;
        this.sources = sources;
        this.traffic = traffic;
    }

    public PassthroughSettings settings() {
        return settings;
    }

    public void listen(Listener listener) {
        listeners.add(listener);
    }

    /** Clients now, over every group. */
    public int clients() {
        return clients.get();
    }

    /** Groups joined for players now (lingering ones too). */
    public synchronized int joinedGroups() {
        return (int) feeds.values().stream().filter(f -> f.receiver != null).count();
    }

    /** Requests refused for a limit since start. */
    public long rejected() {
        return rejected.get();
    }

    /**
     * A client's place in the group's feed, whose {@code joined} completes once the group is joined (at once
     * when it is already, or fails with the reason). Every feed returned is matched by one {@link #release},
     * also when the join failed. Throws {@link Refused} when a limit is reached.
     *
     * @param channel the configured channel that receives exactly this group, or null
     * @param client the client's context: a group joined for it reads on the same event loop
     */
    synchronized Feed open(Target target, ChannelSpec channel, Context client, String address) {
        if (closing) {
            throw new Refused(503, "the gateway is shutting down");
        }
        if (clients.get() >= settings.maxClients()) {
            rejected.incrementAndGet();
            throw new Refused(503, "too many players: " + settings.maxClients()
                    + " raw streams are open (mcast.passthrough.max-clients)");
        }
        if (perAddress.getOrDefault(address, 0) >= settings.maxPerClient()) {
            rejected.incrementAndGet();
            throw new Refused(429, "too many players from " + address + ": " + settings.maxPerClient()
                    + " raw streams are open (mcast.passthrough.max-per-client)");
        }
        Feed feed = feeds.get(target);
        if (feed == null) {
            feed = channel != null ? tap(target, channel) : join(target, client);
            feeds.put(target, feed);
            Feed opened = feed;
            listeners.forEach(l -> l.opened(opened));
        }
        if (feed.lingerTimer >= 0) {
            vertx.cancelTimer(feed.lingerTimer);
            feed.lingerTimer = -1;
        }
        feed.clients++;
        clients.incrementAndGet();
        perAddress.merge(address, 1, Integer::sum);
        return feed;
    }

    /** A configured channel's socket, shared: a tap beside the hub. */
    private Feed tap(Target target, ChannelSpec channel) {
        Feed feed = new Feed(target, channel, traffic.of(channel), sources.of(channel.name()), settings.reorderWindow());
        feed.untap = receivers.tap(channel.name(), feed);
        if (feed.untap == null) {
            throw new Refused(404, "channel " + channel.name() + " does not receive here (its receiver is off)");
        }
        feed.joined = Future.succeededFuture();
        return feed;
    }

    /** A socket of the group's own, joined on the passthrough interface; one lingering group gives way at the limit. */
    private Feed join(Target target, Context client) {
        if (joinedGroups() >= settings.maxGroups() && !evictLingering()) {
            rejected.incrementAndGet();
            throw new Refused(503, "too many groups: " + settings.maxGroups()
                    + " are joined for players (mcast.passthrough.max-groups)");
        }
        if (settings.interfaceName() == null) {
            throw new Refused(503, "no interface to join on: set mcast.passthrough.interface");
        }
        ChannelSpec spec = new ChannelSpec("passthrough", target.group(), target.port(), settings.interfaceName(),
                target.source(), 0, Bind.GROUP, true, ChannelSpec.Sender.off());
        ChannelTraffic counters = new ChannelTraffic();
        Feed feed = new Feed(target, null, counters, sources.unlisted(target.toString()), settings.reorderWindow());
        feed.receiver = receivers.onDemand(spec, counters, client);
        kernel.watch(feed.receiver);
        feed.joined = feed.receiver.start(feed)
                .onSuccess(v -> LOG.infof("Joined %s on %s for a player (%d groups joined for players)", target,
                        settings.interfaceName(), joinedGroups()))
                .onFailure(e -> failed(feed, e.getMessage()));
        return feed;
    }

    /** Leaves the group that has been without a client longest, if one lingers; under the lock. */
    private boolean evictLingering() {
        Feed oldest = null;
        for (Feed f : feeds.values()) {
            if (f.receiver != null && f.clients == 0 && (oldest == null || f.idleSince < oldest.idleSince)) {
                oldest = f;
            }
        }
        if (oldest == null) {
            return false;
        }
        LOG.infof("Leaving %s before its linger ended: a player asks for another group (mcast.passthrough.max-groups=%d)",
                oldest.target, settings.maxGroups());
        close(oldest);
        return true;
    }

    private synchronized void failed(Feed feed, String reason) {
        LOG.warnf("Cannot join %s for a player: %s", feed.target, reason);
        if (feeds.get(feed.target) == feed) {
            close(feed);
        }
    }

    /** A client of the feed is gone (or never got going). The group lingers when it was the last. */
    synchronized void release(Feed feed, String address) {
        feed.clients--;
        clients.decrementAndGet();
        perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        if (feed.clients > 0 || feeds.get(feed.target) != feed) {
            return;
        }
        feed.idleSince = System.currentTimeMillis();
        long linger = settings.linger().toMillis();
        if (linger == 0 || closing) {
            close(feed);
        } else {
            feed.lingerTimer = vertx.setTimer(linger, id -> lingerEnded(feed, id));
        }
    }

    private synchronized void lingerEnded(Feed feed, long timer) {
        if (feed.lingerTimer == timer && feed.clients == 0 && feeds.get(feed.target) == feed) {
            feed.lingerTimer = -1;
            close(feed);
        }
    }

    /** Leaves the group (or leaves the channel's socket alone); under the lock. */
    private Future<Void> close(Feed feed) {
        feeds.remove(feed.target);
        if (feed.lingerTimer >= 0) {
            vertx.cancelTimer(feed.lingerTimer);
            feed.lingerTimer = -1;
        }
        listeners.forEach(l -> l.closed(feed));
        if (feed.untap != null) {
            feed.untap.run();
        }
        if (feed.receiver != null) {
            kernel.unwatch(feed.receiver);
            return feed.receiver.close();
        }
        return Future.succeededFuture();
    }

    /** What {@code GET /api/passthrough} shows. */
    public synchronized PassthroughInfo info() {
        long now = System.currentTimeMillis();
        List<PassthroughInfo.GroupInfo> groups = new ArrayList<>();
        for (Feed f : feeds.values()) {
            List<PassthroughInfo.ClientInfo> list = f.clientList().stream().map(Client::info).toList();
            groups.add(new PassthroughInfo.GroupInfo(f.target.toString(), f.channel == null ? null : f.channel.name(),
                    state(f), Timestamps.format(f.createdAt),
                    f.lingerTimer >= 0 ? Timestamps.format(f.idleSince + settings.linger().toMillis()) : null,
                    f.received(), f.sentBytes(), f.dropped(), f.reorderSkipped(), f.reorderLate(),
                    f.receiver != null ? kernel.view(f.receiver) : kernel.view(f.channel.name()),
                    f.sources.snapshot(now), list));
        }
        return new PassthroughInfo(settings.joinsOnDemand(), settings.allow().stream().map(Object::toString).toList(),
                settings.interfaceName(), settings.maxGroups(), settings.maxClients(), settings.linger().toMillis(),
                joinedGroups(), clients.get(), rejected.get(), groups);
    }

    private static String state(Feed f) {
        if (f.lingerTimer >= 0) {
            return "lingering";
        }
        if (f.receiver == null) {
            return "joined";
        }
        GroupReceiver.State s = f.receiver.state();
        return switch (s) {
            case STARTING -> "joining";
            case JOINED -> "joined";
            case WAITING -> "waiting";
            case FAILED -> "failed";
            case CLOSED -> "left";
        };
    }

    /** Shutdown (and every dev-mode reload): clients ended, the groups joined for players left. */
    void stop(@Observes ShutdownEvent event) {
        List<Future<Void>> closed = new ArrayList<>();
        synchronized (this) {
            closing = true;
            for (Feed f : List.copyOf(feeds.values())) {
                for (Client c : f.clientList()) {
                    c.context.runOnContext(v -> c.end());
                }
                closed.add(close(f));
            }
        }
        try {
            Future.join(closed).toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("Not every group joined for players was left within %d ms: %s", STOP_TIMEOUT_MS, e.toString());
        }
    }
}
