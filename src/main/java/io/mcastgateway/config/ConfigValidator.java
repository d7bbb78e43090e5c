package io.mcastgateway.config;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import io.mcastgateway.multicast.ChannelSpec;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Checks the settings and turns them into {@link ChannelSpec}s. Every problem becomes one line that
 * names the key and the bad value; all of them are reported at once.
 */
public final class ConfigValidator {

    private ConfigValidator() {
    }

    /** The default channel, or a {@link ConfigurationException} listing every invalid setting. */
    public static ChannelSpec defaultChannel(GatewayConfig config) {
        List<String> problems = new ArrayList<>();
        InetAddress group = parseGroup(config.group(), problems);
        checkRange(problems, "mcast.port", config.port(), 1, 65535);
        checkRange(problems, "mcast.ttl", config.ttl(), 0, 255);
        checkPositive(problems, "mcast.sender.interval", config.sender().interval());
        checkPositive(problems, "mcast.receiver.log-interval", config.receiver().logInterval());
        checkPositive(problems, "mcast.receiver.retry-interval", config.receiver().retryInterval());
        checkPositive(problems, "mcast.stream.heartbeat", config.stream().heartbeat());
        checkRange(problems, "mcast.receiver.receive-buffer-size", config.receiver().receiveBufferSize(), 65536,
                Integer.MAX_VALUE);
        checkRange(problems, "mcast.stream.replay-size", config.stream().replaySize(), 0, 1_000_000);
        checkRange(problems, "mcast.stream.buffer", config.stream().buffer(), 1, 1_000_000);
        if (config.stream().retry().isNegative()) {
            problems.add("mcast.stream.retry=" + config.stream().retry() + ": must not be negative");
        }
        NetworkInterface nic = resolveInterface(config.networkInterface(), group, config.port(), problems);
        if (!problems.isEmpty()) {
            throw new ConfigurationException("Invalid mcast-gateway configuration:\n  "
                    + String.join("\n  ", problems));
        }
        return new ChannelSpec(ChannelSpec.DEFAULT_NAME, group, config.port(), nic, config.ttl(), config.bind());
    }

    static InetAddress parseGroup(String text, List<String> problems) {
        String value = text.trim();
        // only literal addresses: a host name would need DNS at startup
        if (!value.matches("[0-9.]+") && !value.contains(":")) {
            problems.add("mcast.group=" + text + ": not an IPv4 or IPv6 address");
            return null;
        }
        try {
            InetAddress address = InetAddress.getByName(value);
            if (!address.isMulticastAddress()) {
                problems.add("mcast.group=" + text + ": not a multicast address (IPv4 224.0.0.0/4, IPv6 ff00::/8)");
                return null;
            }
            return address;
        } catch (UnknownHostException e) {
            problems.add("mcast.group=" + text + ": not an IPv4 or IPv6 address");
            return null;
        }
    }

    private static void checkRange(List<String> problems, String key, long value, long min, long max) {
        if (value < min || value > max) {
            String bound = max == Integer.MAX_VALUE ? "at least " + min : "between " + min + " and " + max;
            problems.add(key + "=" + value + ": must be " + bound);
        }
    }

    private static void checkPositive(List<String> problems, String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            problems.add(key + "=" + value + ": must be a positive duration");
        }
    }

    private static NetworkInterface resolveInterface(Optional<String> name, InetAddress group, int port,
            List<String> problems) {
        try {
            if (name.isPresent() && !name.get().isBlank()) {
                NetworkInterface nic = NetworkInterface.getByName(name.get().trim());
                if (nic == null) {
                    problems.add("mcast.interface=" + name.get() + ": no such network interface (present: "
                            + interfaceNames() + ")");
                } else if (!nic.isUp()) {
                    problems.add("mcast.interface=" + name.get() + ": the interface is down");
                }
                return nic;
            }
            if (group == null) {
                return null;
            }
            NetworkInterface routed = routedInterface(group, port);
            if (routed == null) {
                problems.add("mcast.interface is unset and the OS has no route for " + group.getHostAddress()
                        + ": set it to one of " + interfaceNames());
            }
            return routed;
        } catch (SocketException e) {
            problems.add("mcast.interface=" + name.orElse("") + ": cannot read the network interfaces: " + e.getMessage());
            return null;
        }
    }

    /**
     * The interface the OS routes the group through: a connected UDP socket (connecting sends nothing)
     * gets the local address of that route.
     */
    private static NetworkInterface routedInterface(InetAddress group, int port) throws SocketException {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(new InetSocketAddress(group, port));
            InetAddress local = probe.getLocalAddress();
            return local == null || local.isAnyLocalAddress() ? null : NetworkInterface.getByInetAddress(local);
        } catch (java.io.UncheckedIOException | SocketException e) {
            return null;
        }
    }

    private static String interfaceNames() throws SocketException {
        return Collections.list(NetworkInterface.getNetworkInterfaces()).stream().map(NetworkInterface::getName)
                .sorted().collect(Collectors.joining(", "));
    }
}
