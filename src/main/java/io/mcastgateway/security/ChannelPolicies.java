package io.mcastgateway.security;

import java.util.function.Predicate;

import jakarta.inject.Singleton;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * The HTTP permission policies that {@code quarkus.http.auth.permission.*} (application.properties)
 * assigns to paths: {@code mcast-read} (everything not listed as open: the identity may watch some
 * channel), {@code mcast-publish} (may publish on some channel). A denied anonymous request gets 401, a denied identity 403. Which channel exactly
 * is decided where the channel is known, by {@link ChannelAccess}.
 */
public final class ChannelPolicies {

    private ChannelPolicies() {
    }

    abstract static class Policy implements HttpSecurityPolicy {
        private final AccessControl control;
        private final String name;
        private final Predicate<ChannelAccess> permits;

        Policy(AccessControl control, String name, Predicate<ChannelAccess> permits) {
            this.control = control;
            this.name = name;
            this.permits = permits;
        }

        @Override
        public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity,
                AuthorizationRequestContext context) {
            return identity.map(id -> permits.test(control.access(id)) ? CheckResult.PERMIT : CheckResult.DENY);
        }

        @Override
        public String name() {
            return name;
        }
    }

    @Singleton
    public static class Read extends Policy {
        public Read(AccessControl control) {
            super(control, "mcast-read", ChannelAccess::readsAny);
        }
    }

    /**
     * {@code mcast-player}: the players' raw streams ({@code /udp/*}, {@code /rtp/*}, {@code /api/channels/*}{@code /raw}),
     * permitted as {@code mcast-read}. A player presents its credential only when challenged, and only as
     * HTTP Basic (the token as password in the playlist's URL, {@code http://x:<token>@host/udp/...}): a
     * denied anonymous request there is challenged for Basic too. Elsewhere it is not, so that a browser
     * never shows its login dialog for the page's requests.
     */
    @Singleton
    public static class Player extends Policy {
        /** The request attribute that asks {@link GatewayAuthMechanism#getChallenge} for a Basic challenge too. */
        static final String BASIC_CHALLENGE = "mcast.challenge.basic";

        public Player(AccessControl control) {
            super(control, "mcast-player", ChannelAccess::readsAny);
        }

        @Override
        public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity,
                AuthorizationRequestContext context) {
            request.put(BASIC_CHALLENGE, Boolean.TRUE);
            return super.checkPermission(request, identity, context);
        }
    }

    @Singleton
    public static class Publish extends Policy {
        public Publish(AccessControl control) {
            super(control, "mcast-publish", ChannelAccess::publishesAny);
        }
    }
}
