package io.mcastgateway.hub;

import java.util.List;

/**
 * Where the hub's events go and where subscribers take them from: the in-memory
 * {@link LocalTransport} for the subscribers of this process, or a shared transport (Redis Streams)
 * for several gateways and SSE replicas.
 * <p>
 * The transport assigns the events' ids ({@link #ids()}) and reads the client's Last-Event-ID; the
 * hub writes each event's bytes once and hands it over. Abilities only some transports have are
 * small interfaces of their own, checked with {@code instanceof} where they are used
 * ({@link Relay}).
 */
public interface Transport {

    /**
     * How this transport numbers events: the hub asks it for each event's id before writing the
     * event's bytes, so the id is in them once and every subscriber shares them.
     */
    EventIds ids();

    /**
     * Appends an event numbered by {@link #ids()} (called in the order of numbering) and hands it to
     * every subscriber that wants it. Called on a receiving thread: never waits.
     */
    void append(StreamEvent event);

    /** Sends to the subscribers what {@link #append} gave them since the last flush (end of a read batch). */
    void flush();

    /**
     * Adds a subscriber with the client's Last-Event-ID as it came (null or blank: none): every
     * retained event after it (preceded by a gap frame when some are no longer retained, by a reset
     * frame when the id is not one of this stream's), then live events, without a gap or a duplicate
     * between the two.
     */
    void subscribe(Subscriber subscriber, String lastEventId);

    void unsubscribe(Subscriber subscriber);

    /** The subscribers of this process, a copy. */
    List<Subscriber> subscribers();

    /** How many subscribers this process has: what a metrics scrape reads, without a copy. */
    int subscriberCount();

    /** Counts and state, for the stats API, metrics and readiness. */
    TransportInfo status();
}
