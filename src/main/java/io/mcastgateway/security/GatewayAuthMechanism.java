package io.mcastgateway.security;

import java.util.Map;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
 * token, or a JWT), or on the players' paths {@code Authorization: Basic} with the token as password (what
 * players send for {@code http://user:<token>@host/udp/...}), else the page's session cookie; neither: anonymous. A session cookie that does
 * not verify counts as none. Failed attempts are logged with the client's address (never the
 * credential) and counted per address: beyond {@code mcast.auth.max-failures-per-minute} a failure
 * is answered 429 with Retry-After (the end of the minute) instead of 401; a right credential still
 * passes, so one client can't lock out others behind the same address. Behind a trusted proxy
 * ({@code quarkus.http.proxy.*}) the address is the forwarded one. Authentication runs when a
 * permission policy asks for the identity ({@code quarkus.http.auth.proactive=false}; every data path
 * does, before its route runs), so a scraper's or a stale credential on an open path (health,
 * metrics) is ignored rather than answered 401.
 */
@ApplicationScoped
public class GatewayAuthMechanism implements HttpAuthenticationMechanism {

    private static final Logger LOG = Logger.getLogger(GatewayAuthMechanism.class);
    private static final String THROTTLED = "mcast.auth.retry-after";
    private static final String BEARER = "Bearer ";
    private static final String BASIC = "Basic ";
    /** Failures of one address logged one by one per minute; beyond, every this many. */
    private static final int LOGGED_PER_WINDOW = 20;

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
        Uni<SecurityIdentity> identity = identities.authenticate(request);
        if (request.kind() == CredentialRequest.Kind.SESSION) {
            // a cookie that no longer verifies (expired, or made with an earlier key) is no attack: the
            // request goes on as anonymous, and the page asks for a credential again
            return identity.onFailure().recoverWithNull();
        }
        return identity.onFailure().invoke(e -> {
            long now = System.nanoTime();
            int n = failures.failed(client, now);
            long wait = failures.retryAfter(client, now);
            if (wait > 0) {
                // beyond the limit, failures are answered 429 (a right credential still passes: one
                // address can't lock out the others behind it)
                ctx.put(THROTTLED, wait);
            }
            if (n <= LOGGED_PER_WINDOW || n % LOGGED_PER_WINDOW == 0) {
                LOG.warnf("Failed authentication from %s: %s (%d in this minute)", LogText.escape(client),
                        e.getMessage(), n);
            }
        });
    }

    /** The request's credential, or null. */
    static CredentialRequest credential(RoutingContext ctx) {
        String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            // Basic only where players are served (the player policy marks the request before the identity
            // is asked for): elsewhere a browser's cached Basic credentials must not act for it (CSRF), and a
            // proxy's own Basic header is not the gateway's
            boolean player = ctx.get(ChannelPolicies.Player.BASIC_CHALLENGE) != null;
            Optional<String> token = bearer(authorization).or(() -> player ? basicPassword(authorization) : Optional.empty());
            return token.map(b -> new CredentialRequest(CredentialRequest.Kind.BEARER, b)).orElse(null);
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

    /**
     * The password of an {@code Authorization: Basic} header, which players send for a URL with user info
     * ({@code http://user:<token>@host/...}): the token (the user name is not looked at); or empty.
     */
    static Optional<String> basicPassword(String authorization) {
        if (!authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(BASIC.length()).trim()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 || colon == decoded.length() - 1 ? Optional.empty() : Optional.of(decoded.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
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
        // players (ffmpeg, VLC) answer only a Basic challenge, and take the first one of the header
        String challenge = ctx.get(ChannelPolicies.Player.BASIC_CHALLENGE) != null
                ? "Basic realm=\"mcast-gateway\", Bearer realm=\"mcast-gateway\""
                : "Bearer realm=\"mcast-gateway\"";
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", challenge));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(CredentialRequest.class);
    }

    /** Ahead of any other mechanism on the class path (SmallRye JWT's is off: quarkus.smallrye-jwt.enabled=false). */
    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 1000;
    }
}
