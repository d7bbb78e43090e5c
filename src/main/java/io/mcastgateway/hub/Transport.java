package io.mcastgateway.hub;

import java.util.List;
import java.util.function.BiFunction;

import io.vertx.core.Future;

/**
 * Where events go after the hub has numbered them, and where subscribers take them from. The
 * in-memory {@link LocalTransport} serves the subscribers of this process; a shared transport (e.g.
 * Redis Streams) can implement the same contract for several gateways and SSE replicas.
 */
public interface Transport {

    /** Appends an event (sequence numbers consecutive) and hands it to every subscriber that wants it. */
    void append(StreamEvent event);

    /** Sends to the subscribers what {@link #append} gave them since the last flush (end of a read batch). */
    void flush();

    /**
     * Adds a subscriber. When {@code afterSeq} is not null, it first gets every retained event after
     * that sequence number (preceded by a gap frame when some are no longer retained), then live
     * events: without a gap or a duplicate between the two.
     */
    void subscribe(Subscriber subscriber, Long afterSeq);

    void unsubscribe(Subscriber subscriber);

    /** The subscribers of this process, a copy. */
    List<Subscriber> subscribers();

    /** How many subscribers this process has. */
    int subscriberCount();

    /** Events currently retained for replay. */
    int replaySize();

    /**
     * True when the transport numbers events itself (Redis stream ids): the hub then hands it each
     * event's JSON without id ({@link StreamEvent#frame()} holds the JSON, not a frame), and
     * subscribers come with their Last-Event-ID as it is ({@link #subscribe(Subscriber, String)}).
     */
    default boolean numbersEvents() {
        return false;
    }

    /**
     * Adds a subscriber with the client's Last-Event-ID (null: none), for a transport that
     * {@link #numbersEvents()}: replay after it (gap or reset first when it must), then live events.
     */
    default void subscribe(Subscriber subscriber, String lastEventId) {
        throw new UnsupportedOperationException("the hub numbers the events of this transport");
    }

    /** Counts and state, for the stats API, metrics and readiness. */
    default TransportInfo status() {
        return TransportInfo.local(replaySize());
    }

    /**
     * Whether a datagram for a channel this process does not receive can be handed to the process
     * that sends on the channel's network ({@link #relay}).
     */
    default boolean relays() {
        return false;
    }

    /** Hands a datagram to the channel's current writer, which sends it to the group. */
    default Future<Void> relay(String channel, byte[] payload) {
        return Future.failedFuture("this transport does not relay");
    }

    /**
     * The senders of a channel this process does not receive, as the gateway that writes it shares
     * them (JSON of {@code ChannelSourcesView}, refreshed every third of the failover time), or null
     * when nobody does.
     */
    default Future<String> sharedSources(String channel) {
        return Future.succeededFuture(null);
    }

    /** Who sends the datagrams other processes relay here: (channel, payload) to its send. */
    default void onRelayed(BiFunction<String, byte[], Future<Void>> sender) {
    }
}
