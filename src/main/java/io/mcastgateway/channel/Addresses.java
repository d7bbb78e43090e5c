package io.mcastgateway.channel;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * IP addresses as people write them: IPv6 in the canonical text form of RFC 5952
 * ({@code ff15::1234}, not {@code ff15:0:0:0:0:0:0:1234}), with a numeric scope replaced by the
 * interface name ({@code fe80::1%eth0}). IPv4 addresses pass unchanged.
 */
public final class Addresses {

    private static final int CACHE_LIMIT = 4096;
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private Addresses() {
    }

    /** A sender as events and statistics show it: {@code ip:port}, {@code [ip]:port} for IPv6. */
    public static String socketText(java.net.InetSocketAddress address) {
        String ip = canonical(address.getAddress().getHostAddress());
        return address.getAddress() instanceof java.net.Inet6Address ? "[" + ip + "]:" + address.getPort()
                : ip + ":" + address.getPort();
    }

    public static String canonical(InetAddress address) {
        return canonical(address.getHostAddress());
    }

    /** The canonical text of an IP literal; senders repeat, so IPv6 results are cached. */
    public static String canonical(String literal) {
        if (literal.indexOf(':') < 0) {
            return literal;
        }
        String cached = CACHE.get(literal);
        if (cached == null) {
            if (CACHE.size() >= CACHE_LIMIT) {
                CACHE.clear();
            }
            cached = ipv6(literal);
            CACHE.put(literal, cached);
        }
        return cached;
    }

    private static String ipv6(String literal) {
        int percent = literal.indexOf('%');
        String address = percent < 0 ? literal : literal.substring(0, percent);
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress(); // a literal: no name lookup
        } catch (UnknownHostException e) {
            return literal;
        }
        if (bytes.length != 16) {
            return literal;
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        // the longest run of two or more zero groups (the first of equals) becomes "::"
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8;) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return percent < 0 ? text.toString() : text.append('%').append(scope(literal.substring(percent + 1))).toString();
    }

    private static String scope(String scope) {
        try {
            NetworkInterface nic = NetworkInterface.getByIndex(Integer.parseInt(scope));
            return nic == null ? scope : nic.getName();
        } catch (NumberFormatException | SocketException e) {
            return scope;
        }
    }
}
