package io.mcastgateway.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * One application for the tests of operator settings that don't get in each other's way:
 * <ul>
 * <li>no periodic sender: only what a test sends reaches the group (MetricsTest counts exact deltas);</li>
 * <li>a log line per received datagram, {@code mcast.receiver.log=each} (DatagramLogTest);</li>
 * <li>CORS on, with one allowed origin, {@link #ALLOWED_ORIGIN} (CorsAllowedTest);</li>
 * <li>publishing with {@link #PUBLISH_TOKEN} at {@link #PUBLISH_RATE} a second per client (PublishRateTest;
 * nothing else here publishes over HTTP, so that client's bucket is the rate test's alone).</li>
 * </ul>
 * Quarkus keeps one application per profile across these classes: each test reads what it counts
 * relative to its own start.
 */
public class NoSenderWithCorsDatagramLogAndPublishRate implements QuarkusTestProfile {

    public static final String ALLOWED_ORIGIN = "https://dashboard.example.org";
    public static final String PUBLISH_TOKEN = "publish-secret-0123456789";
    public static final int PUBLISH_RATE = 5;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "mcast.sender.enabled", "false",
                "mcast.receiver.log", "each",
                "quarkus.http.cors.enabled", "true",
                "quarkus.http.cors.origins", ALLOWED_ORIGIN,
                "mcast.publish.token", PUBLISH_TOKEN,
                "mcast.publish.rate", String.valueOf(PUBLISH_RATE));
    }
}
