package io.mcastgateway.passthrough;

import java.net.Inet6Address;
import java.net.InetAddress;

import io.mcastgateway.channel.Addresses;
import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.channel.Cidr;

/**
 * The group a player asks for, in udpxy's and VLC's URL form: {@code <group>:<port>} or, source-specific,
 * {@code <source>@<group>:<port>}; IPv6 addresses in brackets ({@code [ff3e::1]:5000}). Only IP
 * literals: a host name is refused, never looked up.
 *
 * @param source the only sender to receive from (an SSM join), or null
 */
public record Target(InetAddress group, int port, InetAddress source) {

    /** Reads a target; an IllegalArgumentException says what is wrong with it, in words for the player's user. */
    public static Target parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 120) {
            throw new IllegalArgumentException("expected <group>:<port> or <source>@<group>:<port>");
        }
        String rest = text;
        InetAddress source = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            String s = rest.substring(0, at);
            source = Cidr.literal(s);
            if (source == null || source.isMulticastAddress() || source.isAnyLocalAddress()) {
                throw new IllegalArgumentException("the source " + printable(s) + " is not a unicast IP address");
            }
            rest = rest.substring(at + 1);
        }
        int colon = rest.lastIndexOf(':');
        if (colon < 0 || (rest.startsWith("[") && rest.lastIndexOf(']') > colon)) {
            throw new IllegalArgumentException("no port: expected <group>:<port> (IPv6 as [group]:port)");
        }
        String address = rest.substring(0, colon);
        String portText = rest.substring(colon + 1);
        if (address.indexOf(':') >= 0 && !address.startsWith("[")) {
            throw new IllegalArgumentException("an IPv6 group goes in brackets: [" + printable(address) + "]:"
                    + printable(portText));
        }
        InetAddress group = Cidr.literal(address);
        if (group == null || !group.isMulticastAddress()) {
            throw new IllegalArgumentException(printable(address)
                    + " is not a multicast group address (IPv4 224.0.0.0/4, IPv6 ff00::/8)");
        }
        if (!portText.matches("[0-9]{1,5}") || Integer.parseInt(portText) < 1 || Integer.parseInt(portText) > 65535) {
            throw new IllegalArgumentException("the port " + printable(portText) + " is not a number from 1 to 65535");
        }
        if (source != null && (source instanceof Inet6Address) != (group instanceof Inet6Address)) {
            throw new IllegalArgumentException("the source and the group are not of the same IP version");
        }
        return new Target(group, Integer.parseInt(portText), source);
    }

    /** Whether {@code channel} receives exactly this: the same group, port and source. */
    public boolean is(ChannelSpec channel) {
        return channel.group().equals(group) && channel.port() == port
                && (source == null ? channel.source() == null : source.equals(channel.source()));
    }

    /** As in the URL: {@code [source@]group:port}, canonical, IPv6 in brackets. */
    @Override
    public String toString() {
        return (source == null ? "" : bracketed(source) + "@") + bracketed(group) + ":" + port;
    }

    /** {@code group:port}, canonical, IPv6 in brackets. */
    public String endpoint() {
        return bracketed(group) + ":" + port;
    }

    private static String bracketed(InetAddress address) {
        String text = Addresses.canonical(address);
        return address instanceof Inet6Address ? "[" + text + "]" : text;
    }

    /** What the client wrote, safe to echo: printable ASCII, at most 60 characters. */
    private static String printable(String text) {
        String shown = text.length() > 60 ? text.substring(0, 60) + "..." : text;
        return shown.replaceAll("[^\\x21-\\x7e]", "?");
    }
}
