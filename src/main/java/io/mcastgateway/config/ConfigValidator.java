package io.mcastgateway.config;

import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.mcastgateway.channel.Bind;
import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.channel.Cidr;
import io.mcastgateway.config.GatewayConfig.Channel;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Checks the settings and turns them into {@link ChannelSpec}s. Every problem becomes one line that
 * names the key and the bad value; all of them are reported at once. Things that work but are
 * probably not what the user meant (an SSM source with a group outside the SSM range, an interface
 * that does not exist yet) are warnings.
 */
public final class ConfigValidator {

    /** The channels to serve, and what deserves a warning. */
    public record Result(List<ChannelSpec> channels, PassthroughSettings passthrough, List<String> warnings) {
    }

    private ConfigValidator() {
    }

    /** The channels, or a {@link ConfigurationException} listing every invalid setting. */
    public static Result validate(GatewayConfig config) {
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        checkRange(problems, "mcast.port", config.port(), 1, 65535);
        checkRange(problems, "mcast.ttl", config.ttl(), 0, 255);
        checkPositive(problems, "mcast.sender.interval", config.sender().interval());
        checkPositive(problems, "mcast.receiver.log-interval", config.receiver().logInterval());
        checkRange(problems, "mcast.receiver.log-rate", config.receiver().logRate(), 1, 1_000_000);
        checkPositive(problems, "mcast.receiver.retry-interval", config.receiver().retryInterval());
        checkPositive(problems, "mcast.receiver.interface-check-interval", config.receiver().interfaceCheckInterval());
        checkPositive(problems, "mcast.receiver.kernel-check-interval", config.receiver().kernelCheckInterval());
        checkPositive(problems, "mcast.stream.heartbeat", config.stream().heartbeat());
        checkRange(problems, "mcast.receiver.receive-buffer-size", config.receiver().receiveBufferSize(), 65536,
                Integer.MAX_VALUE);
        checkRange(problems, "mcast.stream.replay-size", config.stream().replaySize(), 0, 1_000_000);
        checkRange(problems, "mcast.stream.buffer", config.stream().buffer(), 1, 1_000_000);
        config.stream().maxSubscribers().ifPresent(m -> checkRange(problems, "mcast.stream.max-subscribers", m, 1,
                Integer.MAX_VALUE));
        if (config.stream().retry().isNegative()) {
            problems.add("mcast.stream.retry=" + config.stream().retry() + ": must not be negative");
        }
        checkRange(problems, "mcast.publish.rate", config.publish().rate(), 1, 1_000_000);
        checkRange(problems, "mcast.sources.max", config.sources().max(), 1, 1_000_000);
        config.publish().token().filter(t -> t.length() < 16).ifPresent(t -> problems.add(
                "mcast.publish.token: at least 16 characters (a secret that guards the group)"));
        config.read().token().filter(t -> t.length() < 16).ifPresent(t -> problems.add(
                "mcast.read.token: at least 16 characters"));
        if (config.publish().token().isPresent() && config.publish().token().equals(config.read().token())) {
            problems.add("mcast.publish.token: must differ from mcast.read.token (who may watch need not be who may send)");
        }
        config.session().secret().filter(t -> t.length() < 16).ifPresent(t -> problems.add(
                "mcast.session.secret: at least 16 characters"));
        config.redis().secret().filter(t -> t.length() < 16).ifPresent(t -> problems.add(
                "mcast.redis.secret: at least 16 characters (it guards the group against whoever can write to Redis)"));
        config.jwt().publicKeyLocation().filter(l -> l.startsWith("http:")).ifPresent(l -> problems.add(
                "mcast.jwt.public-key-location=" + l + ": a key fetched over plain http could be anyone's; use https"));
        for (var token : List.of(Map.entry("mcast.read.token", config.read().token()),
                Map.entry("mcast.publish.token", config.publish().token()))) {
            token.getValue().filter(t -> t.chars().filter(c -> c == '.').count() == 2).ifPresent(t -> problems.add(
                    token.getKey() + ": must not have the form of a JWT (two dots)"));
        }
        if (config.jwt().publicKeyLocation().isPresent() && config.jwt().audience().isEmpty()) {
            warnings.add("mcast.jwt.audience is not set: any token of issuer " + config.jwt().issuer().orElse("?")
                    + " with mcast.* claims is accepted, whichever client it was made for");
        }
        if (config.jwt().publicKeyLocation().isPresent() && config.jwt().issuer().isEmpty()) {
            problems.add("mcast.jwt.issuer: required with mcast.jwt.public-key-location (the iss a token must name)");
        }
        if (config.session().maxAge().compareTo(Duration.ofSeconds(10)) < 0) {
            problems.add("mcast.session.max-age=" + config.session().maxAge() + ": must be at least 10s");
        }
        checkRange(problems, "mcast.stream.max-per-client", config.stream().maxPerClient(), 1, Integer.MAX_VALUE);
        checkRange(problems, "mcast.auth.max-failures-per-minute", config.auth().maxFailuresPerMinute(), 1, 1_000_000);
        if (config.redis().failover().compareTo(Duration.ofMillis(300)) < 0) {
            problems.add("mcast.redis.failover=" + config.redis().failover() + ": must be at least 300ms");
        }
        checkPositive(problems, "mcast.redis.retry-interval", config.redis().retryInterval());
        checkRange(problems, "mcast.redis.max-pending", config.redis().maxPending(), 1, 10_000_000);
        if (config.redis().key().isBlank()) {
            problems.add("mcast.redis.key: must not be empty");
        }
        if (config.rejoinInterval().isNegative()) {
            problems.add("mcast.rejoin-interval=" + config.rejoinInterval() + ": must not be negative (0 = never)");
        }

        List<ChannelSpec> channels = new ArrayList<>();
        if (config.defaultChannel().enabled()) {
            defaultChannel(config, problems, warnings).ifPresent(channels::add);
        }
        for (Map.Entry<String, Channel> named : new TreeMap<>(config.channels()).entrySet()) {
            namedChannel(config, named.getKey(), named.getValue(), problems, warnings).ifPresent(channels::add);
        }
        if (channels.isEmpty() && problems.isEmpty()) {
            problems.add("mcast.default-channel.enabled=false and no named channel is set: define one with"
                    + " mcast.channels.<name>.group");
        }
        checkOverlaps(channels, problems);
        PassthroughSettings passthrough = passthrough(config.passthrough(), channels, problems, warnings);
        if (!problems.isEmpty()) {
            throw new ConfigurationException("Invalid mcast-gateway configuration:\n  "
                    + String.join("\n  ", problems));
        }
        return new Result(List.copyOf(channels), passthrough, List.copyOf(warnings));
    }

