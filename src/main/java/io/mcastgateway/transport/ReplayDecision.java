package io.mcastgateway.transport;

/**
 * Where a subscriber's replay starts, decided from its Last-Event-ID and what Redis says of the
 * stream; pure (no Redis, no clock of its own), so every case is a unit test.
 * <p>
 * First {@link #of(String, long)}, before any read: without an id, live events only; an id that
 * cannot be one of this stream (not an id, or too far in the future) is answered with a reset at
 * once, with no read of Redis (a denial-of-service guard: a replay of the whole stream per request
 * would be anyone's for the asking). Otherwise the id is looked up, and
 * {@link #of(StreamId, StreamFacts, boolean)} decides from XINFO STREAM and whether the id itself is
 * held. Entries go only from the old end (trimming), so: the id is held, everything after it is too;
 * it is not, it is older than the first entry and entries were trimmed, it was trimmed: a gap (Redis
 * keeps no count of what was trimmed after it; the gap is also said when the id was the last one
 * trimmed); otherwise it is not of this stream (Redis was emptied since, or another stream gave it):
 * reset.
 *
 * @param after the id to replay after (null for {@link Kind#LIVE} and {@link Kind#REFUSED})
 */
record ReplayDecision(Kind kind, StreamId after) {

    /** How far ahead of this clock a Last-Event-ID's time may be (other hosts' clocks) and still be resumed. */
    static final long FUTURE_ID_MILLIS = 60_000;

    enum Kind {
        /** No Last-Event-ID: live events only. */
        LIVE,
        /** Not an id of this stream (unreadable, or from the future): a reset, then live events; nothing read. */
        REFUSED,
        /** An id this stream may hold: ask the recent entries, else Redis. */
        LOOK_UP,
        /** The id is in the stream: every entry after it, then live events. */
        HELD,
        /** The id was trimmed: a gap, then every entry the stream holds after it. */
        TRIMMED,
        /** The id is not of this stream: a reset, then every entry it holds. */
        UNKNOWN
    }

    /**
     * What XINFO STREAM says of the stream.
     *
     * @param first the id of its first (oldest) entry; null when it is empty
     * @param entriesAdded entries ever added to it
     * @param length entries it holds now
     */
    record StreamFacts(StreamId first, long entriesAdded, long length) {
    }

    /** Before any read: {@link Kind#LIVE}, {@link Kind#REFUSED}, or {@link Kind#LOOK_UP} with the id. */
    static ReplayDecision of(String lastEventId, long nowMillis) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return new ReplayDecision(Kind.LIVE, null);
        }
        StreamId id = StreamId.parse(lastEventId.trim());
        if (id == null || id.ms() > nowMillis + FUTURE_ID_MILLIS) {
            return new ReplayDecision(Kind.REFUSED, null);
        }
        return new ReplayDecision(Kind.LOOK_UP, id);
    }

    /**
     * From what Redis said: {@link Kind#HELD}, {@link Kind#TRIMMED} or {@link Kind#UNKNOWN}.
     *
     * @param stream null when there is no stream (Redis was emptied since)
     * @param idHeld whether the stream holds an entry with the id itself
     */
    static ReplayDecision of(StreamId after, StreamFacts stream, boolean idHeld) {
        if (idHeld) {
            return new ReplayDecision(Kind.HELD, after);
        }
        boolean trimmed = stream != null && stream.first() != null && after.compareTo(stream.first()) < 0
                && stream.entriesAdded() > stream.length();
        return new ReplayDecision(trimmed ? Kind.TRIMMED : Kind.UNKNOWN, after);
    }

    /** Whether the subscriber is told that events are missing before the replay. */
    boolean gap() {
        return kind == Kind.TRIMMED;
    }

    /** Whether the subscriber is told that its id is not of this stream (what follows starts over). */
    boolean reset() {
        return kind == Kind.REFUSED || kind == Kind.UNKNOWN;
    }
}
