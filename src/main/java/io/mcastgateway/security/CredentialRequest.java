package io.mcastgateway.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/**
 * A credential the gateway's mechanism found on a request, for {@link GatewayIdentityProvider}: a
 * bearer token (the read or publish token, or a JWT) or the page's session cookie. Its
 * {@link #toString()} never shows the secret.
 */
public final class CredentialRequest extends BaseAuthenticationRequest {

    public enum Kind {
        /** {@code Authorization: Bearer <token>}: a static token or a JWT. */
        BEARER,
        /** The page's session cookie. */
        SESSION
    }

    private final Kind kind;
    private final String value;

    public CredentialRequest(Kind kind, String value) {
        this.kind = kind;
        this.value = value;
    }

    public Kind kind() {
        return kind;
    }

    String value() {
        return value;
    }

    /** A JWT (three base64url parts) rather than a static token. */
    boolean looksLikeJwt() {
        return value.chars().filter(c -> c == '.').count() == 2;
    }

    @Override
    public String toString() {
        return "CredentialRequest[" + kind + "]";
    }
}