    /** {@code mcast.passthrough.*}: the ranges read, the interface resolved (default: the default channel's). */
    private static PassthroughSettings passthrough(GatewayConfig.Passthrough config, List<ChannelSpec> channels,
            List<String> problems, List<String> warnings) {
        String prefix = "mcast.passthrough.";
        List<Cidr> allow = new ArrayList<>();
        for (String range : config.allow().orElse(List.of())) {
            if (range.isBlank()) {
                continue;
            }
            try {
                Cidr cidr = Cidr.parse(range);
                if (!cidr.network().isMulticastAddress() || cidr.prefix() < (cidr.ipv4() ? 4 : 8)) {
                    problems.add(prefix + "allow=" + range.trim() + ": not a range of multicast groups (within"
                            + " 224.0.0.0/4 or ff00::/8)");
                } else {
                    allow.add(cidr);
                    controlGroups(cidr).ifPresent(c -> warnings.add(prefix + "allow=" + range.trim() + " holds " + c
                            + ": players could read the LAN's discovery and routing traffic; list narrower ranges"));
                }
            } catch (IllegalArgumentException e) {
                problems.add(prefix + "allow=" + range.trim() + ": " + e.getMessage()
                        + " (a CIDR range such as 239.255.0.0/16 or ff3e::/16)");
            }
        }
        checkPositive(problems, prefix + "linger", config.linger().plusMillis(1));
        checkRange(problems, prefix + "max-groups", config.maxGroups(), 1, 10_000);
        checkRange(problems, prefix + "max-clients", config.maxClients(), 1, Integer.MAX_VALUE);
        checkRange(problems, prefix + "max-per-client", config.maxPerClient(), 1, Integer.MAX_VALUE);
        checkRange(problems, prefix + "client-buffer", config.clientBuffer(), 65_536, 1 << 30);
        checkPositive(problems, prefix + "max-behind", config.maxBehind());
        checkRange(problems, prefix + "reorder-window", config.reorderWindow(), 0, 1024);
        String nic = null;
        if (config.networkInterface().isPresent() && !config.networkInterface().get().isBlank()) {
            nic = config.networkInterface().get().trim();
            try {
                if (!allow.isEmpty() && NetworkInterface.getByName(nic) == null) {
                    warnings.add(prefix + "interface=" + nic + ": no such network interface yet (present: "
                            + interfaceNames() + "); players get 503 until it appears");
                }
            } catch (SocketException e) {
                problems.add(prefix + "interface=" + nic + ": cannot read the network interfaces: " + e.getMessage());
            }
        } else if (!channels.isEmpty()) {
            nic = channels.stream().filter(c -> c.name().equals(ChannelSpec.DEFAULT_NAME)).findFirst()
                    .orElse(channels.get(0)).interfaceName();
        }
        return new PassthroughSettings(allow, nic, config.linger(), config.maxGroups(), config.maxClients(),
                config.maxPerClient(), config.clientBuffer(), config.maxBehind(), config.reorderWindow());
    }

