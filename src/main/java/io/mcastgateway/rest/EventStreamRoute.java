package io.mcastgateway.rest;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
    private final Heartbeats heartbeats;
    private final int maxSubscribers;
    private volatile boolean closing;

    public EventStreamRoute(Vertx vertx, Hub hub, Channels channels, StreamStats stats, GatewayConfig config,
            @ConfigProperty(name = "quarkus.shutdown.delay") Optional<Duration> shutdownDelay) {
        this.vertx = vertx;
        this.hub = hub;
        this.channels = channels;
        this.stats = stats;
        this.settings = config.stream();
        this.shutdownDelay = shutdownDelay;
        this.maxSubscribers = config.stream().maxSubscribers().orElseGet(EventStreamRoute::fileLimitShare);
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

    void logLimit(@Observes StartupEvent event) {
        LOG.infof("At most %d SSE streams at once (mcast.stream.max-subscribers)", maxSubscribers);
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
        String lastEventId = ctx.request().getHeader("Last-Event-ID");
        if (lastEventId == null) {
            lastEventId = ctx.request().getParam("lastEventId");
        }
        Filter filter = Filter.of(ctx.request().getParam("channel"), ctx.request().getParam("group"),
                ctx.request().getParam("source"));
        List<String> unknown = filter.unknownChannels(channels.names());
        if (!unknown.isEmpty()) {
            ctx.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .end("no channel " + String.join(", ", unknown) + " (channels: " + String.join(", ", channels.names())
                            + ")\n");
            return;
        }

        if (slots.incrementAndGet() > maxSubscribers) {
            slots.decrementAndGet();
            stats.addRejected();
            long retrySeconds = Math.max(1, (settings.retry().toMillis() + 999) / 1000);
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
                settings.buffer(), String.valueOf(ctx.request().remoteAddress()), stats);
        heartbeats.add(subscriber);
        open.add(subscriber);
        Handler<Void> cleanUp = v -> {
            if (open.remove(subscriber)) {
                slots.decrementAndGet();
                heartbeats.remove(subscriber);
                subscriber.close();
                hub.unsubscribe(subscriber);
            }
        };
        response.closeHandler(cleanUp); // the client went away
        response.endHandler(cleanUp); // the server ended the stream; the connection may live on
        hub.subscribe(subscriber, lastEventId);
        // first on the wire all the same (queued frames drain later on this same event loop); a client
        // that has read it is subscribed
        response.write(SseFrames.retry(settings.retry().toMillis()));
        subscriber.headWritten();
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
