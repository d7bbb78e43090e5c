package io.mcastgateway.passthrough;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.mcastgateway.channel.Bind;
import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.channel.LogText;
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
            text(ctx, 403, "group " + target.endpoint() + " is not in mcast.passthrough.allow\n");
            return;
        }
        Optional<ChannelSpec> channel = channels.all().stream().filter(c -> c.receive() && target.is(c)).findFirst();
        ChannelAccess allowed = access(ctx);
        // a channel's datagrams go to whoever may watch the channel (as on the event stream); a group range
        // grants the groups that are not channels
        if (channel.isPresent() ? !allowed.maySubscribe(channel.get().name()) : !allowed.maySubscribeGroup(target.group())) {
            text(ctx, 403, "this credential may not watch " + target.endpoint() + "\n");
            return;
        }
        Optional<ChannelSpec> boundToAny = channels.all().stream().filter(c -> c.receive() && c.bind() == Bind.ANY
                && c.port() == target.port() && c.ipv6() == (target.group() instanceof java.net.Inet6Address)
                && !target.is(c)).findFirst();
        if (channel.isEmpty() && boundToAny.isPresent()) {
            // that channel's socket, bound to the wildcard address, would receive this group's traffic as its own
            text(ctx, 409, "port " + target.port() + " belongs to channel " + boundToAny.get().name()
                    + " (mcast.bind=any): joining another group on it would feed that channel\n");
            return;
        }
        serve(ctx, target, channel.orElse(null), kind, allowed);
    }

    private void channel(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        ChannelAccess allowed = access(ctx);
        Optional<ChannelSpec> channel = channels.byName(name);
        if (!allowed.maySubscribe(name)) {
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
        serve(ctx, new Target(c.group(), c.port(), c.source()), c, Client.Kind.UDP, allowed);
    }

    private ChannelAccess access(RoutingContext ctx) {
        SecurityIdentity identity = ctx.user() instanceof QuarkusHttpUser user ? user.getSecurityIdentity() : null;
        return access.access(identity);
    }

    /**
     * Joins (or shares) the group, then streams; a limit or a failed join is 503 (429 for one address's
     * limit), and nothing stays joined for it. The stream ends when the credential does.
     */
    private void serve(RoutingContext ctx, Target target, ChannelSpec channel, Client.Kind kind, ChannelAccess allowed) {
        HttpServerRequest request = ctx.request();
        if (ctx.response().closed()) {
            return; // gone while its credential was checked: a close handler set now would never run
        }
        String host = request.remoteAddress() == null ? "?" : request.remoteAddress().host();
        String address = LogText.escape(request.remoteAddress() == null ? "?" : request.remoteAddress().toString());
        String path = (kind == Client.Kind.RTP ? "/rtp/" : "/udp/") + target;
        Context context = ctx.vertx().getOrCreateContext(); // the connection's: the client is served on its event loop
        Feed feed;
        try {
            feed = passthrough.open(target, channel, context, host);
        } catch (Passthrough.Refused e) {
            text(ctx, e.status, e.getMessage() + "\n", e.status == 503 || e.status == 429 ? 5 : 0);
            return;
        }
        boolean[] gone = new boolean[1];
        ctx.response().closeHandler(v -> gone[0] = true);
        feed.joined.onComplete(ar -> context.runOnContext(v -> {
            if (ar.failed() || gone[0]) {
                passthrough.release(feed, host);
                text(ctx, 503, "cannot join " + target + ": " + (ar.failed() ? ar.cause().getMessage() : "gone") + "\n", 5);
                return;
            }
            Client client = new Client(feed, kind, context, request.connection(), ctx.response(),
                    request.version() != HttpVersion.HTTP_1_0, address, path, settings.clientBuffer(),
                    settings.maxBehind());
            long expiry = allowed.expiresAt() == 0 ? -1
                    : ctx.vertx().setTimer(Math.max(1, allowed.expiresAt() * 1000 - System.currentTimeMillis()),
                            id -> client.end()); // the player reconnects with its credential, or is refused
            boolean[] released = new boolean[1];
            Runnable cleanUp = () -> {
                if (!released[0]) {
                    released[0] = true;
                    if (expiry >= 0) {
                        ctx.vertx().cancelTimer(expiry);
                    }
                    client.markClosed();
                    feed.detach(client);
                    passthrough.release(feed, host);
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
