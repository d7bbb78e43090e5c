package io.mcastgateway.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Plain JUnit: the loss, duplicate, reorder and restart arithmetic on crafted sequences. */
class ChannelSourcesTest {

    private final ChannelSources sources = new ChannelSources("default", 1000);
    private final InetSocketAddress a = address(4000);
    private final InetSocketAddress b = address(4001);

    @Test
    void shouldCountSkippedDuplicatedAndSwappedJsonSequences() {
        for (long n : burst(1, 100)) {
            sources.record(a, json(n), 0);
        }
        for (long n = 1; n <= 50; n++) {
            sources.record(b, json(n), 0);
        }
        SourceView first = view(a);
        assertThat(first.format()).isEqualTo("json");
        assertThat(first.lost()).isEqualTo(2);
        assertThat(first.duplicated()).isEqualTo(1);
        assertThat(first.reordered()).isEqualTo(1);
        assertThat(first.restarts()).isZero();
        assertThat(first.lastSeq()).isEqualTo(100);
        assertThat(first.datagrams()).isEqualTo(99); // 100 - 2 skipped + 1 duplicate
        SourceView second = view(b);
        assertThat(second.lost()).isZero();
        assertThat(second.duplicated()).isZero();
        assertThat(second.datagrams()).isEqualTo(50);
    }

    @Test
    void shouldRecogniseASenderThatStartsOverAndNotCountItAsLoss() {
        for (long n = 1; n <= 500; n++) {
            sources.record(a, json(n), 0);
        }
        for (long n = 1; n <= 20; n++) {
            sources.record(a, json(n), 0);
        }
        SourceView v = view(a);
        assertThat(v.restarts()).isEqualTo(1);
        assertThat(v.lost()).isZero();
        assertThat(v.duplicated()).isZero();
        assertThat(v.lastSeq()).isEqualTo(20);
    }

    @Test
    void shouldTakeAHugeJsonJumpForARestartNotForLoss() {
        for (long n = 1; n <= 10; n++) {
            sources.record(a, json(n), 0);
        }
        sources.record(a, json(999_999_999_999_999_999L), 0); // one datagram of anyone's
        sources.record(a, json(70_000), 0); // and a restart that far ahead too
        SourceView v = view(a);
        assertThat(v.lost()).isZero();
        assertThat(v.restarts()).isEqualTo(2);
        sources.record(a, json(70_000 + 65_536), 0); // the largest jump still counted as loss
        assertThat(view(a).lost()).isEqualTo(65_535);
        assertThat(view(a).restarts()).isEqualTo(2);
    }

    @Test
    void shouldFollowRtpAcrossTheSixteenBitWrapAndRestartOnANewSsrc() {
        List<Long> seqs = new ArrayList<>();
        for (long n : burst(65_490, 65_590)) {
            seqs.add(n & 0xffff); // 65490 .. 65535, 0 .. 54: the wrap is inside the burst
        }
        for (long n : seqs) {
            sources.record(a, rtp((int) n, 0x11223344L), 0);
        }
        SourceView v = view(a);
        assertThat(v.format()).isEqualTo("rtp");
        assertThat(v.lost()).isEqualTo(2);
        assertThat(v.duplicated()).isEqualTo(1);
        assertThat(v.reordered()).isEqualTo(1);
        assertThat(v.restarts()).isZero();

        sources.record(a, rtp(7, 0x55667788L), 0); // another SSRC: the stream started over
        sources.record(a, rtp(8, 0x55667788L), 0);
        v = view(a);
        assertThat(v.restarts()).isEqualTo(1);
        assertThat(v.lost()).isEqualTo(2);
    }

    @Test
    void shouldLeaveDatagramsWithoutASequenceWithoutLossFigures() {
        sources.record(a, Unpooled.copiedBuffer("this message send via mcast !", StandardCharsets.UTF_8), 0);
        SourceView v = view(a);
        assertThat(v.datagrams()).isEqualTo(1);
        assertThat(v.format()).isNull();
        assertThat(v.lost()).isNull();
        assertThat(sources.record(a, Unpooled.copiedBuffer("{\"seqx\":3}", StandardCharsets.UTF_8), 0).seq())
                .isEqualTo(-1);
        SourceStats sequenced = sources.record(a, Unpooled.copiedBuffer("{\"seq\" : 42, \"text\":\"x\"}",
                StandardCharsets.UTF_8), 0);
        assertThat(sequenced.seq()).isEqualTo(42);
        assertThat(sequenced.ip()).isEqualTo("127.0.0.1");
        assertThat(sequenced.text()).isEqualTo("127.0.0.1:4000");
        assertThat(sources.record(a, Unpooled.copiedBuffer("plain again", StandardCharsets.UTF_8), 0).seq())
                .as("the sequence number is the datagram's, not the sender's last").isEqualTo(-1);
    }

