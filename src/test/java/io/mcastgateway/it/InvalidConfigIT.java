package io.mcastgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The packaged gateway refuses to start on an invalid setting, with one clear line naming it. */
class InvalidConfigIT {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "MCAST_GROUP, 10.1.2.3, mcast.group=10.1.2.3: not a multicast address",
            "MCAST_GROUP, not-an-address, mcast.group=not-an-address: not an IPv4 or IPv6 address",
            "MCAST_PORT, 0, mcast.port=0: must be between 1 and 65535",
            "MCAST_PORT, 70000, mcast.port=70000: must be between 1 and 65535",
            "MCAST_INTERFACE, nosuch0, mcast.interface=nosuch0: no such network interface",
            "MCAST_TTL, 300, mcast.ttl=300: must be between 0 and 255",
            "MCAST_SENDER_INTERVAL, soon, mcast.sender.interval with the config value \"soon\"",
            "MCAST_SENDER_INTERVAL, 0s, mcast.sender.interval=PT0S: must be a positive duration",
            "MCAST_BIND, everything, mcast.bind with the config value \"everything\"",
    })
    void shouldRefuseToStartNamingTheKeyAndValue(String env, String value, String expected) throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of("MCAST_INTERFACE", "lo", "QUARKUS_HTTP_PORT", "0"));
        environment.put(env, value);
        try (GatewayProcess gateway = GatewayProcess.jar("invalid-" + env + "-" + value, environment)) {
            Integer exit = gateway.waitFor(60);

            assertThat(exit).as("exit code; output:\n%s", gateway.output()).isNotNull().isNotZero();
            String output = gateway.output();
            assertThat(output).contains(expected);
            assertThat(output).as("no stack trace").doesNotContainPattern("\\n\\s+at [a-z]+\\.");
            assertThat(output).doesNotContain("NullPointerException");
            assertThat(output).doesNotContain("Joined");
        }
    }
}
