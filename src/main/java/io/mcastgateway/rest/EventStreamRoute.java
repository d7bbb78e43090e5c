package io.mcastgateway.rest;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.mcastgateway.config.GatewayConfig;
import io.mcastgateway.hub.Hub;
import io.mcastgateway.hub.SseFrames;
import io.mcastgateway.hub.StreamStats;
import io.quarkus.runtime.ShutdownEvent;
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
 * Query parameters: {@code group} and {@code source} (ip or ip:port) filter; {@code lastEventId}
 * stands in for the {@code Last-Event-ID} header, which wins when both are given.
 */
@ApplicationScoped
public class EventStreamRoute {

    public static final String PATH = "/api/events";

    private final Vertx vertx;
    private final Hub hub;
    private final StreamStats stats;
    private final GatewayConfig.Stream settings;
    private final Set<SseSubscriber> open = ConcurrentHashMap.newKeySet();

    public EventStreamRoute(Vertx vertx, Hub hub, StreamStats stats, GatewayConfig config) {
        this.vertx = vertx;
        this.hub = hub;
        this.stats = stats;
        this.settings = config.stream();
    }

    void register(@Observes Router router) {
        router.get(PATH).order(-1).handler(this::subscribe);
    }

    private void subscribe(RoutingContext ctx) {
        String lastEventId = ctx.request().getHeader("Last-Event-ID");
        if (lastEventId == null) {
            lastEventId = ctx.request().getParam("lastEventId");
        }
        Filter filter = Filter.of(ctx.request().getParam("group"), ctx.request().getParam("source"));

        HttpServerResponse response = ctx.response()
                .setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader("X-Accel-Buffering", "no"); // nginx: do not buffer the stream
        SseSubscriber subscriber = new SseSubscriber(vertx.getOrCreateContext(), response, filter,
                settings.buffer(), String.valueOf(ctx.request().remoteAddress()), stats);
        long heartbeat = vertx.setPeriodic(settings.heartbeat().toMillis(), id -> subscriber.heartbeat());
        open.add(subscriber);
        Handler<Void> cleanUp = v -> {
            if (open.remove(subscriber)) {
                vertx.cancelTimer(heartbeat);
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
    }

    /**
     * Ends every open stream. Clients reconnect with their Last-Event-ID (after the advised retry
     * delay); on shutdown this lets them move to the next instance at once.
     */
    public void endAll() {
        open.forEach(SseSubscriber::end);
    }

    void endAllOnShutdown(@Observes ShutdownEvent event) {
        endAll();
    }
}
