package io.mcastgateway.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.mcastgateway.config.GatewayConfig;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;

/**
 * Who may do what, from the settings: whether watching needs a credential (a read token or a JWT key
 * is set), whether publishing is possible (a publish token or a JWT key is set), the static tokens,
 * the JWT verifier and the session cookies' key. {@link #access(SecurityIdentity)} is the one place a
 * request's identity becomes the channels it may watch and publish on; the HTTP policies, the REST
 * resources and the event stream all ask it.
 */
@ApplicationScoped
public class AccessControl {

    private final Optional<byte[]> readToken;
    private final Optional<byte[]> publishToken;
    private final JWTParser jwt;
    private final SessionCookies sessions;
    private final Duration sessionMaxAge;
    private final boolean readProtected;
    private final boolean publishing;

    public AccessControl(GatewayConfig config) {
        this.readToken = config.read().token().map(AccessControl::sha256);
        this.publishToken = config.publish().token().map(AccessControl::sha256);
        if (config.jwt().publicKeyLocation().isPresent()) {
            String location = config.jwt().publicKeyLocation().get();
            JWTAuthContextInfo info = new JWTAuthContextInfo(location.startsWith("/") ? "file:" + location : location,
                    config.jwt().issuer().orElse(null));
            // RSA keys, signed with any of RSA's algorithms; in this order (SmallRye decodes a PEM key for the
            // first one: a set without order made an RSA key unreadable in some runs)
            info.setSignatureAlgorithm(new LinkedHashSet<>(List.of(SignatureAlgorithm.RS256, SignatureAlgorithm.RS384,
                    SignatureAlgorithm.RS512, SignatureAlgorithm.PS256, SignatureAlgorithm.PS384, SignatureAlgorithm.PS512)));
            config.jwt().audience().ifPresent(a -> info.setExpectedAudience(new HashSet<>(Set.of(a))));
            // one factory for the process: its key resolver (and a JWKS' cache) is made once, not per token
            this.jwt = new DefaultJWTParser(info, new DefaultJWTCallerPrincipalFactory());
        } else {
            this.jwt = null;
        }
        this.sessions = new SessionCookies(sessionKey(config));
        this.sessionMaxAge = config.session().maxAge();
        this.readProtected = readToken.isPresent() || jwt != null;
        this.publishing = publishToken.isPresent() || jwt != null;
    }

    /** The session key: see {@link SessionCookies#key}; without secret and read token, random per process. */
    private static byte[] sessionKey(GatewayConfig config) {
        String secret = config.session().secret().orElse(null);
        if (secret == null && config.read().token().isEmpty()) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            secret = HexFormat.of().formatHex(random);
        }
        return SessionCookies.key(secret, config.read().token().orElse(null), config.jwt().publicKeyLocation().orElse(null));
    }

    /** Whether watching needs a credential (mcast.read.token or mcast.jwt.public-key-location is set). */
    public boolean readProtected() {
        return readProtected;
    }

    /** Whether any credential can publish (mcast.publish.token or mcast.jwt.public-key-location is set). */
    public boolean publishing() {
        return publishing;
    }

    /**
     * The channels {@code identity} may watch and publish on now. Anonymous: every channel to watch when
     * watching needs no credential, else none; an expired credential: none.
     */
    public ChannelAccess access(SecurityIdentity identity) {
        ChannelAccess access = identity == null || identity.isAnonymous() ? null : identity.getAttribute(ChannelAccess.ATTRIBUTE);
        if (access == null) {
            return readProtected ? ChannelAccess.NONE : ChannelAccess.READ_ALL;
        }
        if (access.expiresAt() != 0 && access.expiresAt() <= System.currentTimeMillis() / 1000) {
            return ChannelAccess.NONE;
        }
        if (!readProtected && !access.subscribesAll()) {
            return new ChannelAccess(Set.of(ChannelAccess.ALL), access.publish(), access.expiresAt());
        }
        return access;
    }

    /** What a static token grants, or null when it is neither the read nor the publish token. */
    ChannelAccess staticToken(String token) {
        byte[] presented = sha256(token);
        // both compared every time, in time that does not depend on where they differ
        boolean read = readToken.map(t -> MessageDigest.isEqual(t, presented)).orElse(false);
        boolean publish = publishToken.map(t -> MessageDigest.isEqual(t, presented)).orElse(false);
        return read ? ChannelAccess.READ_ALL : publish ? ChannelAccess.PUBLISH_ALL : null;
    }

    /** The JWT verifier, or null when JWTs are not accepted. */
    JWTParser jwt() {
        return jwt;
    }

    public SessionCookies sessions() {
        return sessions;
    }

    /** When a session made now for {@code access} ends (epoch seconds): at the credential's end, at most the max age. */
    public long sessionEnd(ChannelAccess access, long nowSeconds) {
        long max = nowSeconds + sessionMaxAge.toSeconds();
        return access.expiresAt() == 0 ? max : Math.min(max, access.expiresAt());
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
