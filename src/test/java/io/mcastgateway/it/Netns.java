package io.mcastgateway.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.mcastgateway.support.Commands;
import io.mcastgateway.support.Tools;

/**
 * Test hosts in network namespaces: a bridge namespace and hosts attached to it by veth pairs, with
 * addresses from 198.18.0.0/24 (benchmarking range, never routed). Each host can also get a
 * management veth from the root namespace (198.19.255.x/30) so that the test reaches its HTTP port.
 * Everything is deleted by {@link #close()}, also after a failure; a run killed before that is
 * cleaned up by the next one (same prefix).
 */
public final class Netns implements AutoCloseable {

    public static final String PREFIX = "mgwt";
    private static final String BRIDGE_NS = PREFIX + "-br";

    private final List<String> namespaces = new ArrayList<>();
    private int managementLinks;

    /** Why these tests cannot run here, or null when they can. */
    public static String unavailableReason() {
        if (Tools.notRoot() != null) {
            return "root (network namespaces need it)";
        }
        String missing = Tools.missingCommands("ip", "socat", "iperf");
        return missing == null ? null : missing + " (apt-get install iproute2 socat iperf)";
    }

    /** Deletes namespaces left behind by an earlier run that was killed. */
    public static void removeLeftovers() {
        for (String line : run(List.of("ip", "netns", "list")).split("\n")) {
            String name = line.split(" ")[0];
            if (name.startsWith(PREFIX + "-")) {
                run(List.of("ip", "netns", "del", name));
            }
        }
    }

    public static Netns bridge() {
        Netns net = new Netns();
        try {
            net.add(BRIDGE_NS);
            net.ip(BRIDGE_NS, "link", "add", "br0", "type", "bridge");
            // flood multicast to every port, as a plain switch without IGMP snooping does
            net.ip(BRIDGE_NS, "link", "set", "br0", "type", "bridge", "mcast_snooping", "0");
            net.ip(BRIDGE_NS, "link", "set", "br0", "up");
            return net;
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    /**
     * Adds host {@code name} on the bridge with address 198.18.0.{octet}/24 (and an IPv6 link-local
     * address) on its interface veth0.
     */
    public String host(String name, int octet) {
        String ns = PREFIX + "-" + name;
        add(ns);
        // IPv6 link-local addresses usable at once, without duplicate address detection
        run(in(ns, "sh", "-c", "echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad"));
        String outside = PREFIX + "-" + name + "-br";
        run(List.of("ip", "link", "add", outside, "type", "veth", "peer", "name", "veth0", "netns", ns));
        run(List.of("ip", "link", "set", outside, "netns", BRIDGE_NS));
        ip(BRIDGE_NS, "link", "set", outside, "master", "br0", "up");
        ip(ns, "addr", "add", "198.18.0." + octet + "/24", "dev", "veth0");
        ip(ns, "link", "set", "veth0", "up");
        ip(ns, "link", "set", "lo", "up");
        ip(ns, "route", "add", "224.0.0.0/4", "dev", "veth0");
        return ns;
    }

    /**
     * A direct veth pair between two hosts, named {@code name} on both ends, with addresses
     * {@code 198.18.<subnet>.1/24} in {@code a} and {@code .2} in {@code b}, up, with a multicast route
     * in {@code b} (the sender's side).
     */
    public void link(String a, String b, String name, int subnet) {
        run(List.of("ip", "link", "add", name, "netns", a, "type", "veth", "peer", "name", name, "netns", b));
        ip(a, "addr", "add", "198.18." + subnet + ".1/24", "dev", name);
        ip(b, "addr", "add", "198.18." + subnet + ".2/24", "dev", name);
        ip(a, "link", "set", name, "up");
        ip(b, "link", "set", name, "up");
    }

    /** Runs {@code ip -n ns args...}. */
    public static void ipIn(String ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
        cmd.addAll(List.of(args));
        run(cmd);
    }

    /** A veth pair from the root namespace into {@code ns}; returns the address of the host's end. */
    public String managementLink(String ns) {
        int n = managementLinks++;
        String outside = ns + "-mg";
        String hostSide = "198.19.255." + (4 * n + 2);
        run(List.of("ip", "link", "add", outside, "type", "veth", "peer", "name", "mgmt0", "netns", ns));
        run(List.of("ip", "addr", "add", "198.19.255." + (4 * n + 1) + "/30", "dev", outside));
        run(List.of("ip", "link", "set", outside, "up"));
        ip(ns, "addr", "add", hostSide + "/30", "dev", "mgmt0");
        ip(ns, "link", "set", "mgmt0", "up");
        return hostSide;
    }

    /** The command as run inside the namespace. */
    public static List<String> in(String ns, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(command));
        return cmd;
    }

    /** Runs a command inside the namespace with this input; returns its output, fails on a non-zero exit. */
    public static String exec(String ns, byte[] input, String... command) {
        return run(in(ns, command), input, 30);
    }

    private void add(String ns) {
        run(List.of("ip", "netns", "add", ns));
        namespaces.add(ns);
    }

    private void ip(String ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
        cmd.addAll(List.of(args));
        run(cmd);
    }

    static String run(List<String> command) {
        return Commands.run(command);
    }

    static String run(List<String> command, byte[] input, int timeoutSeconds) {
        return Commands.run(command, Map.of(), input, timeoutSeconds);
    }

    /** Deletes every namespace (and with them every veth) this instance created. */
    @Override
    public void close() {
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            try {
                run(List.of("ip", "netns", "del", namespaces.get(i)));
            } catch (RuntimeException e) {
                System.err.println("could not delete namespace " + namespaces.get(i) + ": " + e.getMessage());
            }
        }
        namespaces.clear();
    }
}
