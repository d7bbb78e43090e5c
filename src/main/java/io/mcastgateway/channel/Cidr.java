package io.mcastgateway.channel;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A range of IP addresses written as {@code address/prefix} ({@code 239.1.0.0/16}, {@code ff3e::/16}); a
 * bare address is a range of one, and an address with bits set beyond its prefix is refused. Only
 * literal addresses: reading one never asks DNS.
 *
 * @param network the first address of the range (the bits beyond the prefix are zero)
 * @param prefix how many leading bits an address must share with {@code network}
 */
public record Cidr(InetAddress network, int prefix) {

    public Cidr {
        int bits = network.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("prefix /" + prefix + " out of 0-" + bits);
        }
        network = masked(network, prefix);
    }

    /** Reads {@code address/prefix} or a bare address; an IllegalArgumentException says what is wrong. */
    public static Cidr parse(String text) {
        String value = text.trim();
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        InetAddress network = literal(address);
        if (network == null) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address: " + address);
        }
        int bits = network.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String digits = value.substring(slash + 1);
            if (!digits.matches("[0-9]{1,3}")) {
                throw new IllegalArgumentException("not a prefix length: /" + digits);
            }
            prefix = Integer.parseInt(digits);
            if (prefix > bits) {
                throw new IllegalArgumentException("prefix /" + prefix + " is longer than an "
                        + (bits == 32 ? "IPv4" : "IPv6") + " address (" + bits + " bits)");
            }
        }
        Cidr range = new Cidr(network, prefix);
        if (!range.network().equals(network)) {
            // 239.1.1.1/8 is 239.0.0.0/8: most likely not what was meant, so it is said rather than read so
            throw new IllegalArgumentException(address + " has bits set beyond /" + prefix + " (the range starts at "
                    + Addresses.canonical(range.network()) + ")");
        }
        return range;
    }

    /**
     * An IP literal ({@code 239.1.1.1}, {@code ff15::1}, IPv6 possibly in brackets), or null for anything
     * else: a host name is refused, not looked up.
     */
    public static InetAddress literal(String text) {
        String value = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        // Netty's parser reads IP literals only; InetAddress.getByName would ask the resolver for anything it
        // can't read as one (239.1.1.256, ".:"), blocking the caller
        byte[] bytes = io.netty.util.NetUtil.createByteArrayFromIpAddressString(value);
        if (bytes == null || value.indexOf('%') >= 0) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes); // an IPv4-mapped IPv6 address becomes the IPv4 one
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether {@code address} is in the range (an address of the other family never is). */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        return masked(address, prefix).equals(network);
    }

    private static InetAddress masked(InetAddress address, int prefix) {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            b[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes: never
        }
    }

    public boolean ipv4() {
        return network instanceof Inet4Address;
    }

    @Override
    public String toString() {
        return Addresses.canonical(network) + "/" + prefix;
    }
}
