package io.mcastgateway.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The test profile for players' raw streams: groups of {@link #RANGE} may be joined on demand (on lo, the
 * test profile's interface), a group lingers {@link #LINGER_MS} after its last client, at most
 * {@link #MAX_GROUPS} groups and {@link #MAX_CLIENTS} clients; a client may have 64 KiB waiting and is
 * disconnected after 3 s of losing datagrams. The channel {@code tv} ({@link #TV}) is in the range, so
 * its socket is shared; the channel {@code wide} is bound to the wildcard address. No periodic sender.
 */
public class Players implements QuarkusTestProfile {

    public static final String RANGE = "239.255.90.0/24";
    public static final int PORT = 23992;
    public static final String TV = "239.255.90.100";
    public static final String WIDE = "239.255.90.101";
    public static final int WIDE_PORT = 23994;
    public static final long LINGER_MS = 1000;
    public static final int MAX_GROUPS = 3;
    public static final int MAX_CLIENTS = 6;
    public static final int CLIENT_BUFFER = 65536;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("mcast.sender.enabled", "false"),
                Map.entry("mcast.passthrough.allow", RANGE + ",232.255.90.0/24"),
                Map.entry("mcast.passthrough.linger", LINGER_MS + "ms"),
                Map.entry("mcast.passthrough.max-groups", String.valueOf(MAX_GROUPS)),
                Map.entry("mcast.passthrough.max-clients", String.valueOf(MAX_CLIENTS)),
                Map.entry("mcast.passthrough.client-buffer", String.valueOf(CLIENT_BUFFER)),
                Map.entry("mcast.passthrough.max-behind", "3s"),
                Map.entry("mcast.receiver.kernel-check-interval", "500ms"),
                Map.entry("mcast.channels.tv.group", TV),
                Map.entry("mcast.channels.tv.port", String.valueOf(PORT)),
                // bound to the wildcard address: no other group may be joined on its port
                Map.entry("mcast.channels.wide.group", WIDE),
                Map.entry("mcast.channels.wide.port", String.valueOf(WIDE_PORT)),
                Map.entry("mcast.channels.wide.bind", "any"));
    }
}