    private static Optional<ChannelSpec> defaultChannel(GatewayConfig config, List<String> problems,
            List<String> warnings) {
        String prefix = "mcast.";
        InetAddress group = parseGroup(prefix + "group", config.group(), problems);
        InetAddress source = parseSource(prefix, config.source(), group, problems, warnings);
        String nic = resolveInterface(prefix + "interface", config.networkInterface(), group, config.port(), true,
                problems, warnings);
        if (group == null || nic == null) {
            return Optional.empty();
        }
        var sender = new ChannelSpec.Sender(config.sender().enabled(), config.sender().interval(),
                config.sender().message());
        var checks = checks(prefix, config.rtpClockRate(), config.expectWithin(), problems);
        return Optional.of(new ChannelSpec(ChannelSpec.DEFAULT_NAME, group, config.port(), nic, source, config.ttl(),
                config.bind(), config.receiver().enabled(), sender, checks));
    }

    private static Optional<ChannelSpec> namedChannel(GatewayConfig config, String name, Channel channel,
            List<String> problems, List<String> warnings) {
        String prefix = "mcast.channels." + name + ".";
        if (!ChannelSpec.NAME.matcher(name).matches()) {
            problems.add("mcast.channels.\"" + name + "\": a channel name is 1-32 lower-case letters, digits and '-',"
                    + " starting and ending with a letter or digit");
            return Optional.empty();
        }
        if (name.equals(ChannelSpec.DEFAULT_NAME) && config.defaultChannel().enabled()) {
            problems.add(prefix + "*: the name default belongs to the channel of the flat mcast.* keys; rename this"
                    + " channel, or set mcast.default-channel.enabled=false");
            return Optional.empty();
        }
        if (channel.group().isEmpty() || channel.group().get().isBlank()) {
            problems.add(prefix + "group is missing: every channel needs a group address");
            return Optional.empty();
        }
        InetAddress group = parseGroup(prefix + "group", channel.group().get(), problems);
        int port = channel.port().orElse(config.port());
        channel.port().ifPresent(p -> checkRange(problems, prefix + "port", p, 1, 65535));
        int ttl = channel.ttl().orElse(config.ttl());
        channel.ttl().ifPresent(t -> checkRange(problems, prefix + "ttl", t, 0, 255));
        Duration interval = channel.sender().interval().orElse(config.sender().interval());
        channel.sender().interval().ifPresent(i -> checkPositive(problems, prefix + "sender.interval", i));
        InetAddress source = parseSource(prefix, channel.source(), group, problems, warnings);
        Optional<String> nicName = channel.networkInterface().or(config::networkInterface);
        String nicKey = channel.networkInterface().isPresent() ? prefix + "interface" : "mcast.interface";
        String nic = resolveInterface(nicKey, nicName, group, port, false, problems, warnings);
        if (group == null || nic == null) {
            return Optional.empty();
        }
        var sender = new ChannelSpec.Sender(channel.sender().enabled(), interval,
                channel.sender().message().orElse(config.sender().message()));
        var checks = checks(prefix, channel.rtpClockRate().orElse(config.rtpClockRate()),
                channel.expectWithin().or(config::expectWithin), problems);
        return Optional.of(new ChannelSpec(name, group, port, nic, source, ttl, channel.bind().orElse(config.bind()),
                config.receiver().enabled() && channel.receiver().enabled(), sender, checks));
    }

