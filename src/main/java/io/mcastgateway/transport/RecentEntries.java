package io.mcastgateway.transport;

import java.util.ArrayList;
import java.util.List;

/**
 * The latest entries the reader of this process delivered, in stream order and without a hole, so
 * that a client that reconnects with a recent Last-Event-ID is replayed from memory, with the frames
 * already built, rather than from Redis. Not thread-safe: its owner locks.
 *
 * @param <T> what is kept per entry
 */
final class RecentEntries<T> {

    private final StreamId[] ids;
    private final List<T> values;
    private int start;
    private int count;
    /** Every entry after this id (up to the newest) is held; null until the reader has a position. */
    private StreamId base;

    RecentEntries(int capacity) {
        this.ids = new StreamId[Math.max(capacity, 0)];
        this.values = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
            values.add(null);
        }
    }

    /** The reader starts (or goes on) after {@code id}: entries held before are no longer contiguous. */
    void restart(StreamId id) {
        start = 0;
        count = 0;
        base = id;
        for (int i = 0; i < ids.length; i++) {
            ids[i] = null;
            values.set(i, null);
        }
    }

    /** The next entry the reader delivered (ids ascending). */
    void add(StreamId id, T value) {
        if (ids.length == 0) {
            base = id;
            return;
        }
        int slot;
        if (count == ids.length) {
            base = ids[start]; // the oldest goes
            slot = start;
            start = (start + 1) % ids.length;
        } else {
            slot = (start + count) % ids.length;
            count++;
        }
        ids[slot] = id;
        values.set(slot, value);
    }

    /**
     * Every held entry after {@code id}, oldest first, or null when entries after it may be missing
     * here (older than what is held, or not yet read by this process).
     */
    List<T> after(StreamId id) {
        StreamId newest = count == 0 ? base : ids[(start + count - 1) % ids.length];
        if (base == null || id.compareTo(base) < 0 || id.compareTo(newest) > 0) {
            return null;
        }
        List<T> result = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int slot = (start + i) % ids.length;
            if (ids[slot].after(id)) {
                result.add(values.get(slot));
            }
        }
        return result;
    }
}
