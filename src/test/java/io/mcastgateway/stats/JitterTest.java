package io.mcastgateway.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Rtp;
import io.netty.buffer.Unpooled;

/** Plain JUnit: RFC 3550's jitter estimator, fed arrivals on a known schedule. */
class JitterTest {

    private final InetSocketAddress sender = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5004);

    @Test
    void shouldGiveRfc3550sEstimateForKnownDelays() {
        ChannelSources sources = new ChannelSources("tv", 10, 90_000);
        double expected = 0; // appendix A.8, in timestamp units, computed here on its own
        long lastTransit = 0;
        for (int i = 0; i < 200; i++) {
            long timestamp = 1_000_000L + i * 1800L; // 20 ms at 90 kHz
            long delayMicros = i % 5 == 0 ? 8000 : i % 7 == 0 ? 3000 : 0;
            long arrivalNanos = (i * 20_000L + delayMicros) * 1000;
            sources.record(sender, rtp(96, i, timestamp), 0, 5_000_000_000L + arrivalNanos);
            long transit = Math.round(arrivalNanos * 90_000.0 / 1e9) - timestamp;
            if (i > 0) {
                expected += (Math.abs(transit - lastTransit) - expected) / 16;
            }
            lastTransit = transit;
        }
        SourceView v = sources.snapshot(0).get(0);
        assertThat(v.rtpClockRate()).isEqualTo(90_000);
        assertThat(v.jitterMs()).isCloseTo(expected / 90, within(0.002));
        assertThat(v.jitterMs()).isGreaterThan(1);
    }

    @Test
    void shouldUseTheStaticClockOfAudioPayloadTypesAndBeZeroOnASteadyStream() {
        ChannelSources sources = new ChannelSources("tv", 10, 90_000);
        for (int i = 0; i < 50; i++) {
            sources.record(sender, rtp(0, i, i * 160L), 0, i * 20_000_000L); // PCMU: 8 kHz, 20 ms
        }
        SourceView v = sources.snapshot(0).get(0);
        assertThat(v.rtpClockRate()).isEqualTo(8000);
        assertThat(v.jitterMs()).isZero();
    }

    @Test
    void shouldStartOverWithANewSsrc() {
        ChannelSources sources = new ChannelSources("tv", 10, 48_000);
        for (int i = 0; i < 20; i++) {
            sources.record(sender, rtp(111, i, i * 960L), 0, i * 20_000_000L + (i % 2) * 5_000_000L);
        }
        assertThat(sources.snapshot(0).get(0).jitterMs()).isGreaterThan(1);
        assertThat(sources.snapshot(0).get(0).rtpClockRate()).as("dynamic type: the channel's clock").isEqualTo(48_000);
        io.netty.buffer.ByteBuf other = rtp(111, 500, 0);
        other.setByte(11, 9); // another SSRC
        sources.record(sender, other, 0, 1_000_000_000L);
        assertThat(sources.snapshot(0).get(0).jitterMs()).isZero();
    }

    private static io.netty.buffer.ByteBuf rtp(int payloadType, int seq, long timestamp) {
        return Unpooled.wrappedBuffer(Rtp.packet(payloadType, seq, timestamp, 1, new byte[20]));
    }
}
