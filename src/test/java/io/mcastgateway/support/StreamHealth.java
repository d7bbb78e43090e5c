package io.mcastgateway.support;

import static io.restassured.RestAssured.given;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The test profile for stream health: the channel tv (239.255.77.1:23977 on lo) with a silence
 * watchdog of 1 s, next to the default channel; no periodic sender, no periodic re-join (so the
 * watchdog's one re-join can be counted), the kernel's counters read every 500 ms.
 * <p>
 * Shared state: tv turns silent 1 s after each test's last datagram, and open streams that follow tv
 * get its status events.
 */
public class StreamHealth implements QuarkusTestProfile {

    public static final String TV = "239.255.77.1";
    public static final int TV_PORT = 23977;

    /** The value of a meter of the channel tv in /q/metrics; fails when there is none. */
    public static long tvMetric(String name) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") && line.contains("channel=\"tv\"")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no " + name + " for tv in /q/metrics");
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "mcast.sender.enabled", "false",
                "mcast.rejoin-interval", "0",
                "mcast.receiver.kernel-check-interval", "500ms",
                "mcast.channels.tv.group", TV,
                "mcast.channels.tv.port", String.valueOf(TV_PORT),
                "mcast.channels.tv.expect-within", "1s");
    }
}
