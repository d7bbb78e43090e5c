package io.mcastgateway.support;

import java.util.HashMap;
import java.util.Map;

/** {@link Players}, watched with the read token {@link #READ} or JWTs signed by {@link JwtKeys}. */
public class PlayersWithJwt extends Players {

    public static final String READ = "players-read-token-0123456789";
    public static final int MAX_PER_CLIENT = 3;

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("mcast.read.token", READ);
        config.put("mcast.jwt.public-key-location", JwtKeys.publicKeyFile().toString());
        config.put("mcast.jwt.issuer", JwtKeys.ISSUER);
        config.put("mcast.auth.max-failures-per-minute", "1000");
        config.put("mcast.passthrough.max-per-client", String.valueOf(MAX_PER_CLIENT));
        return config;
    }
}
