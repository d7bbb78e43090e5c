package io.mcastgateway.stats;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.mcastgateway.bench.TsPayload;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * JMH: what {@link ChannelSources#record} costs per 1,316-byte datagram when the payload is MPEG-TS (seven
 * packets: every packet's header checked, the PAT and PMT parsed every 1,000 datagrams, 100 ms at 10k/s)
 * and when it is the same bytes without sync bytes (not TS: the checks are not run). Each op writes the
 * datagram first ({@link TsPayload}, the benchmark's payload, its counters counting on) into one direct
 * buffer, as the receive path reads it: the same work in both, so the difference of the two is the checks.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SourcesBenchmark {

    private static final int SIZE = 7 * TsPayload.PACKET;
    private static final long RATE = 10_000;

    private final byte[] bytes = new byte[SIZE];
    private ByteBuf buffer;
    private InetSocketAddress sender;
    private ChannelSources ts;
    private ChannelSources binary;
    private TsPayload tsPayload;
    private TsPayload binaryPayload;
    private long seq;

    @Setup
    public void setUp() throws Exception {
        buffer = Unpooled.directBuffer(SIZE);
        sender = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 40000);
        ts = new ChannelSources("ts", 10);
        binary = new ChannelSources("binary", 10);
        tsPayload = new TsPayload(true, RATE);
        binaryPayload = new TsPayload(false, RATE);
    }

    @TearDown
    public void tearDown() {
        SourceView source = ts.source("127.0.0.1:40000", seq / 10);
        TsView view = source == null ? null : source.ts();
        if (view != null && (view.continuityErrors() != 0 || view.patErrors() != 0 || view.pmtErrors() != 0)) {
            throw new IllegalStateException("the TS checks found errors in the benchmark's stream: " + view);
        }
        buffer.release();
    }

    private SourceStats record(ChannelSources sources, TsPayload payload) {
        seq++;
        payload.write(bytes, SIZE, 1, seq, seq);
        buffer.clear().writeBytes(bytes);
        return sources.record(sender, buffer, seq / 10, seq); // 10 datagrams a millisecond: 10k/s
    }

    @Benchmark
    public SourceStats recordTs1316() {
        return record(ts, tsPayload);
    }

    @Benchmark
    public SourceStats recordNotTs1316() {
        return record(binary, binaryPayload);
    }
}
