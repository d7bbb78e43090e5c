package io.mcastgateway.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The test profile for players' raw streams: groups of {@link #RANGE} may be joined on demand (on lo, the
 * test profile's interface), a group lingers {@link #LINGER_MS} after its last client, at most
 * {@link #MAX_GROUPS} groups and {@link #MAX_CLIENTS} clients; a client may have 64 KiB waiting and is
 * disconnected after 3 s of losing datagrams. The channel {@code tv} ({@link #TV}) is in the range, so
 * its socket is shared. No periodic sender.
 */
public class Players implements QuarkusTestProfile {

    public static final String RANGE = "239.255.90.0/24";
    public static final int PORT = 23992;
    public static final String TV = "239.255.90.100";
    public static final long LINGER_MS = 1000;
    public static final int MAX_GROUPS = 3;
    public static final int MAX_CLIENTS = 6;
    public static final int CLIENT_BUFFER = 65536;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "mcast.sender.enabled", "false",
                "mcast.passthrough.allow", RANGE + ",232.255.90.0/24",
                "mcast.passthrough.linger", LINGER_MS + "ms",
                "mcast.passthrough.max-groups", String.valueOf(MAX_GROUPS),
                "mcast.passthrough.max-clients", String.valueOf(MAX_CLIENTS),
                "mcast.passthrough.client-buffer", String.valueOf(CLIENT_BUFFER),
                "mcast.passthrough.max-behind", "3s",
                "mcast.channels.tv.group", TV,
                "mcast.channels.tv.port", String.valueOf(PORT));
    }
}
