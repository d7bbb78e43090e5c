package io.mcastgateway.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;

/**
 * A refused request's body is not read: when an error status (401, 403, 413, 429, ...) is answered
 * before the request's body has arrived, the HTTP/1 connection closes after the answer instead of
 * reading (and discarding) what the client goes on sending. Runs before Quarkus' authentication
 * (its filter has priority 200, order -200), so it also covers the answers that refuse a
 * credential.
 */
@ApplicationScoped
public class UnreadBodies {

    static final int ORDER = -300;

    void register(@Observes Router router) {
        router.route().order(ORDER).handler(ctx -> {
            if (!ctx.request().isEnded() && ctx.request().version() != HttpVersion.HTTP_2) {
                ctx.addHeadersEndHandler(v -> {
                    if (ctx.response().getStatusCode() >= 400 && !ctx.request().isEnded()) {
                        ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
                        ctx.addBodyEndHandler(end -> {
                            if (!ctx.request().isEnded()) {
                                ctx.request().connection().close();
                            }
                        });
                    }
                });
            }
            ctx.next();
        });
    }
}
