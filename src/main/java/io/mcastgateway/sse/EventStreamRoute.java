package io.mcastgateway.sse;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.management.UnixOperatingSystemMXBean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.mcastgateway.config.Channels;
import io.mcastgateway.config.GatewayConfig;
import io.mcastgateway.hub.Hub;
import io.mcastgateway.hub.SseFrames;
import io.mcastgateway.hub.StreamStats;
import io.mcastgateway.security.AccessControl;
import io.mcastgateway.security.ChannelAccess;
import io.quarkus.arc.ClientProxy;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/events}: every received datagram as a Server-Sent Event. Served by a Vert.x route
 * rather than Quarkus REST: the stream must keep up with the socket (one chunk write per drain,
 * frames built once per event; see {@link SseSubscriber}).
 * <p>
 * Query parameters: {@code channel} (names, comma-separated), {@code group} and {@code source} (ip or
 * ip:port) filter, an unknown channel name is answered with 400; {@code lastEventId} stands in for
 * the {@code Last-Event-ID} header, which wins when both are given.
 * <p>
 * Who may watch is the request's identity (Quarkus Security, {@link AccessControl}): a channel outside
 * its {@link ChannelAccess} is 403, without {@code channel} it gets the channels it may watch; a
 * stream whose credential expires ends cleanly then, and the client reconnects with a fresh one. Open
 * streams are capped in all ({@code mcast.stream.max-subscribers}, 503) and per client address
 * ({@code mcast.stream.max-per-client}, 429).
 */
@ApplicationScoped
public class EventStreamRoute {

    public static final String PATH = "/api/events";
    private static final Logger LOG = Logger.getLogger(EventStreamRoute.class);
    private static final Duration END_TIMEOUT = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final Hub hub;
    private final Channels channels;
    private final StreamStats stats;
    private final GatewayConfig.Stream settings;
    private final Optional<Duration> shutdownDelay;
    private final Set<SseSubscriber> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger slots = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> perClient = new ConcurrentHashMap<>();
    private final Heartbeats heartbeats;
    private final int maxSubscribers;
    private final int maxPerClient;
    private final int fileLimitShare;
    private final int heapShare;
    private final AccessControl access;
    private volatile boolean closing;

    public EventStreamRoute(Vertx vertx, Hub hub, Channels channels, StreamStats stats, GatewayConfig config,
            AccessControl access, @ConfigProperty(name = "quarkus.shutdown.delay") Optional<Duration> shutdownDelay) {
        this.access = access;
        this.vertx = vertx;
        this.hub = hub;
        this.channels = channels;
        this.stats = ClientProxy.unwrap(stats); // each subscriber counts through it per written batch
        this.settings = config.stream();
        this.shutdownDelay = shutdownDelay;
        this.fileLimitShare = fileLimitShare();
        this.heapShare = heapShare(Runtime.getRuntime().maxMemory());
        this.maxSubscribers = config.stream().maxSubscribers().orElse(Math.min(fileLimitShare, heapShare));
        this.maxPerClient = config.stream().maxPerClient();
        this.heartbeats = new Heartbeats(vertx, settings.heartbeat());
    }

