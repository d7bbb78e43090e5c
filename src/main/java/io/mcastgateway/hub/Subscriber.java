package io.mcastgateway.hub;


/** A consumer of the event stream, fed by a {@link Transport}. */
public interface Subscriber {

    /** Whether this subscriber wants the event (its filter). */
    boolean wants(StreamEvent event);

    /**
     * Queues a frame. Called on the thread that appends events: must never block and never slow the
     * caller; a subscriber that cannot keep up drops frames on its own side.
     */
    void offer(byte[] frame);

    /** Its counters, for the stats API. */
    SubscriberInfo info();
}
