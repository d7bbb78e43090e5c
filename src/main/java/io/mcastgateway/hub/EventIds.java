package io.mcastgateway.hub;

/**
 * The ids a {@link Transport} gives its events, asked by the hub once per event before it writes
 * the event's bytes. Ids are {@code <epoch>-<seq>}: the epoch is fixed per run, the sequence
 * number counts from 1, so an id from an earlier run is recognised as such. A transport whose store
 * assigns ids as it keeps events (Redis stream ids) has no epoch: the hub then writes the event's
 * JSON without id, and the transport builds the frame once it knows the id.
 * <p>
 * {@link #next()} is called by one thread at a time (the hub's lock), in the order the events are
 * then appended.
 */
public interface EventIds {

    /** Ids assigned by the store as it keeps the events: no epoch, no sequence number. */
    EventIds ASSIGNED_BY_STORE = new EventIds() {
        @Override
        public String epoch() {
            return null;
        }

        @Override
        public long next() {
            return 0;
        }
    };

    /** The prefix of every id of this run, or null when the store assigns ids. */
    String epoch();

    /** The sequence number of the next event (consecutive from 1); 0 when the store assigns ids. */
    long next();
}
