package io.mcastgateway.security;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.mcastgateway.channel.LogText;
import io.mcastgateway.config.GatewayConfig;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * The gateway's credentials on a request: {@code Authorization: Bearer <token>} (the read or publish
 * token, or a JWT), else the page's session cookie; neither: anonymous. Failed attempts are logged
 * with the client's address (never the credential) and counted per address: beyond
 * {@code mcast.auth.max-failures-per-minute} every attempt from it gets 429 with Retry-After until the
 * minute is over. Behind a trusted proxy ({@code quarkus.http.proxy.*}) the address is the forwarded
 * one.
 */
@ApplicationScoped
public class GatewayAuthMechanism implements HttpAuthenticationMechanism {

    private static final Logger LOG = Logger.getLogger(GatewayAuthMechanism.class);
    private static final String THROTTLED = "mcast.auth.retry-after";
    private static final String BEARER = "Bearer ";

    private final AuthFailures failures;

    public GatewayAuthMechanism(GatewayConfig config) {
        this.failures = new AuthFailures(config.auth().maxFailuresPerMinute());
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext ctx, IdentityProviderManager identities) {
        CredentialRequest request = credential(ctx);
        if (request == null) {
            return Uni.createFrom().nullItem();
        }
        String client = client(ctx);
        long wait = failures.retryAfter(client, System.nanoTime());
        if (wait > 0) {
            ctx.put(THROTTLED, wait);
            return Uni.createFrom().failure(new io.quarkus.security.AuthenticationFailedException(
                    "too many failed authentications from " + client));
        }
        return identities.authenticate(request).onFailure().invoke(e -> {
            int n = failures.failed(client, System.nanoTime());
            LOG.warnf("Failed authentication from %s: %s (%d in this minute)", LogText.escape(client),
                    e.getMessage(), n);
        });
    }

    /** The request's credential, or null. */
    static CredentialRequest credential(RoutingContext ctx) {
        String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            Optional<String> bearer = bearer(authorization);
            return bearer.map(b -> new CredentialRequest(CredentialRequest.Kind.BEARER, b)).orElse(null);
        }
        Cookie session = ctx.request().getCookie(SessionCookies.NAME);
        return session == null ? null : new CredentialRequest(CredentialRequest.Kind.SESSION, session.getValue());
    }

    /** The token of an {@code Authorization: Bearer <token>} header, or empty. */
    static Optional<String> bearer(String authorization) {
        if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        return Optional.of(authorization.substring(BEARER.length()).trim());
    }

    /** The client's address: the peer's, or behind a trusted proxy the forwarded one. */
    static String client(RoutingContext ctx) {
        return ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().host();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext ctx) {
        Long wait = ctx.get(THROTTLED);
        if (wait != null) {
            return Uni.createFrom().item(new ChallengeData(429, Map.of(HttpHeaders.RETRY_AFTER, Long.toString(wait))));
        }
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer realm=\"mcast-gateway\""));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(CredentialRequest.class);
    }

    /** Before SmallRye JWT's own mechanism, which would take every bearer token for a JWT. */
    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 1000;
    }
}
