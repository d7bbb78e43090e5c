package io.mcastgateway.security;

import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;

/**
 * Turns a {@link CredentialRequest} into an identity whose {@link ChannelAccess} is its
 * {@value ChannelAccess#ATTRIBUTE} attribute: the read token (watch every channel), the publish token
 * (publish on every channel), a JWT verified by SmallRye JWT (its {@code mcast.subscribe} and
 * {@code mcast.publish} claims, ending at its {@code exp}), or the page's session cookie. Anything
 * else fails; the failure's message never holds the credential.
 */
@ApplicationScoped
public class GatewayIdentityProvider implements IdentityProvider<CredentialRequest> {

    private final AccessControl control;

    public GatewayIdentityProvider(AccessControl control) {
        this.control = control;
    }

    @Override
    public Class<CredentialRequest> getRequestType() {
        return CredentialRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(CredentialRequest request, AuthenticationRequestContext context) {
        if (request.kind() == CredentialRequest.Kind.SESSION) {
            ChannelAccess access = control.sessions().decode(request.value(), System.currentTimeMillis() / 1000);
            return access == null ? failed("a session cookie that is not this gateway's or has expired")
                    : Uni.createFrom().item(identity("session", access));
        }
        if (request.looksLikeJwt()) {
            if (control.jwt() == null) {
                return failed("a JWT, but this gateway accepts none (mcast.jwt.public-key-location is not set)");
            }
            // verifying may fetch the key set (a JWKS URL): on a worker
            return context.runBlocking(() -> {
                try {
                    JsonWebToken token = control.jwt().parse(request.value());
                    ChannelAccess access = new ChannelAccess(claim(token, "subscribe"), claim(token, "publish"),
                            token.getExpirationTime());
                    return identity(token.getName() == null ? "jwt" : token.getName(), access);
                } catch (ParseException e) { // its cause's message holds the token: not logged
                    throw new AuthenticationFailedException(
                            "a JWT that does not verify (expired, not yet valid, another issuer, audience or key, or unsigned)");
                }
            });
        }
        ChannelAccess access = control.staticToken(request.value());
        return access == null ? failed("a bearer token that is neither the read nor the publish token")
                : Uni.createFrom().item(identity(access.readsAny() ? "read-token" : "publish-token", access));
    }

    /**
     * The channel names of {@code mcast.<name>}: a claim of that name, or, as Mercure nests its claims, the
     * field {@code name} of an object claim {@code mcast}; both are merged.
     */
    static Set<String> claim(JsonWebToken token, String name) {
        Set<String> names = new TreeSet<>(ChannelAccess.names(token.getClaim("mcast." + name)));
        Object nested = token.getClaim("mcast");
        if (nested instanceof JsonObject object) {
            names.addAll(ChannelAccess.names(object.get(name)));
        }
        return names;
    }

    private static SecurityIdentity identity(String name, ChannelAccess access) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(name))
                .addAttribute(ChannelAccess.ATTRIBUTE, access).build();
    }

    private static Uni<SecurityIdentity> failed(String why) {
        return Uni.createFrom().failure(new AuthenticationFailedException(why));
    }
}
