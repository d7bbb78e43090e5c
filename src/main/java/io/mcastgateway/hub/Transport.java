package io.mcastgateway.hub;

import java.util.List;

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
}
