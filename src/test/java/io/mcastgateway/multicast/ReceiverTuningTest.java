package io.mcastgateway.multicast;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Guards the read tuning: without it each datagram would allocate the whole receive buffer size
 * (4 MiB) and receiving would cap near 6,000 datagrams/s.
 */
@QuarkusTest
class ReceiverTuningTest {

    @Inject
    MulticastReceiver receiver;

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
    void shouldBeJoinedAndBoundToTheGroup() {
        GroupReceiver r = receiver.receivers().get(0);
        assertThat(r.state()).isEqualTo(GroupReceiver.State.JOINED);
        assertThat(r.socket().localAddress().host()).isEqualTo("239.255.255.252");
    }
}