    /** Three quarters of the process's open-file limit: each stream holds a socket, the rest is the JVM's. */
    static int fileLimitShare() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            long limit = unix.getMaxFileDescriptorCount();
            return (int) Math.max(16, Math.min(Integer.MAX_VALUE, limit / 4 * 3));
        }
        return 10_000;
    }

    /**
     * Bytes of heap one stream is budgeted: an idle one keeps about 6 KB (measured: 79 MB of live heap with
     * 10,000 idle streams, 99 MB while requests kept their deferred identity); the rest is headroom for
     * what a slow one has queued.
     */
    static final long BYTES_PER_STREAM = 16 * 1024;

    /** As many streams as half the maximum heap holds at {@link #BYTES_PER_STREAM} each. */
    static int heapShare(long maxHeap) {
        return (int) Math.max(16, Math.min(Integer.MAX_VALUE, maxHeap / 2 / BYTES_PER_STREAM));
    }

    void logLimit(@Observes StartupEvent event) {
        LOG.infof("At most %d SSE streams at once (mcast.stream.max-subscribers%s; the open-file limit allows %d, the heap"
                + " of %d MiB %d), %d per client address (mcast.stream.max-per-client)", maxSubscribers,
                maxSubscribers == Math.min(fileLimitShare, heapShare) ? ", by default the smaller of" : "", fileLimitShare,
                Runtime.getRuntime().maxMemory() >> 20, heapShare, maxPerClient);
    }

    public int maxSubscribers() {
        return maxSubscribers;
    }

    Heartbeats heartbeats() {
        return heartbeats;
    }

    void register(@Observes Router router) {
        router.get(PATH).order(-1).handler(this::subscribe);
    }

    private void subscribe(RoutingContext ctx) {
        if (closing) {
            // shutting down: tell the client to come back (to another instance) after the retry delay.
            // A clean, empty stream rather than 503: EventSource gives up for good on an error status.
            ctx.response().setChunked(true)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                    .end(SseFrames.retry(settings.retry().toMillis()));
            return;
        }
        if (ctx.response().closed()) {
            return; // gone while its credential was checked: a close handler set now would never run
        }
        String lastEventId = ctx.request().getHeader("Last-Event-ID");
        if (lastEventId == null) {
            lastEventId = ctx.request().getParam("lastEventId");
        }
        SecurityIdentity identity = ctx.user() instanceof QuarkusHttpUser user ? user.getSecurityIdentity() : null;
        ChannelAccess allowed = access.access(identity);
        if (!allowed.readsAny()) {
            boolean anonymous = identity == null || identity.isAnonymous();
            ctx.response().setStatusCode(anonymous ? 401 : 403);
            if (anonymous) {
                ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"mcast-gateway\"");
            }
            text(ctx, anonymous ? "watching needs a credential: Authorization: Bearer <token>, or the page's session\n"
                    : "this credential may watch no channel\n");
            return;
        }
        Filter filter = Filter.of(ctx.request().getParam("channel"), ctx.request().getParam("group"),
                ctx.request().getParam("source"));
        List<String> visible = allowed.visible(channels.names());
        List<String> refused = filter.channels() == null ? List.of()
                : allowed.refused(new TreeSet<>(filter.channels()), channels.names());
        List<String> unknown = filter.unknownChannels(channels.names());
        if (refused.isEmpty() && !unknown.isEmpty()) {
            ctx.response().setStatusCode(400);
            text(ctx, "no channel " + String.join(", ", unknown) + " (channels: " + String.join(", ", visible) + ")\n");
            return;
        }
        if (!refused.isEmpty()) {
            ctx.response().setStatusCode(403);
            text(ctx, "this credential may not watch channel " + String.join(", ", refused) + "\n");
            return;
        }
        if (filter.channels() == null && !allowed.subscribesAll()) {
            filter = filter.onlyChannels(visible);
        }
        String client = ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().host();
        if (perClient.merge(client, 1, Integer::sum) > maxPerClient) {
            release(client);
            stats.addRejected();
            ctx.response().setStatusCode(429).putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retrySeconds()));
            text(ctx, "too many streams from " + client + ": " + maxPerClient + " are open (mcast.stream.max-per-client)\n");
            return;
        }

        if (slots.incrementAndGet() > maxSubscribers) {
            slots.decrementAndGet();
            release(client);
            stats.addRejected();
            long retrySeconds = retrySeconds();
            ctx.response().setStatusCode(503).putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retrySeconds))
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .end("too many streams: " + maxSubscribers + " are open (mcast.stream.max-subscribers); retry in "
                            + retrySeconds + " s\n");
            return;
        }
        HttpServerResponse response = ctx.response()
                .setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader("X-Accel-Buffering", "no"); // nginx: do not buffer the stream
        SseSubscriber subscriber = new SseSubscriber(vertx.getOrCreateContext(), ctx.request().connection(), response, filter,
                settings.buffer(), String.valueOf(ctx.request().remoteAddress()), stats,
                SseFrames.retry(settings.retry().toMillis())); // written first, once subscribed
        heartbeats.add(subscriber);
        open.add(subscriber);
        // the credential's end ends the stream cleanly; the client reconnects with a fresh one
        long expiry = allowed.expiresAt() == 0 ? -1
                : vertx.setTimer(Math.max(1, allowed.expiresAt() * 1000 - System.currentTimeMillis()), id -> subscriber.end());
        Handler<Void> cleanUp = v -> {
            if (open.remove(subscriber)) {
                slots.decrementAndGet();
                release(client);
                if (expiry >= 0) {
                    vertx.cancelTimer(expiry);
                }
                heartbeats.remove(subscriber);
                subscriber.close();
                hub.unsubscribe(subscriber);
            }
        };
        response.closeHandler(cleanUp); // the client went away
        response.endHandler(cleanUp); // the server ended the stream; the connection may live on
        hub.subscribe(subscriber, lastEventId);
        // the request lives as long as its stream: what checked its credential need not (Quarkus' deferred
        // identity keeps a chain of Mutiny operators and captured contexts, per stream, for hours)
        ctx.data().remove(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
    }

    /** One stream of {@code client} fewer; an address with none is forgotten. */
    private void release(String client) {
        perClient.computeIfPresent(client, (c, n) -> n <= 1 ? null : n - 1);
    }

    private long retrySeconds() {
        return Math.max(1, (settings.retry().toMillis() + 999) / 1000);
    }

    private static void text(RoutingContext ctx, String message) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end(message);
    }

    /**
     * Ends every open stream cleanly (the last chunk is written). Clients reconnect with their
     * Last-Event-ID after the advised retry delay. The future completes when every end is written.
     */
    public Future<Void> endAll() {
        List<Future<Void>> ends = open.stream().map(SseSubscriber::end).toList();
        return Future.join(ends).mapEmpty();
    }

    /**
     * Shutdown began (SIGTERM): Quarkus' readiness check is DOWN from now on and the process waits
     * {@code quarkus.shutdown.delay} so that the Service stops routing here. The streams go on during
     * that delay and end when it is over, before Quarkus waits for open requests
     * ({@code quarkus.shutdown.timeout}), so that wait is short.
     */
    void endAllAfterShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        long delay = LaunchMode.current() == LaunchMode.DEVELOPMENT ? 0 : shutdownDelay.map(Duration::toMillis).orElse(0L);
        LOG.infof("Shutting down: readiness is DOWN; %d SSE stream(s) end in %d ms", open.size(), delay);
        if (delay > 0) {
            vertx.setTimer(delay, id -> closeStreams());
        } else {
            awaitEnds();
        }
    }

    /** Also without a shutdown delay (and before the HTTP server closes): no stream is cut off mid-chunk. */
    void endAllOnShutdown(@Observes ShutdownEvent event) {
        awaitEnds();
    }

    /** From now on every stream, open or new, ends: on shutdown, clients move to the next instance. */
    private Future<Void> closeStreams() {
        closing = true;
        return endAll();
    }

    private void awaitEnds() {
        int streams = open.size();
        try {
            closeStreams().toCompletionStage().toCompletableFuture().get(END_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (streams > 0) {
                LOG.infof("Ended %d SSE stream(s)", streams);
            }
        } catch (Exception e) {
            LOG.warnf("Not every SSE stream ended within %s: %s", END_TIMEOUT, e.toString());
        }
    }
}
