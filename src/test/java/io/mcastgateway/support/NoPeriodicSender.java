package io.mcastgateway.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The test profile without the periodic sender: only what a test sends reaches the group. */
public class NoPeriodicSender implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("mcast.sender.enabled", "false");
    }
}