    /** The stream checks of a channel: a clock rate of 1 Hz to 10 MHz, a watchdog of at least 100 ms. */
    private static ChannelSpec.Checks checks(String prefix, int rtpClockRate, Optional<Duration> expectWithin,
            List<String> problems) {
        checkRange(problems, prefix + "rtp-clock-rate", rtpClockRate, 1, 10_000_000);
        Duration within = expectWithin.orElse(null);
        if (within != null && within.toMillis() < 100) {
            problems.add(prefix + "expect-within=" + within + ": must be at least 100ms (unset: no silence watchdog)");
        }
        return new ChannelSpec.Checks(rtpClockRate, within);
    }

    /** Two channels that would receive each other's datagrams, or each datagram twice. */
    private static void checkOverlaps(List<ChannelSpec> channels, List<String> problems) {
        Map<String, ChannelSpec> joins = new HashMap<>();
        Map<String, ChannelSpec> wildcardBinds = new HashMap<>();
        for (ChannelSpec c : channels) {
            if (!c.receive()) {
                continue;
            }
            ChannelSpec same = joins.putIfAbsent(c.endpoint() + " on " + c.interfaceName(), c);
            if (same != null) {
                problems.add(keyOf(c, "group") + "=" + c.groupText() + ": channels " + same.name() + " and " + c.name()
                        + " both join " + c.endpoint() + " on " + c.interfaceName()
                        + "; each datagram would be delivered twice");
                continue;
            }
            if (c.bind() == Bind.ANY) {
                ChannelSpec other = wildcardBinds.putIfAbsent((c.ipv6() ? "6:" : "4:") + c.port(), c);
                if (other != null) {
                    problems.add(keyOf(c, "bind") + "=any: channels " + other.name() + " and " + c.name()
                            + " both bind the wildcard address on port " + c.port()
                            + ", so each would receive the other's groups; use bind=group or another port");
                }
            }
        }
        for (ChannelSpec c : channels) {
            if (c.receive() && c.bind() == Bind.GROUP) {
                ChannelSpec any = wildcardBinds.get((c.ipv6() ? "6:" : "4:") + c.port());
                if (any != null) {
                    problems.add(keyOf(any, "bind") + "=any: channel " + any.name() + " binds the wildcard address on"
                            + " port " + c.port() + " and would also receive channel " + c.name()
                            + "'s group; use bind=group or another port");
                }
            }
        }
    }

    private static String keyOf(ChannelSpec channel, String key) {
        return channel.name().equals(ChannelSpec.DEFAULT_NAME) ? "mcast." + key
                : "mcast.channels." + channel.name() + "." + key;
    }

    static InetAddress parseGroup(String key, String text, List<String> problems) {
        InetAddress address = parseLiteral(key, text, problems);
        if (address != null && !address.isMulticastAddress()) {
            problems.add(key + "=" + text + ": not a multicast address (IPv4 224.0.0.0/4, IPv6 ff00::/8)");
            return null;
        }
        return address;
    }

