package io.mcastgateway.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Small stream caps, {@value #MAX_SUBSCRIBERS} open in all ({@code mcast.stream.max-subscribers},
 * MaxSubscribersTest) and {@value #MAX_PER_CLIENT} per client address ({@code mcast.stream.max-per-client},
 * PerClientCapTest), behind a trusted proxy on this host (127.0.0.1 may set X-Forwarded-For, so a test
 * can be several clients); and the periodic sender in the JSON format with per-source statistics
 * (SourcesTest). The cap in all is above what PerClientCapTest opens (three streams, and a fourth refused
 * per client), so only the cap per client refuses there.
 * <p>
 * Quarkus keeps one application for all these classes: a test that counts open streams first waits
 * until those of the tests before it are closed.
 */
public class StreamCapsAndJsonSender implements QuarkusTestProfile {

    public static final int MAX_SUBSCRIBERS = 4;
    public static final int MAX_PER_CLIENT = 2;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "mcast.stream.max-subscribers", String.valueOf(MAX_SUBSCRIBERS),
                "mcast.stream.max-per-client", String.valueOf(MAX_PER_CLIENT),
                "quarkus.http.proxy.proxy-address-forwarding", "true",
                "quarkus.http.proxy.allow-x-forwarded", "true",
                "quarkus.http.proxy.trusted-proxies", "127.0.0.1",
                "mcast.sender.format", "json",
                "mcast.sources.max", "1000");
    }
}
