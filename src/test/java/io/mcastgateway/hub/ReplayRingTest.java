package io.mcastgateway.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;


class ReplayRingTest {

    private static StreamEvent event(long seq) {
        return new StreamEvent(seq, "e", "default", "239.1.1.1", "127.0.0.1", "127.0.0.1:1", new byte[] { 'x' });
    }

    @Test
    void shouldReplayEverythingAfterAnId() {
        ReplayRing ring = new ReplayRing(5);
        for (long s = 1; s <= 3; s++) {
            ring.add(event(s));
        }
        assertThat(ring.after(1)).extracting(StreamEvent::seq).containsExactly(2L, 3L);
        assertThat(ring.after(0)).extracting(StreamEvent::seq).containsExactly(1L, 2L, 3L);
        assertThat(ring.after(3)).isEmpty();
        assertThat(ring.missedAfter(0)).isZero();
    }

    @Test
    void shouldKeepOnlyTheLatestAndCountWhatWasEvicted() {
        ReplayRing ring = new ReplayRing(3);
        for (long s = 1; s <= 10; s++) {
            ring.add(event(s));
        }
        assertThat(ring.size()).isEqualTo(3);
        assertThat(ring.oldestSeq()).isEqualTo(8);
        assertThat(ring.after(2)).extracting(StreamEvent::seq).containsExactly(8L, 9L, 10L);
        assertThat(ring.missedAfter(2)).isEqualTo(5); // 3..7
        assertThat(ring.missedAfter(7)).isZero();
    }

    @Test
    void shouldHoldNothingWithCapacityZeroButKnowTheNewest() {
        ReplayRing ring = new ReplayRing(0);
        ring.add(event(1));
        ring.add(event(2));
        assertThat(ring.after(0)).isEmpty();
        assertThat(ring.newestSeq()).isEqualTo(2);
        assertThat(ring.missedAfter(0)).isEqualTo(2);
    }

    @Test
    void shouldRefuseAnEventOutOfSequence() {
        ReplayRing ring = new ReplayRing(3);
        ring.add(event(1));
        assertThatThrownBy(() -> ring.add(event(3))).isInstanceOf(IllegalArgumentException.class);
    }
}
