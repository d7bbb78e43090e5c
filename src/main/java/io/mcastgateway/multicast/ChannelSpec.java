package io.mcastgateway.multicast;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;

import io.mcastgateway.config.GatewayConfig.Bind;
import io.mcastgateway.hub.Addresses;

/**
 * One multicast channel: a group and port joined on one interface with one socket. The gateway
 * runs one channel, named {@value #DEFAULT_NAME}, built from the flat {@code mcast.*} settings.
 *
 * @param groupText the group address as text: canonical, without any scope suffix (formatted once,
 *        it goes into every event)
 */
public record ChannelSpec(String name, InetAddress group, String groupText, int port,
        NetworkInterface networkInterface, int ttl, Bind bind) {

    public static final String DEFAULT_NAME = "default";

    public ChannelSpec(String name, InetAddress group, int port, NetworkInterface networkInterface, int ttl, Bind bind) {
        this(name, group, Addresses.canonical(group), port, networkInterface, ttl, bind);
    }

    public boolean ipv6() {
        return group instanceof Inet6Address;
    }

    public String interfaceName() {
        return networkInterface.getName();
    }

    /** The address the receiving socket binds. */
    public String bindAddress() {
        if (bind == Bind.GROUP) {
            return groupText();
        }
        return ipv6() ? "::" : "0.0.0.0";
    }

    @Override
    public String toString() {
        return name + " " + (ipv6() ? "[" + groupText() + "]" : groupText()) + ":" + port + " on " + interfaceName();
    }
}
