package io.mcastgateway.transport;

/**
 * A Redis stream entry id, {@code <milliseconds>-<sequence>}: ordered first by the time part, then by
 * the sequence part, as Redis orders them.
 */
record StreamId(long ms, long seq) implements Comparable<StreamId> {

    static final StreamId ZERO = new StreamId(0, 0);

    /** The id, or null when the text is not one (e.g. an id of the local transport, {@code <base36>-<n>}). */
    static StreamId parse(String text) {
        if (text == null) {
            return null;
        }
        int dash = text.indexOf('-');
        if (dash <= 0 || dash == text.length() - 1) {
            return null;
        }
        try {
            long ms = Long.parseLong(text, 0, dash, 10);
            long seq = Long.parseLong(text, dash + 1, text.length(), 10);
            return ms < 0 || seq < 0 ? null : new StreamId(ms, seq);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public int compareTo(StreamId other) {
        int c = Long.compare(ms, other.ms);
        return c != 0 ? c : Long.compare(seq, other.seq);
    }

    boolean after(StreamId other) {
        return compareTo(other) > 0;
    }

    @Override
    public String toString() {
        return ms + "-" + seq;
    }
}
