package io.mcastgateway.hub;

import java.util.ArrayList;
import java.util.List;

/**
 * The latest events, for Last-Event-ID replay. Events arrive with consecutive sequence numbers, so
 * the position of an event is computed from its number. Not thread-safe: its owner locks.
 */
public final class ReplayRing {

    private final StreamEvent[] slots;
    private long newest; // seq of the newest event held, 0 = none yet
    private int count;

    public ReplayRing(int capacity) {
        this.slots = new StreamEvent[Math.max(capacity, 0)];
    }

    public void add(StreamEvent event) {
        if (count > 0 && event.seq() != newest + 1) {
            throw new IllegalArgumentException("event " + event.seq() + " does not follow " + newest);
        }
        newest = event.seq();
        if (slots.length == 0) {
            return;
        }
        slots[index(event.seq())] = event;
        count = Math.min(count + 1, slots.length);
    }

    /** Sequence number of the oldest event held; {@code newest + 1} when empty. */
    public long oldestSeq() {
        return newest - count + 1;
    }

    /** Sequence number of the newest event appended, even when the ring holds none (capacity 0). */
    public long newestSeq() {
        return newest;
    }

    public int size() {
        return count;
    }

    /** Every held event with a sequence number above {@code seq}, oldest first. */
    public List<StreamEvent> after(long seq) {
        long from = Math.max(seq + 1, oldestSeq());
        List<StreamEvent> result = new ArrayList<>((int) Math.max(0, newest - from + 1));
        for (long s = from; s <= newest; s++) {
            result.add(slots[index(s)]);
        }
        return result;
    }

    /** How many events after {@code seq} are no longer held. */
    public long missedAfter(long seq) {
        return Math.max(0, oldestSeq() - 1 - seq);
    }

    private int index(long seq) {
        return (int) Math.floorMod(seq, (long) slots.length);
    }
}
