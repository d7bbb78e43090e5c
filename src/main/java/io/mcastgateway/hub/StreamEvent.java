package io.mcastgateway.hub;

/**
 * An event as it travels through the hub: its position in the stream, what filters look at, and the
 * SSE frame bytes, written once and shared by every subscriber.
 *
 * @param seq its sequence number ({@link EventIds}); 0 while the store has not assigned its id
 * @param epoch the id prefix of the run that numbered it (shared, not per event); null while the
 *        store has not assigned its id
 * @param frame the whole SSE frame: {@code id:}, {@code event:}, {@code data:} and the blank line; while
 *        the store has not assigned its id, the event's JSON, without id
 */
public record StreamEvent(long seq, String epoch, String channel, String group, String sourceIp, String source,
        byte[] frame) {

    /** The event id, {@code <epoch>-<seq>} (built on demand: nothing on the hot path needs it). */
    public String id() {
        return epoch + "-" + seq;
    }
}
