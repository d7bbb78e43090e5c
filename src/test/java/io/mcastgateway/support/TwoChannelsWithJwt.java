package io.mcastgateway.support;

import java.util.HashMap;
import java.util.Map;

/** {@link TwoChannels}, watched and published with JWTs signed by {@link JwtKeys} (issuer {@link JwtKeys#ISSUER}). */
public class TwoChannelsWithJwt extends TwoChannels {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("mcast.jwt.public-key-location", JwtKeys.publicKeyFile().toString());
        config.put("mcast.jwt.issuer", JwtKeys.ISSUER);
        config.put("mcast.auth.max-failures-per-minute", "1000");
        return config;
    }
}