    @Test
    void shouldKeepTheLastFiveMinutesInStepsOfFiveSeconds() {
        long t0 = 1_000_000_000L; // a step's start
        for (long n = 1; n <= 10; n++) {
            sources.record(a, json(n), t0 + n * 100); // 10 datagrams in the first step
        }
        sources.record(a, json(13), t0 + 6_000); // 2 lost, in the second step
        sources.record(a, json(14), t0 + 12_000); // the third step is under way
        History h = sources.snapshot(t0 + 12_000, true).get(0).history();
        assertThat(h.stepSeconds()).isEqualTo(5);
        assertThat(h.end().toEpochMilli()).isEqualTo(t0 + 10_000);
        assertThat(h.bitrate()).hasSize(60);
        long bytes = 0;
        for (long n = 1; n <= 10; n++) {
            bytes += json(n).readableBytes();
        }
        assertThat(h.bitrate()[58]).isEqualTo(bytes * 8 / 5.0);
        assertThat(h.bitrate()[59]).isEqualTo(json(13).readableBytes() * 8 / 5.0);
        assertThat(h.errors()[58]).isZero();
        assertThat(h.errors()[59]).isEqualTo(2);
        assertThat(h.bitrate()[57]).isZero();
        History later = sources.snapshot(t0 + 10 * 60_000, true).get(0).history();
        assertThat(later.bitrate()).as("ten minutes later: nothing in the last five").containsOnly(0.0);
        assertThat(later.errors()).containsOnly(0L);
        assertThat(sources.snapshot(t0, false).get(0).history()).as("only when asked for").isNull();
    }

    @Test
    void shouldForgetTheSenderIdleLongestBeyondTheMaximumAndCountIt() {
        ChannelSources few = new ChannelSources("default", 10);
        for (int port = 1; port <= 100; port++) {
            few.record(address(port), json(1), port);
        }
        few.record(address(95), json(2), 1000); // seen again: the most recent
        few.record(address(200), json(1), 1001);
        assertThat(few.size()).isEqualTo(10);
        assertThat(few.evicted()).isEqualTo(91);
        assertThat(few.snapshot(1001)).extracting(SourceView::source).contains("127.0.0.1:95", "127.0.0.1:200")
                .doesNotContain("127.0.0.1:91");
    }

    /** from..to with from+9 and from+19 skipped, from+29 twice, from+39 and from+40 swapped. */
    static List<Long> burst(long from, long to) {
        List<Long> seqs = new ArrayList<>();
        for (long n = from; n <= to; n++) {
            if (n == from + 9 || n == from + 19) {
                continue;
            }
            if (n == from + 39) {
                seqs.add(n + 1);
                seqs.add(n);
                n++;
                continue;
            }
            seqs.add(n);
            if (n == from + 29) {
                seqs.add(n);
            }
        }
        return seqs;
    }

    static ByteBuf json(long seq) {
        return Unpooled.copiedBuffer("{\"seq\":" + seq + ",\"sentAt\":\"2026-11-26T12:00:00Z\",\"text\":\"x\"}",
                StandardCharsets.UTF_8);
    }

    static ByteBuf rtp(int seq, long ssrc) {
        ByteBuf buf = Unpooled.buffer(12 + 8);
        buf.writeByte(0x80).writeByte(33).writeShort(seq).writeInt(seq * 3000).writeInt((int) ssrc);
        buf.writeBytes(new byte[8]);
        return buf;
    }

    private SourceView view(InetSocketAddress sender) {
        String text = "127.0.0.1:" + sender.getPort();
        return sources.snapshot(0).stream().filter(v -> v.source().equals(text)).findFirst().orElseThrow();
    }

    private static InetSocketAddress address(int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
