package io.mcastgateway.hub;


/** A consumer of the event stream, fed by a {@link Transport}. */
public interface Subscriber {

    /** Whether this subscriber wants the event (its filter). */
    boolean wants(StreamEvent event);

    /**
     * Queues a frame; it goes out at the next {@link #flush()}. Called on the thread that appends
     * events: must never block and never slow the caller; a subscriber that cannot keep up drops frames
     * on its own side.
     *
     * @return true when this is the first frame since the last flush (the caller must flush it later)
     */
    boolean offer(byte[] frame);

    /**
     * Sends what was offered since the last flush. The transport calls it once per batch of events
     * (the datagrams one wake-up of the receiving socket read), so a busy stream is written in chunks
     * of many events rather than one write per event.
     */
    void flush();

    /** Its counters, for the stats API. */
    SubscriberInfo info();
}
