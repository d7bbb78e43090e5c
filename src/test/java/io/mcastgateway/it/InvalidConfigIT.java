package io.mcastgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/** The packaged gateway refuses to start on an invalid setting, with one clear line naming it. */
@Order(8)
@ResourceLock(ItResources.CPU)
// each case is a JVM that refuses to start and shares nothing: the cases take what threads are free
@Execution(ExecutionMode.CONCURRENT)
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
            "MCAST_TRANSPORT, kafka, mcast.transport with the config value \"kafka\"",
            "MCAST_REDIS_FAILOVER, 100ms, mcast.redis.failover=PT0.1S: must be at least 300ms",
            "MCAST_REDIS_MAX_PENDING, 0, mcast.redis.max-pending=0: must be between 1 and 10000000",
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

    /** Settings as {@code KEY=value} separated by spaces: environment variables, or -D system properties for dotted keys. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "mcast.channels.Bad_Name.group=239.1.1.1 | mcast.channels.\"Bad_Name\": a channel name is 1-32 lower-case letters",
            "MCAST_CHANNELS_TWIN_GROUP=239.255.255.252 | mcast.channels.twin.group=239.255.255.252: channels default and twin both join 239.255.255.252:23456 on lo",
            "MCAST_CHANNELS_MIXED_GROUP=239.1.1.2 MCAST_CHANNELS_MIXED_SOURCE=fe80::1 | mcast.channels.mixed.source=fe80::1: an IPv6 address, but the group 239.1.1.2 is IPv4",
            "MCAST_CHANNELS_NOGROUP_PORT=5000 | mcast.channels.nogroup.group is missing: every channel needs a group address",
            "MCAST_CHANNELS_WIDE_GROUP=239.1.1.3 MCAST_CHANNELS_WIDE_BIND=any | mcast.channels.wide.bind=any: channel wide binds the wildcard address on port 23456 and would also receive channel default's group",
            "MCAST_DEFAULT_CHANNEL_ENABLED=false | mcast.default-channel.enabled=false and no named channel is set",
            "MCAST_REJOIN_INTERVAL=-1s | mcast.rejoin-interval=PT-1S: must not be negative (0 = never)",
    })
    void shouldRefuseToStartOnAnInvalidChannelNamingTheKeyAndValue(String settings, String expected) throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of("MCAST_INTERFACE", "lo", "QUARKUS_HTTP_PORT", "0"));
        List<String> command = new ArrayList<>(GatewayProcess.java());
        for (String setting : settings.trim().split(" +")) {
            String[] kv = setting.split("=", 2);
            if (kv[0].contains(".")) {
                command.add("-D" + setting);
            } else {
                environment.put(kv[0], kv[1]);
            }
        }
        command.addAll(List.of("-jar", GatewayProcess.RUNNER.toString()));
        try (GatewayProcess gateway = GatewayProcess.start("invalid-channel-" + Math.abs(settings.hashCode()),
                GatewayProcess.BASEDIR, environment, command)) {
            Integer exit = gateway.waitFor(60);

            assertThat(exit).as("exit code; output:\n%s", gateway.output()).isNotNull().isNotZero();
            String output = gateway.output();
            assertThat(output).contains(expected.trim());
            assertThat(output).as("no stack trace").doesNotContainPattern("\\n\\s+at [a-z]+\\.");
            assertThat(output).doesNotContain("Joined");
        }
    }
}
