package io.mcastgateway.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The test profile with named channels on lo next to the default one: alpha and beta on different
 * groups and the same port, and ssm, source-specific from 127.0.0.1. No periodic sender.
 */
public class TwoChannels implements QuarkusTestProfile {

    public static final int PORT = 23981;
    public static final String ALPHA = "239.255.1.1";
    public static final String BETA = "239.255.1.2";
    public static final String SSM = "232.255.1.4";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "mcast.sender.enabled", "false",
                "mcast.channels.alpha.group", ALPHA,
                "mcast.channels.alpha.port", String.valueOf(PORT),
                "mcast.channels.beta.group", BETA,
                "mcast.channels.beta.port", String.valueOf(PORT),
                "mcast.channels.ssm.group", SSM,
                "mcast.channels.ssm.port", String.valueOf(PORT),
                "mcast.channels.ssm.source", "127.0.0.1");
    }
}
