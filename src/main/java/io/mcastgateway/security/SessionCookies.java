package io.mcastgateway.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Set;
import java.util.TreeSet;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.mcastgateway.channel.ChannelSpec;

/**
 * The page's session cookie: what its credential may watch and when it ends, signed with an HMAC,
 * {@code v1.<base64url of "exp=<epoch seconds>;sub=<names>">.<base64url of the HMAC>}. The expiry is
 * inside the signature, so a cookie can't be made to last longer; a changed key ends every session.
 * Names are channel names ({@code [a-z0-9-]}) or {@code *}; others (they can name no channel) are
 * left out.
 */
public final class SessionCookies {

    public static final String NAME = "mcast_session";
    private static final String VERSION = "v1";

    private final byte[] key;

    public SessionCookies(byte[] key) {
        this.key = key.clone();
    }

    /** The cookie value for this access (its subscribe part), valid until {@code expiresAt} (epoch seconds). */
    public String encode(ChannelAccess access, long expiresAt) {
        Set<String> names = new TreeSet<>();
        access.subscribe().stream().filter(n -> n.equals(ChannelAccess.ALL) || ChannelSpec.NAME.matcher(n).matches())
                .forEach(names::add);
        String payload = "exp=" + expiresAt + ";sub=" + String.join(",", names);
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.US_ASCII));
        return VERSION + "." + body + "." + mac(VERSION + "." + body);
    }

    /**
     * The access a cookie carries, or null when it is not one of ours (wrong signature, malformed) or
     * has expired by {@code nowSeconds}.
     */
    public ChannelAccess decode(String cookie, long nowSeconds) {
        if (cookie == null || cookie.length() > 4096) {
            return null;
        }
        int second = cookie.lastIndexOf('.');
        if (!cookie.startsWith(VERSION + ".") || second <= VERSION.length() + 1) {
            return null;
        }
        String signed = cookie.substring(0, second);
        byte[] presented = cookie.substring(second + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(mac(signed).getBytes(StandardCharsets.US_ASCII), presented)) {
            return null;
        }
        String payload;
        try {
            payload = new String(Base64.getUrlDecoder().decode(signed.substring(VERSION.length() + 1)),
                    StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            return null;
        }
        long expiresAt = -1;
        Set<String> subscribe = new TreeSet<>();
        for (String field : payload.split(";")) {
            if (field.startsWith("exp=")) {
                try {
                    expiresAt = Long.parseLong(field.substring(4));
                } catch (NumberFormatException e) {
                    return null;
                }
            } else if (field.startsWith("sub=")) {
                subscribe.addAll(ChannelAccess.names(field.substring(4)));
            }
        }
        if (expiresAt <= nowSeconds) {
            return null;
        }
        return new ChannelAccess(subscribe, Set.of(), expiresAt);
    }

    /**
     * The key that signs cookies: an HMAC keyed with {@code secret} (mcast.session.secret), else with the
     * read token, over the read token's hash and the JWT key's location, so that changing either ends
     * every session made before.
     */
    public static byte[] key(String secret, String readToken, String jwtKeyLocation) {
        String base = secret != null ? secret : readToken;
        if (base == null) {
            throw new IllegalArgumentException("a session key needs mcast.session.secret or mcast.read.token");
        }
        String readTokenHash;
        try {
            readTokenHash = readToken == null ? "" : java.util.HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(readToken.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        String bound = "mcast-gateway session key\n" + readTokenHash + "\n" + (jwtKeyLocation == null ? "" : jwtKeyLocation);
        return hmac(base.getBytes(StandardCharsets.UTF_8), bound.getBytes(StandardCharsets.UTF_8));
    }

    private String mac(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, text.getBytes(StandardCharsets.US_ASCII)));
    }

    private static byte[] hmac(byte[] key, byte[] text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
