package io.mcastgateway.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import io.mcastgateway.channel.Cidr;

/**
 * The raw streams for players ({@code mcast.passthrough.*}), as checked at startup.
 *
 * @param allow the group ranges {@code /udp/} and {@code /rtp/} may join; empty = those routes are off
 * @param interfaceName where groups are joined on demand
 */
public record PassthroughSettings(List<Cidr> allow, String interfaceName, Duration linger, int maxGroups,
        int maxClients, int maxPerClient, int clientBuffer, Duration maxBehind, int reorderWindow) {

    public PassthroughSettings {
        allow = List.copyOf(allow);
    }

    /** Whether players may make the gateway join groups ({@code mcast.passthrough.allow} is set). */
    public boolean joinsOnDemand() {
        return !allow.isEmpty();
    }

    /** Whether {@code group} is in one of the allowed ranges. */
    public boolean allows(InetAddress group) {
        for (Cidr range : allow) {
            if (range.contains(group)) {
                return true;
            }
        }
        return false;
    }
}
