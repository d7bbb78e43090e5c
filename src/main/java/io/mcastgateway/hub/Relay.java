package io.mcastgateway.hub;

import java.util.function.BiFunction;

import io.vertx.core.Future;

/**
 * What a transport shared by several gateways can do for a channel this process does not receive:
 * hand a datagram to the process that sends on the channel's network, and show the senders that
 * process counts. Optional: its users check a {@link Transport} with {@code instanceof}.
 */
public interface Relay {

    /** Hands a datagram to the channel's current writer, which sends it to the group. */
    Future<Void> relay(String channel, byte[] payload);

    /**
     * The senders of a channel as the gateway that writes it shares them (JSON of
     * {@code ChannelSourcesView}, refreshed every third of the failover time), or null when nobody does.
     */
    Future<String> sharedSources(String channel);

    /** Who sends the datagrams other processes relay here: (channel, payload) to its send. */
    void onRelayed(BiFunction<String, byte[], Future<Void>> sender);
}