    private static InetAddress parseSource(String prefix, Optional<String> text, InetAddress group,
            List<String> problems, List<String> warnings) {
        if (text.isEmpty() || text.get().isBlank()) {
            if (group != null && ssmRange(group)) {
                warnings.add(prefix + "group=" + group.getHostAddress() + ": a source-specific (SSM) group without "
                        + prefix + "source; routers forward SSM groups only to source-specific joins");
            }
            return null;
        }
        String key = prefix + "source";
        InetAddress source = parseLiteral(key, text.get(), problems);
        if (source == null) {
            return null;
        }
        if (source.isMulticastAddress() || source.isAnyLocalAddress()) {
            problems.add(key + "=" + text.get() + ": a source is the unicast address of a sender");
            return null;
        }
        if (group != null && (source instanceof Inet4Address) != (group instanceof Inet4Address)) {
            problems.add(key + "=" + text.get() + ": an " + family(source) + " address, but the group "
                    + group.getHostAddress() + " is " + family(group));
            return null;
        }
        if (group != null && !ssmRange(group)) {
            warnings.add(key + "=" + text.get() + ": the group " + group.getHostAddress()
                    + " is not in the SSM range (" + (group instanceof Inet4Address ? "232.0.0.0/8" : "ff3x::/32")
                    + "); the join is source-specific all the same, but routers may treat the group as any-source");
        }
        return source;
    }

    private static InetAddress parseLiteral(String key, String text, List<String> problems) {
        String value = text.trim();
        // only literal addresses: a host name would need DNS at startup
        if (!value.matches("[0-9.]+") && !value.contains(":")) {
            problems.add(key + "=" + text + ": not an IPv4 or IPv6 address");
            return null;
        }
        try {
            return InetAddress.getByName(value);
        } catch (UnknownHostException e) {
            problems.add(key + "=" + text + ": not an IPv4 or IPv6 address");
            return null;
        }
    }

    /** The control groups a range holds (link-local, SSDP, mDNS, LLMNR), as text, or empty. */
    private static Optional<String> controlGroups(Cidr range) {
        List<String> held = new ArrayList<>();
        for (String group : List.of("224.0.0.1", "224.0.0.251", "224.0.0.252", "239.255.255.250", "ff02::1", "ff02::fb",
                "ff02::1:3", "ff05::c")) {
            InetAddress address = Cidr.literal(group);
            if (range.contains(address)) {
                held.add(group);
            }
        }
        return held.isEmpty() ? Optional.empty() : Optional.of("control groups (" + String.join(", ", held) + ")");
    }

    /** IPv4 232.0.0.0/8, IPv6 ff3x::/32 (RFC 4607). */
    static boolean ssmRange(InetAddress group) {
        byte[] b = group.getAddress();
        if (b.length == 4) {
            return (b[0] & 0xff) == 232;
        }
        return (b[0] & 0xff) == 0xff && (b[1] & 0xf0) == 0x30 && b[2] == 0 && b[3] == 0;
    }

    private static String family(InetAddress address) {
        return address instanceof Inet4Address ? "IPv4" : "IPv6";
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

    /**
     * The interface's name. For the default channel ({@code required}) a missing or down interface is
     * an error, as it always was; a named channel waits for its interface, so there it is a warning.
     */
    private static String resolveInterface(String key, Optional<String> name, InetAddress group, int port,
            boolean required, List<String> problems, List<String> warnings) {
        try {
            if (name.isPresent() && !name.get().isBlank()) {
                String trimmed = name.get().trim();
                NetworkInterface nic = NetworkInterface.getByName(trimmed);
                List<String> report = required ? problems : warnings;
                String waits = required ? "" : "; the channel joins when it is";
                if (nic == null) {
                    report.add(key + "=" + name.get() + ": no such network interface" + (required ? "" : " yet")
                            + " (present: " + interfaceNames() + ")" + (required ? "" : "; the channel joins when it appears"));
                } else if (!nic.isUp()) {
                    report.add(key + "=" + name.get() + ": the interface is down" + (required ? "" : waits + " up"));
                }
                return trimmed;
            }
            if (group == null) {
                return null;
            }
            NetworkInterface routed = routedInterface(group, port);
            if (routed == null) {
                problems.add(key + " is unset and the OS has no route for " + group.getHostAddress()
                        + ": set it to one of " + interfaceNames());
                return null;
            }
            return routed.getName();
        } catch (SocketException e) {
            problems.add(key + "=" + name.orElse("") + ": cannot read the network interfaces: " + e.getMessage());
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
