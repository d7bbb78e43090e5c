package io.mcastgateway.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mcastgateway.bench.TsPayload;
import io.mcastgateway.support.Ts;
import io.netty.buffer.Unpooled;

/**
 * Plain JUnit: the benchmark's MPEG-TS payload ({@link TsPayload}, which {@code bench/sender.c} mirrors) is
 * one the gateway's checks read in full and find no error in, and its {@code binary} twin is not TS.
 */
class BenchTsPayloadTest {

    private static final int SIZE = 7 * TsPayload.PACKET;
    private static final long RATE = 10_000; // the PAT and PMT every 1,000 datagrams: every 100 ms at this rate

    @Test
    void shouldBeCheckedInFullWithoutAnError() throws Exception {
        ChannelSources sources = new ChannelSources("default", 10);
        InetSocketAddress sender = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 40000);
        TsPayload payload = new TsPayload(true, RATE);
        byte[] buf = new byte[SIZE];
        int datagrams = 30_000; // 3 s at RATE
        List<byte[]> packets = new ArrayList<>();
        for (int seq = 1; seq <= datagrams; seq++) {
            assertThat(payload.write(buf, SIZE, 7, seq, 123_456_789L * seq)).isEqualTo(SIZE);
            sources.record(sender, Unpooled.wrappedBuffer(buf), 1_000_000 + seq * 1000L / RATE);
            for (int p = 0; p < SIZE; p += TsPayload.PACKET) {
                packets.add(Arrays.copyOfRange(buf, p, p + TsPayload.PACKET));
            }
        }

        TsView ts = sources.source("127.0.0.1:40000", 1_000_000 + datagrams * 1000L / RATE).ts();
        assertThat(ts.packets()).isEqualTo(7L * datagrams);
        assertThat(ts.continuityErrors()).isZero();
        assertThat(ts.patErrors()).isZero();
        assertThat(ts.pmtErrors()).isZero();
        assertThat(ts.syncByteErrors()).isZero();
        assertThat(ts.pat()).isEqualTo("ok");
        assertThat(ts.programs()).containsExactly(new TsView.Pmt(1, TsPayload.PID_PMT, "ok"));
        assertThat(ts.pids()).extracting(TsView.Pid::pid)
                .containsExactly(0, TsPayload.PID_VIDEO, TsPayload.PID_AUDIO, TsPayload.PID_PMT);
        assertThat(ts.lastError()).isNull();
        // an independent reading of the counters agrees
        assertThat(Ts.continuityErrors(packets)).isEmpty();
        assertThat(packets).extracting(Ts::pid).containsOnly(0, TsPayload.PID_VIDEO, TsPayload.PID_AUDIO,
                TsPayload.PID_PMT);
    }

    @Test
    void shouldNotBeTsWithoutSyncBytes() throws Exception {
        ChannelSources sources = new ChannelSources("default", 10);
        InetSocketAddress sender = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 40001);
        TsPayload payload = new TsPayload(false, RATE);
        byte[] buf = new byte[SIZE];
        for (int seq = 1; seq <= 2_000; seq++) {
            payload.write(buf, SIZE, 7, seq, seq);
            sources.record(sender, Unpooled.wrappedBuffer(buf), 1_000_000 + seq);
        }
        SourceView view = sources.source("127.0.0.1:40001", 1_002_000);
        assertThat(view.datagrams()).isEqualTo(2_000);
        assertThat(view.ts()).isNull();
        assertThat(view.format()).isNull();
        assertThat(sources.health().tsPackets()).isZero();
    }
}
