package io.mcastgateway.rest;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.mcastgateway.config.GatewayConfig;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Read protection ({@code mcast.read.token}): the stream and the data behind the page
 * ({@code /api/events}, {@code /api/channels}, {@code /api/sources}, {@code /api/stats}) answer 401
 * unless the request carries {@code Authorization: Bearer <read token>} or the page's session cookie.
 * {@code POST /api/session} with the bearer token sets that cookie (HttpOnly, SameSite=Strict, path
 * /api), because {@code EventSource} cannot send headers; a token never travels in a URL. Health,
 * metrics, the OpenAPI description, the page's static files and publishing (its own token) stay
 * outside. Off (everything open) when no read token is set.
 */
@ApplicationScoped
public class ReadGuard {

    static final String SESSION_PATH = "/api/session";

    private final Optional<String> token;
    private final String cookieValue;

    public ReadGuard(GatewayConfig config) {
        this.token = config.read().token();
        this.cookieValue = token.map(Tokens::cookieValue).orElse(null);
    }

    void register(@Observes Router router) {
        router.post(SESSION_PATH).order(-20).handler(this::session);
        if (token.isPresent()) {
            router.route().order(-20).handler(this::guard);
        }
    }

    private void guard(RoutingContext ctx) {
        if (!protectedPath(ctx.request().method(), ctx.normalizedPath()) || allowed(ctx)) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"mcast-gateway\"")
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .end("this gateway's data needs the read token (mcast.read.token): Authorization: Bearer <token>\n");
    }

    static boolean protectedPath(HttpMethod method, String path) {
        if (path.startsWith("/api/channels/") && path.endsWith("/messages")) {
            return false; // publishing: guarded by the publish token
        }
        for (String p : new String[] { "/api/events", "/api/channels", "/api/sources", "/api/stats" }) {
            if (path.equals(p) || path.startsWith(p + "/")) {
                return true;
            }
        }
        return false;
    }

    private boolean allowed(RoutingContext ctx) {
        Optional<String> bearer = Tokens.bearer(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (bearer.isPresent()) {
            return Tokens.matches(token.get(), bearer.get());
        }
        Cookie cookie = ctx.request().getCookie(Tokens.READ_COOKIE);
        return cookie != null && Tokens.matches(cookieValue, cookie.getValue());
    }

    /** {@code POST /api/session}: trades the bearer read token for the page's session cookie. */
    private void session(RoutingContext ctx) {
        if (token.isEmpty()) {
            ctx.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .end("read protection is off (mcast.read.token is not set)\n");
            return;
        }
        Optional<String> bearer = Tokens.bearer(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (bearer.isEmpty() || !Tokens.matches(token.get(), bearer.get())) {
            ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"mcast-gateway\"")
                    .end();
            return;
        }
        ctx.response().addCookie(Cookie.cookie(Tokens.READ_COOKIE, cookieValue).setPath("/api").setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT).setSecure(ctx.request().isSSL()));
        ctx.response().setStatusCode(204).end();
    }
}
