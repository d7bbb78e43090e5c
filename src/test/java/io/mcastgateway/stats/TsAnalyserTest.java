package io.mcastgateway.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Ts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Plain JUnit: the TR 101 290 priority 1 checks on crafted packets, datagram by datagram. */
class TsAnalyserTest {

    private static final int VIDEO = 256;
    private static final int PMT = 4096;

    private final ChannelSources sources = new ChannelSources("tv", 100);
    private final InetSocketAddress sender = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5000);
    private long now = 1_000_000;

    @Test
    void shouldCountNoErrorInAWholeStream() {
        List<byte[]> packets = stream(70, 0);
        send(packets);
        TsView ts = view();
        assertThat(ts.packets()).isEqualTo(packets.size());
        assertThat(ts.continuityErrors()).isZero();
        assertThat(ts.patErrors()).isZero();
        assertThat(ts.pmtErrors()).isZero();
        assertThat(ts.pat()).isEqualTo("ok");
        assertThat(ts.programs()).containsExactly(new TsView.Pmt(1, PMT, "ok"));
        assertThat(ts.lastError()).isNull();
    }

    @Test
    void shouldAllowOneDuplicatePacketButNotASecond() {
        send(List.of(Ts.packet(VIDEO, 3), Ts.packet(VIDEO, 4), Ts.packet(VIDEO, 4), Ts.packet(VIDEO, 5)));
        assertThat(errorsOf(VIDEO)).isZero();
        send(List.of(Ts.packet(VIDEO, 5), Ts.packet(VIDEO, 5), Ts.packet(VIDEO, 6)));
        assertThat(errorsOf(VIDEO)).as("the third 5").isEqualTo(1);
    }

    @Test
    void shouldCountAGapAndAJumpBackPerPid() {
        send(List.of(Ts.packet(VIDEO, 14), Ts.packet(VIDEO, 15), Ts.packet(VIDEO, 0), Ts.packet(VIDEO, 2),
                Ts.packet(257, 7), Ts.packet(257, 8), Ts.packet(257, 6)));
        assertThat(errorsOf(VIDEO)).as("15 -> 0 wraps; 0 -> 2 skips one").isEqualTo(1);
        assertThat(errorsOf(257)).isEqualTo(1);
        assertThat(view().continuityErrors()).isEqualTo(2);
        assertThat(view().lastError()).isEqualTo("continuity");
    }

    @Test
    void shouldKeepTheCounterOnPacketsWithoutPayloadAndHonourTheDiscontinuityIndicator() {
        send(List.of(Ts.packet(VIDEO, 4), Ts.packet(VIDEO, 4, false, false, false), Ts.packet(VIDEO, 5),
                Ts.packet(VIDEO, 11, true, true, true), Ts.packet(VIDEO, 12)));
        assertThat(errorsOf(VIDEO)).isZero();
        send(List.of(Ts.packet(VIDEO, 13, false, false, false)));
        assertThat(errorsOf(VIDEO)).as("adaptation-only packet that counted on").isEqualTo(1);
    }

    @Test
    void shouldNotCheckTheNullPid() {
        send(List.of(Ts.packet(Ts.NULL_PID, 0), Ts.packet(Ts.NULL_PID, 9), Ts.packet(Ts.NULL_PID, 3)));
        assertThat(view().continuityErrors()).isZero();
    }

    @Test
    void shouldAgreeWithTheIndependentReadingOnAnImpairedStream() {
        List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int pid = i % 3 == 0 ? VIDEO : i % 3 == 1 ? 257 : 300 + i % 7;
            int cc = (i * 7 + pid) & 15; // a counter that is wrong almost everywhere
            packets.add(i % 11 == 0 ? Ts.packet(pid, cc, false, false, false) : Ts.packet(pid, cc));
        }
        send(packets);
        Map<Integer, Long> expected = Ts.continuityErrors(packets);
        for (Map.Entry<Integer, Long> e : expected.entrySet()) {
            assertThat(errorsOf(e.getKey())).as("PID " + e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(view().continuityErrors()).isEqualTo(expected.values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void shouldCountAMissingPatOnceAndAMissingPmtOnce() {
        send(stream(14, 0)); // PAT and PMT at the start
        now += 400;
        send(List.of(Ts.packet(VIDEO, 0, true, false, true)));
        assertThat(view().patErrors()).isZero();
        now += 200; // 600 ms without PAT or PMT
        send(List.of(Ts.packet(VIDEO, 1)));
        assertThat(view().patErrors()).isEqualTo(1);
        assertThat(view().pmtErrors()).isEqualTo(1);
        assertThat(view().pat()).isEqualTo("missing");
        assertThat(view().programs()).containsExactly(new TsView.Pmt(1, PMT, "missing"));
        now += 1000;
        send(List.of(Ts.packet(VIDEO, 2)));
        assertThat(view().patErrors()).as("still the same absence").isEqualTo(1);
        send(List.of(Ts.pat(1, PMT), Ts.pmt(PMT, 1)));
        assertThat(view().pat()).isEqualTo("ok");
        assertThat(view().programs()).containsExactly(new TsView.Pmt(1, PMT, "ok"));
        now += 600;
        send(List.of(Ts.packet(VIDEO, 3)));
        assertThat(view().patErrors()).as("a second absence").isEqualTo(2);
    }

    @Test
    void shouldCountATableOtherThanThePatOnPidZero() {
        byte[] wrong = Ts.pat(0, PMT);
        wrong[5] = 0x02; // a PMT's table id on PID 0
        send(List.of(wrong));
        assertThat(view().patErrors()).isEqualTo(1);
        assertThat(view().lastError()).isEqualTo("pat");
    }

    @Test
    void shouldCountSyncByteErrorsAndOneSyncLossPerRun() {
        send(stream(7, 0));
        List<byte[]> bad = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            byte[] p = Ts.packet(VIDEO, i);
            if (i >= 2 && i <= 4) {
                p[0] = 0x48;
            }
            bad.add(p);
        }
        send(bad);
        TsView ts = view();
        assertThat(ts.syncByteErrors()).isEqualTo(3);
        assertThat(ts.syncLosses()).isEqualTo(1);
        assertThat(ts.inSync()).as("2 good bytes are not 5").isFalse();
        send(stream(7, 0));
        assertThat(view().inSync()).isTrue();
    }

    @Test
    void shouldTrackAtMost64PidsAndCountTheRest() {
        List<byte[]> packets = new ArrayList<>();
        for (int pid = 1000; pid < 1100; pid++) {
            packets.add(Ts.packet(pid, 0));
        }
        send(packets);
        TsView ts = sources.source(sender.getAddress().getHostAddress() + ":5000", now).ts();
        assertThat(ts.pidCount()).isEqualTo(TsAnalyser.MAX_PIDS);
        assertThat(ts.untrackedPackets()).isEqualTo(100 - TsAnalyser.MAX_PIDS);
        assertThat(ts.pids()).hasSize(TsAnalyser.MAX_PIDS);
    }

    @Test
    void shouldRecogniseTsInsideRtpPayloadType33() {
        List<byte[]> packets = stream(7, 0);
        byte[] ts = Ts.concat(packets);
        byte[] rtp = new byte[12 + ts.length];
        rtp[0] = (byte) 0x80;
        rtp[1] = 33;
        rtp[3] = 1;
        System.arraycopy(ts, 0, rtp, 12, ts.length);
        sources.record(sender, Unpooled.wrappedBuffer(rtp), now, 0);
        SourceView v = sources.snapshot(now).get(0);
        assertThat(v.format()).isEqualTo("rtp");
        assertThat(v.ts()).isNotNull();
        assertThat(v.ts().packets()).isEqualTo(7);
    }

    @Test
    void shouldNotTakeTextForTs() {
        sources.record(sender, Unpooled.wrappedBuffer(new byte[188]), now, 0); // 188 zero bytes
        sources.record(sender, Unpooled.copiedBuffer("G".repeat(100).getBytes()), now, 0);
        assertThat(sources.snapshot(now).get(0).ts()).isNull();
    }

    /** PAT, PMT and video packets with right counters, starting at {@code cc}. */
    private static List<byte[]> stream(int count, int cc) {
        List<byte[]> packets = new ArrayList<>();
        packets.add(Ts.pat(cc, PMT));
        packets.add(Ts.pmt(PMT, cc));
        for (int i = 0; i < count - 2; i++) {
            packets.add(Ts.packet(VIDEO, cc + i));
        }
        return packets;
    }

    /** Sends the packets seven per datagram. */
    private void send(List<byte[]> packets) {
        for (int i = 0; i < packets.size(); i += 7) {
            ByteBuf datagram = Unpooled.wrappedBuffer(Ts.concat(packets.subList(i, Math.min(packets.size(), i + 7))));
            sources.record(sender, datagram, now, 0);
        }
    }

    private TsView view() {
        return sources.snapshot(now).get(0).ts();
    }

    private long errorsOf(int pid) {
        TsView ts = sources.source(sender.getAddress().getHostAddress() + ":5000", now).ts();
        return ts.pids().stream().filter(p -> p.pid() == pid).mapToLong(TsView.Pid::continuityErrors).sum();
    }
}
