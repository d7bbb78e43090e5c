package io.mcastgateway.channel;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * One multicast channel, as checked at startup: a group and port joined on one interface by one
 * socket, optionally only from one source (SSM), with its own sender. The flat {@code mcast.*}
 * settings make the channel {@value #DEFAULT_NAME}; {@code mcast.channels.<name>.*} make the others.
 * A plain value: the network interface is held by name, because a named channel's interface may
 * not exist yet when the gateway starts.
 *
 * @param groupText the group address as text: canonical, without any scope suffix (formatted once,
 *        it goes into every event)
 * @param source the only sender whose datagrams this channel accepts (source-specific join), or null
 * @param sourceText the source as canonical text, or null
 * @param receive whether the channel joins and receives
 * @param checks what the stream's health checks need to know of it
 */
public record ChannelSpec(String name, InetAddress group, String groupText, int port, String interfaceName,
        InetAddress source, String sourceText, int ttl, Bind bind, boolean receive, Sender sender, Checks checks) {

    public static final String DEFAULT_NAME = "default";

    /** Channel names: lower-case letters, digits and '-', 1-32 characters, starting and ending with a letter or digit. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?");

    /** The largest UDP payload over IPv4: the most a datagram of a channel carries. */
    public static final int MAX_PAYLOAD = 65_507;

    /** The channel's periodic sender. */
    public record Sender(boolean enabled, Duration interval, String message) {

        public static Sender off() {
            return new Sender(false, Duration.ofSeconds(10), "");
        }
    }

    /**
     * The channel's health checks.
     *
     * @param rtpClockRate the clock (Hz) of RTP payload types without a static rate
     * @param expectWithin traffic is expected at least this often (the silence watchdog), or null: off
     */
    public record Checks(int rtpClockRate, Duration expectWithin) {

        public static Checks defaults() {
            return new Checks(90_000, null);
        }
    }

    public ChannelSpec(String name, InetAddress group, int port, String interfaceName, InetAddress source, int ttl,
            Bind bind, boolean receive, Sender sender) {
        this(name, group, port, interfaceName, source, ttl, bind, receive, sender, Checks.defaults());
    }

    public ChannelSpec(String name, InetAddress group, int port, String interfaceName, InetAddress source, int ttl,
            Bind bind, boolean receive, Sender sender, Checks checks) {
        this(name, group, Addresses.canonical(group), port, interfaceName, source,
                source == null ? null : Addresses.canonical(source), ttl, bind, receive, sender, checks);
    }

    /** A receiving channel without source filter and without a periodic sender. */
    public static ChannelSpec receiving(String name, InetAddress group, int port, String interfaceName, Bind bind) {
        return new ChannelSpec(name, group, port, interfaceName, null, 1, bind, true, Sender.off());
    }

    public boolean ipv6() {
        return group instanceof Inet6Address;
    }

    /** True when the join is source-specific. */
    public boolean sourceSpecific() {
        return source != null;
    }

    /** The address the receiving socket binds. */
    public String bindAddress() {
        if (bind == Bind.GROUP) {
            return groupText();
        }
        return ipv6() ? "::" : "0.0.0.0";
    }

    /** group:port, IPv6 in brackets. */
    public String endpoint() {
        return (ipv6() ? "[" + groupText + "]" : groupText) + ":" + port;
    }

    @Override
    public String toString() {
        return name + " " + endpoint() + (source == null ? "" : " from " + sourceText()) + " on " + interfaceName;
    }
}
