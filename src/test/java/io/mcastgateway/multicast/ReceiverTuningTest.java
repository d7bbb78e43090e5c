package io.mcastgateway.multicast;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.mcastgateway.platform.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Guards the read tuning: without it each datagram would allocate the whole receive buffer size
 * (4 MiB) and receiving would cap near 6,000 datagrams/s.
 */
@QuarkusTest
class ReceiverTuningTest {

    @Inject
    MulticastReceiver receiver;

    /**
     * Which Netty transport a started gateway reads with: NIO, as configured (this build carries no native
     * library; Netty 4.1's epoll one is not served by the registry this project builds from). The API says
     * what the receiving socket's channel is.
     */
    @Test
    void shouldSayWhichTransportItsSocketsUse() {
        var channel = VertxInternals.channel(receiver.receivers().get(0).socket());

        assertThat(channel).isInstanceOf(io.netty.channel.socket.nio.NioDatagramChannel.class);
        given().when().get("/api/stats").then().statusCode(200).body("ioTransport", equalTo("nio"));
    }

    @Test
    void shouldReadWith64KiBBuffersAndManyDatagramsPerWakeUp() {
        assertThat(receiver.receivers()).hasSize(1);
        RecvByteBufAllocator allocator = ReadAllocatorTuning.inEffect(receiver.receivers().get(0).socket());

        assertThat(allocator).isInstanceOf(FixedRecvByteBufAllocator.class);
        FixedRecvByteBufAllocator fixed = (FixedRecvByteBufAllocator) allocator;
        assertThat(fixed.maxMessagesPerRead()).isEqualTo(32);
        assertThat(fixed.respectMaybeMoreData()).isFalse();
        var buffer = fixed.newHandle().allocate(ByteBufAllocator.DEFAULT);
        try {
            assertThat(buffer.capacity()).isEqualTo(65536);
        } finally {
            buffer.release();
        }
    }

    @Test
    void shouldReadFromItsOwnPoolWhoseChunksOutliveABatchOfReads() {
        var allocator = ReadAllocatorTuning.bufferAllocatorInEffect(receiver.receivers().get(0).socket());

        assertThat(allocator).isInstanceOf(PooledByteBufAllocator.class).isNotSameAs(PooledByteBufAllocator.DEFAULT);
        var metric = ((PooledByteBufAllocator) allocator).metric();
        // a batch of 32 reads of 64 KiB stays under a quarter of a chunk: the chunk is never freed
        assertThat(32L * 65536).isLessThan(metric.chunkSize() / 4);
        assertThat(metric.numDirectArenas()).isEqualTo(1);
    }

    @Test
    void shouldServeReadBuffersFromTheReadingThreadsCacheNotTheArena() throws Exception {
        var pool = (PooledByteBufAllocator) ReadAllocatorTuning
                .bufferAllocatorInEffect(receiver.receivers().get(0).socket());
        PoolArenaMetric arena = pool.metric().directArenas().get(0);
        long normalBefore = arena.numNormalAllocations();
        long smallBefore = arena.numSmallAllocations();
        var handle = ReadAllocatorTuning.inEffect(receiver.receivers().get(0).socket()).newHandle();
        // on an event-loop thread (a FastThreadLocalThread), as Netty reads: a batch, released, read again
        Thread reader = new FastThreadLocalThread(() -> {
            for (int round = 0; round < 3; round++) {
                ByteBuf[] batch = new ByteBuf[ReadAllocatorTuning.READS_PER_WAKEUP];
                for (int i = 0; i < batch.length; i++) {
                    batch[i] = handle.allocate(pool);
                }
                for (ByteBuf b : batch) {
                    b.release();
                }
            }
        });
        reader.start();
        reader.join(10_000);

        // a 64 KiB read is a "small" size of this pool (never a run of pages from the chunk's tree),
        // and the second and third batches came from the thread's cache, not the arena
        assertThat(arena.numNormalAllocations() - normalBefore).isZero();
        assertThat(arena.numSmallAllocations() - smallBefore).isLessThanOrEqualTo(ReadAllocatorTuning.READS_PER_WAKEUP);
    }

    @Test
    void shouldBeJoinedAndBoundToTheGroup() {
        GroupReceiver r = receiver.receivers().get(0);
        assertThat(r.state()).isEqualTo(GroupReceiver.State.JOINED);
        assertThat(r.socket().localAddress().host()).isEqualTo("239.255.255.252");
    }
}
