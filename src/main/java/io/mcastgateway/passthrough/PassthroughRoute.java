package io.mcastgateway.passthrough;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.config.Channels;
import io.mcastgateway.config.PassthroughSettings;
import io.mcastgateway.security.AccessControl;
import io.mcastgateway.security.ChannelAccess;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Context;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The raw streams for players, in udpxy's URL forms: {@code GET /udp/<group>:<port>} (the payloads as
 * they are) and {@code GET /rtp/<group>:<port>} (the RTP payloads, in order), both also as
 * {@code /udp/<source>@<group>:<port>} for a source-specific join, IPv6 in brackets; and
 * {@code GET /api/channels/<name>/raw} for a configured channel. The answer is the payload bytes as one
 * chunked body (HTTP/1.0: until the connection closes), {@code video/mp2t} for MPEG-TS.
 * <p>
 * Guarded: {@code /udp/} and {@code /rtp/} serve only groups in {@code mcast.passthrough.allow} (off when it
 * is unset); who may watch which group is the request's identity (Quarkus Security's, through
 * {@link AccessControl}): a channel it may watch, or a range its {@code mcast.subscribe} claim names. A
 * refused request never makes the gateway join anything.
 */
@ApplicationScoped
public class PassthroughRoute {

    private static final Logger LOG = Logger.getLogger(PassthroughRoute.class);

    private final Passthrough passthrough;
    private final PassthroughSettings settings;
    private final Channels channels;
    private final AccessControl access;

    public PassthroughRoute(Passthrough passthrough, Channels channels, AccessControl access) {
        this.passthrough = passthrough;
        this.settings = passthrough.settings();
        this.channels = channels;
        this.access = access;
    }

    void register(@Observes Router router) {
        router.get("/udp/:target").order(-1).handler(ctx -> group(ctx, Client.Kind.UDP));
        router.get("/rtp/:target").order(-1).handler(ctx -> group(ctx, Client.Kind.RTP));
        router.get("/api/channels/:name/raw").order(-1).handler(this::channel);
    }

    private void group(RoutingContext ctx, Client.Kind kind) {
        if (!settings.joinsOnDemand()) {
            text(ctx, 404, "raw streams of groups are off: mcast.passthrough.allow lists the group ranges players may"
                    + " make this gateway join\n");
            return;
        }
        Target target;
        try {
            target = Target.parse(ctx.pathParam("target"));
        } catch (IllegalArgumentException e) {
            text(ctx, 400, e.getMessage() + "\n");
            return;
        }
        if (!settings.allows(target.group())) {
            text(ctx, 403, "group " + target.endpoint() + " is not in mcast.passthrough.allow ("
                    + String.join(", ", settings.allow().stream().map(Object::toString).toList()) + ")\n");
            return;
        }
        Optional<ChannelSpec> channel = channels.all().stream().filter(c -> c.receive() && target.is(c)).findFirst();
        ChannelAccess allowed = access(ctx);
        if (!allowed.maySubscribeGroup(target.group())
                && !channel.map(c -> allowed.maySubscribe(c.name())).orElse(false)) {
            text(ctx, 403, "this credential may not watch " + target.endpoint() + "\n");
            return;
        }
        serve(ctx, target, channel.orElse(null), kind);
    }

    private void channel(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        ChannelAccess allowed = access(ctx);
        Optional<ChannelSpec> channel = channels.byName(name);
        boolean permitted = allowed.maySubscribe(name)
                || channel.map(c -> allowed.maySubscribeGroup(c.group())).orElse(false);
        if (!permitted) {
            // also for a channel that does not exist: a credential limited to some channels learns nothing of the others
            text(ctx, 403, "this credential may not watch channel " + name.replaceAll("[^a-z0-9-]", "?") + "\n");
            return;
        }
        if (channel.isEmpty()) {
            text(ctx, 404, "no channel " + name.replaceAll("[^a-z0-9-]", "?") + " (channels: "
                    + String.join(", ", allowed.visible(channels.names())) + ")\n");
            return;
        }
        ChannelSpec c = channel.get();
        if (!c.receive()) {
            text(ctx, 404, "channel " + c.name() + " does not receive here (its receiver is off)\n");
            return;
        }
        serve(ctx, new Target(c.group(), c.port(), c.source()), c, Client.Kind.UDP);
    }

    private ChannelAccess access(RoutingContext ctx) {
        SecurityIdentity identity = ctx.user() instanceof QuarkusHttpUser user ? user.getSecurityIdentity() : null;
        return access.access(identity);
    }

    /** Joins (or shares) the group, then streams; a limit or a failed join is 503, and nothing stays joined for it. */
    private void serve(RoutingContext ctx, Target target, ChannelSpec channel, Client.Kind kind) {
        HttpServerRequest request = ctx.request();
        String address = request.remoteAddress() == null ? "?" : request.remoteAddress().toString();
        String path = (kind == Client.Kind.RTP ? "/rtp/" : "/udp/") + target;
        Context context = ctx.vertx().getOrCreateContext(); // the connection's: the client is served on its event loop
        Feed feed;
        try {
            feed = passthrough.open(target, channel, context);
        } catch (Passthrough.Refused e) {
            text(ctx, e.status, e.getMessage() + "\n", e.status == 503 ? 5 : 0);
            return;
        }
        boolean[] gone = new boolean[1];
        ctx.response().closeHandler(v -> gone[0] = true);
        feed.joined.onComplete(ar -> context.runOnContext(v -> {
            if (ar.failed() || gone[0]) {
                passthrough.release(feed);
                text(ctx, 503, "cannot join " + target + ": " + (ar.failed() ? ar.cause().getMessage() : "gone") + "\n", 5);
                return;
            }
            Client client = new Client(feed, kind, context, request.connection(), ctx.response(),
                    request.version() != HttpVersion.HTTP_1_0, address, path, settings.clientBuffer(),
                    settings.maxBehind());
            boolean[] released = new boolean[1];
            Runnable cleanUp = () -> {
                if (!released[0]) {
                    released[0] = true;
                    client.markClosed();
                    feed.detach(client);
                    passthrough.release(feed);
                    LOG.debugf("Player %s left %s: %d bytes, %d datagrams dropped", address, path, client.bytes(),
                            client.dropped());
                }
            };
            ctx.response().closeHandler(x -> cleanUp.run());
            ctx.response().endHandler(x -> cleanUp.run());
            feed.attach(client);
            if (feed.seen()) {
                client.open();
            } else {
                // nothing received yet: the head goes out with the first batch, or after a second without one
                ctx.vertx().setTimer(1000, id -> client.open());
            }
        }));
    }

    private static void text(RoutingContext ctx, int status, String message) {
        text(ctx, status, message, 0);
    }

    private static void text(RoutingContext ctx, int status, String message, int retryAfterSeconds) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8");
        if (retryAfterSeconds > 0) {
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfterSeconds));
        }
        ctx.response().end(message);
    }
}
