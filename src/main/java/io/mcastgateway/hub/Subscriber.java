package io.mcastgateway.hub;

import io.vertx.core.Context;

/**
 * A consumer of the event stream, fed by a {@link Transport}: replayed frames through {@link #offer} and
 * {@link #flush}, live events through a {@link Fanout} on its own event loop.
 */
public interface Subscriber {

    /** Whether this subscriber wants the event (its filter). */
    boolean wants(StreamEvent event);

    /**
     * Whether this subscriber wants the state changes ({@code status} frames) of a channel: it follows
     * the channel (its filter's channel and group; a source filter does not narrow a channel's status).
     */
    boolean wantsStatus(String channel, String group);

    /**
     * Queues a frame that is not a live event (a replayed event, a reset or gap before them); it goes out
     * at the next {@link #flush()}, before any live event {@link #deliver}ed later. Called on the
     * transport's thread: must never block; beyond its buffer a subscriber drops its oldest frames.
     *
     * @return true when no other frame waits (the caller must {@link #flush()} later; with others waiting, a
     *         drain is already due)
     */
    boolean offer(byte[] frame);

    /**
     * Sends what was offered since the last flush. The transport calls it once per batch of events
     * (the datagrams one wake-up of the receiving socket read), so a busy stream is written in chunks
     * of many events rather than one write per event.
     */
    void flush();

    /** The context of the event loop that writes to this subscriber: live events are handed to it there. */
    Context context();

    /**
     * On its event loop ({@link #context()}), live events it {@link #wants}, in order: {@code frames[0]}
     * to {@code frames[count - 1]}, to be written now (after whatever it was offered before). The array
     * is reused after the call. {@code batch} is not 0 when these are all the events of a batch of this
     * event loop: every subscriber given the same number got the same frames (what is made of them can
     * be shared); 0 when they are this subscriber's own selection.
     */
    void deliver(byte[][] frames, int count, long batch);

    /** On its event loop: it missed that many live events it wanted (it gets a gap before the next frames). */
    void missed(long count);

    /** Its counters, for the stats API. */
    SubscriberInfo info();
}
