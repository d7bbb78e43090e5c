package io.mcastgateway.hub;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.mcastgateway.channel.Bind;
import io.mcastgateway.channel.ChannelSpec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Vertx;

/**
 * JMH: the per-datagram work of the hub (frame and JSON written once, replay ring, one subscriber's
 * offer), for 64-byte text and 1,024-byte binary payloads. Run by bench/run with {@code -prof gc}:
 * {@code gc.alloc.rate.norm} is the bytes allocated per datagram, the number a change is judged by.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HubBenchmark {

    private Vertx vertx;
    private Hub hub;
    private ChannelSpec channel;
    private ByteBuf text;
    private ByteBuf binary;
    private ByteBuf text1024;

    /** The replay ring and one subscriber that takes every frame (and forgets it). */
    static final class OneSubscriber implements Transport, Subscriber, EventIds {
        private final ReplayRing ring = new ReplayRing(1000);
        private long numbered;
        byte[] last;

        @Override
        public EventIds ids() {
            return this;
        }

        @Override
        public String epoch() {
            return "bench";
        }

        @Override
        public long next() {
            return ++numbered;
        }

        @Override
        public void append(StreamEvent event) {
            ring.add(event);
            if (wants(event)) {
                offer(event.frame());
            }
        }

        @Override
        public boolean wants(StreamEvent event) {
            return true;
        }

        @Override
        public boolean wantsStatus(String channel, String group) {
            return false;
        }

        @Override
        public boolean offer(byte[] frame) {
            last = frame;
            return false;
        }

        @Override
        public void flush() {
        }

        @Override
        public io.vertx.core.Context context() {
            throw new UnsupportedOperationException("this benchmark's transport calls offer itself");
        }

        @Override
        public void deliver(byte[][] frames, int count, long batch) {
            last = frames[count - 1];
        }

        @Override
        public void missed(long count) {
        }

        @Override
        public SubscriberInfo info() {
            return null;
        }

        @Override
        public void subscribe(Subscriber subscriber, String lastEventId) {
        }

        @Override
        public void unsubscribe(Subscriber subscriber) {
        }

        @Override
        public List<Subscriber> subscribers() {
            return List.of(this);
        }

        @Override
        public int subscriberCount() {
            return 1;
        }

        @Override
        public TransportInfo status() {
            return TransportInfo.local(ring.size());
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        vertx = Vertx.vertx();
        hub = new Hub(new OneSubscriber(), vertx.eventBus(), new StreamStats());
        channel = ChannelSpec.receiving("default", InetAddress.getByName("239.255.255.252"), 23456, "lo", Bind.GROUP);
        text = Unpooled.copiedBuffer("0123456789abcdef".repeat(4), StandardCharsets.US_ASCII);
        byte[] bytes = new byte[1024];
        new java.util.Random(1).nextBytes(bytes);
        bytes[0] = (byte) 0xff;
        binary = Unpooled.wrappedBuffer(bytes);
        // the benchmark's 1,024-byte datagram: "<tag> <seq> <nanos> " padded with dots (bench/sender.c)
        String head = "7 123456 987654321012345 ";
        text1024 = Unpooled.copiedBuffer(head + ".".repeat(1024 - head.length()), StandardCharsets.US_ASCII);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        vertx.close();
    }

    @Benchmark
    public StreamEvent publishText64() {
        return hub.publish(channel, text, "127.0.0.1", "127.0.0.1:43597", System.currentTimeMillis(), -1);
    }

    @Benchmark
    public StreamEvent publishText1024() {
        return hub.publish(channel, text1024, "127.0.0.1", "127.0.0.1:43597", System.currentTimeMillis(), -1);
    }

    @Benchmark
    public StreamEvent publishBinary1024() {
        return hub.publish(channel, binary, "127.0.0.1", "127.0.0.1:43597", System.currentTimeMillis(), -1);
    }
}
