package io.mcastgateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.mcastgateway.transport.ReplayDecision.Kind;
import io.mcastgateway.transport.ReplayDecision.StreamFacts;

/**
 * Where a replay from the Redis stream starts, for every case of Last-Event-ID and stream: not a
 * {@code @QuarkusTest} and no Redis, the decision is a function of what Redis said.
 */
class ReplayDecisionTest {

    private static final long NOW = 1_795_700_000_000L;

    private static StreamId id(long ms, long seq) {
        return new StreamId(ms, seq);
    }

    /** A stream that kept its entries from {@code first} on, {@code length} of the {@code added} ever added. */
    private static StreamFacts stream(StreamId first, long added, long length) {
        return new StreamFacts(first, added, length);
    }

    // ---------------------------------------------------------------- before any read

    @Test
    void shouldGoLiveWithoutReplayWhenThereIsNoLastEventId() {
        for (String none : new String[] { null, "", "  " }) {
            ReplayDecision d = ReplayDecision.of(none, NOW);
            assertThat(d.kind()).as("[%s]", none).isEqualTo(Kind.LIVE);
            assertThat(d.reset()).isFalse();
            assertThat(d.gap()).isFalse();
        }
    }

    @Test
    void shouldResetAtOnceWhenTheLastEventIdIsNotAStreamId() {
        for (String garbage : new String[] { "abc", "k3x9-12", "12", "1-", "-1", "1-2-3", "1-2\ndata: x", "99999999999999999999-0" }) {
            ReplayDecision d = ReplayDecision.of(garbage, NOW);
            assertThat(d.kind()).as(garbage).isEqualTo(Kind.REFUSED);
            assertThat(d.reset()).isTrue();
            assertThat(d.after()).isNull();
        }
    }

    @Test
    void shouldResetAtOnceWhenTheLastEventIdIsFromTheFuture() {
        ReplayDecision d = ReplayDecision.of((NOW + ReplayDecision.FUTURE_ID_MILLIS + 1) + "-0", NOW);

        assertThat(d.kind()).isEqualTo(Kind.REFUSED);
        assertThat(d.reset()).isTrue();
    }

    @Test
    void shouldLookUpAnIdFromAnotherHostsClockWithinTheMargin() {
        ReplayDecision d = ReplayDecision.of(" " + (NOW + ReplayDecision.FUTURE_ID_MILLIS) + "-7 ", NOW);

        assertThat(d.kind()).isEqualTo(Kind.LOOK_UP);
        assertThat(d.after()).isEqualTo(id(NOW + ReplayDecision.FUTURE_ID_MILLIS, 7));
        assertThat(d.reset()).isFalse();
        assertThat(d.gap()).isFalse();
    }

    // ---------------------------------------------------------------- from what Redis said

    @Test
    void shouldReplayWhatFollowsWhenTheStreamHoldsTheId() {
        ReplayDecision d = ReplayDecision.of(id(100, 3), stream(id(90, 0), 500, 400), true);

        assertThat(d.kind()).isEqualTo(Kind.HELD);
        assertThat(d.after()).isEqualTo(id(100, 3));
        assertThat(d.gap()).isFalse();
        assertThat(d.reset()).isFalse();
    }

    @Test
    void shouldReplayWithGapWhenTheIdWasTrimmed() {
        ReplayDecision d = ReplayDecision.of(id(80, 0), stream(id(90, 0), 500, 400), false);

        assertThat(d.kind()).isEqualTo(Kind.TRIMMED);
        assertThat(d.after()).isEqualTo(id(80, 0));
        assertThat(d.gap()).isTrue();
        assertThat(d.reset()).isFalse();
    }

    @Test
    void shouldResetWhenAnOlderIdIsMissingFromAStreamThatNeverTrimmed() {
        // nothing was ever trimmed: an id older than the first entry was never in this stream
        ReplayDecision d = ReplayDecision.of(id(80, 0), stream(id(90, 0), 400, 400), false);

        assertThat(d.kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(d.reset()).isTrue();
        assertThat(d.gap()).isFalse();
    }

    @Test
    void shouldResetWhenAMissingIdIsNotOlderThanTheFirstEntry() {
        // within the held range (or past it) but not held: it was never one of this stream's ids
        for (StreamId missing : new StreamId[] { id(90, 0), id(95, 1), id(200, 0) }) {
            ReplayDecision d = ReplayDecision.of(missing, stream(id(90, 0), 500, 400), false);
            assertThat(d.kind()).as(missing.toString()).isEqualTo(Kind.UNKNOWN);
            assertThat(d.reset()).isTrue();
        }
    }

    @Test
    void shouldResetWhenTheStreamIsEmpty() {
        ReplayDecision d = ReplayDecision.of(id(80, 0), stream(null, 500, 0), false);

        assertThat(d.kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(d.reset()).isTrue();
    }

    @Test
    void shouldResetWhenThereIsNoStream() {
        ReplayDecision d = ReplayDecision.of(id(80, 0), null, false);

        assertThat(d.kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(d.reset()).isTrue();
        assertThat(d.gap()).isFalse();
    }
}
