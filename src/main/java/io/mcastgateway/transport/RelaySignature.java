package io.mcastgateway.transport;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a relayed send ({@code <key>:sends}): an HMAC-SHA256, keyed with the secret the
 * gateways share ({@code mcast.redis.secret}), over the channel, the time it was made and the
 * payload. The channel's writer sends only what verifies, was made within {@link #WINDOW_MILLIS} of
 * its clock and was not seen before, so write access to Redis alone reaches no group, not even by
 * adding a captured entry again.
 */
final class RelaySignature {

    /** How far the time of a send may be from the writer's clock (clock skew and Redis' delay). */
    static final long WINDOW_MILLIS = 30_000;
    /** Signatures remembered against replay: more than the sends one window can carry at any rate a writer takes. */
    private static final int REMEMBERED = 100_000;

    private final byte[] secret;
    /** Signatures of the sends taken within the window, oldest first (on the reader's thread only). */
    private final Map<String, Long> seen = new LinkedHashMap<>();

    RelaySignature(String secret) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    String sign(String channel, long atMillis, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((channel + "\n" + atMillis + "\n").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(payload));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Null when the send may go out (and it is remembered), else why not. */
    String refuse(String channel, String at, byte[] payload, String signature, long nowMillis) {
        if (at == null || signature == null) {
            return "unsigned";
        }
        long atMillis;
        try {
            atMillis = Long.parseLong(at);
        } catch (NumberFormatException e) {
            return "no time";
        }
        if (!MessageDigest.isEqual(sign(channel, atMillis, payload).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII))) {
            return "a signature that does not verify";
        }
        if (Math.abs(nowMillis - atMillis) > WINDOW_MILLIS) {
            return "made " + (nowMillis - atMillis) + " ms from now";
        }
        seen.values().removeIf(t -> nowMillis - t > 2 * WINDOW_MILLIS);
        if (seen.putIfAbsent(signature, atMillis) != null) {
            return "a replay";
        }
        if (seen.size() > REMEMBERED) {
            seen.remove(seen.keySet().iterator().next());
        }
        return null;
    }
}
