package io.mcastgateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The replica's memory of recent entries: it answers only when it holds everything after an id. */
class RecentEntriesTest {

    private static StreamId id(long ms, long seq) {
        return new StreamId(ms, seq);
    }

    @Test
    void shouldReplayEverythingAfterAnIdItHoldsOrFollows() {
        RecentEntries<String> recent = new RecentEntries<>(3);
        recent.restart(id(100, 0));
        recent.add(id(101, 0), "a");
        recent.add(id(101, 1), "b");

        assertThat(recent.after(id(100, 0))).containsExactly("a", "b"); // the reader's starting point
        assertThat(recent.after(id(101, 0))).containsExactly("b");
        assertThat(recent.after(id(101, 1))).isEmpty(); // the newest: nothing to replay
        assertThat(recent.after(id(100, 5))).as("between the start and the first entry").containsExactly("a", "b");
    }

    @Test
    void shouldNotAnswerForIdsOlderThanWhatItHoldsOrNewerThanWhatItRead() {
        RecentEntries<String> recent = new RecentEntries<>(2);
        recent.restart(id(100, 0));
        recent.add(id(101, 0), "a");
        recent.add(id(102, 0), "b");
        recent.add(id(103, 0), "c"); // a goes

        assertThat(recent.after(id(100, 0))).as("a is gone: Redis must say").isNull();
        assertThat(recent.after(id(101, 0))).containsExactly("b", "c");
        assertThat(recent.after(id(104, 0))).as("not read here yet").isNull();
        assertThat(new RecentEntries<String>(2).after(id(1, 0))).as("before the reader started").isNull();
    }

    @Test
    void shouldParseOnlyStreamIds() {
        assertThat(StreamId.parse("1795700009044-12")).isEqualTo(id(1795700009044L, 12));
        assertThat(StreamId.parse("mwxn7qs9-1")).isNull();
        assertThat(StreamId.parse("12")).isNull();
        assertThat(StreamId.parse("-1-2")).isNull();
        assertThat(id(5, 1).after(id(4, 9))).isTrue();
        assertThat(id(5, 1).after(id(5, 1))).isFalse();
    }
}
