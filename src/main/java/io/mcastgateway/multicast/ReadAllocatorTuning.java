package io.mcastgateway.multicast;

import io.mcastgateway.platform.VertxInternals;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.vertx.core.datagram.DatagramSocket;

/**
 * The one place that tunes how Netty reads the receiving socket.
 * <p>
 * Vert.x 4 turns {@code DatagramSocketOptions.setReceiveBufferSize(n)} into both the kernel
 * {@code SO_RCVBUF} and a read allocator of {@code n} bytes with one read per wake-up: with a 4 MiB
 * kernel buffer every datagram then allocates and zero-fills 4 MiB and receiving caps near 6,000
 * datagrams/s. This replaces the allocator with {@value #READ_BUFFER_BYTES}-byte reads (the largest
 * UDP payload fits) and up to {@value #READS_PER_WAKEUP} datagrams per wake-up. Vert.x exposes no
 * option for it, so the Netty channel is taken from the socket's implementation; it must run before
 * the socket's first read, i.e. before {@code listen}.
 * <p>
 * Netty reads a whole batch before it hands the datagrams on, so 32 reads hold 2 MiB at once. From
 * the shared pool (4 MiB chunks) that pushes a chunk past half full and frees it when the batch is
 * released: a 4 MiB chunk created and destroyed on every wake-up. Receiving sockets therefore
 * allocate from their own pool of {@value #POOL_CHUNK_BYTES}-byte chunks, where a batch stays under
 * a quarter of a chunk and the chunk is kept.
 * <p>
 * Its pages are {@value #POOL_PAGE_BYTES} bytes: a 64 KiB read is then one of Netty's "small" sizes,
 * which the receiving thread's own cache hands out and takes back without touching the arena. Rule: a
 * read buffer must stay a "small" size (at most 32 KiB pages' worth): larger ones are runs of pages,
 * allocated from and given back to the chunk's tree on every read, which no thread cache serves.
 */
public final class ReadAllocatorTuning {

    public static final int READ_BUFFER_BYTES = 65536;
    public static final int READS_PER_WAKEUP = 32;
    /** 32 KiB pages, 2^9 pages per chunk (16 MiB). */
    static final int POOL_PAGE_BYTES = 32768;
    static final int POOL_MAX_ORDER = 9;
    /** Read buffers each receiving thread keeps for reuse: two wake-ups' worth. */
    static final int THREAD_CACHED_READ_BUFFERS = 2 * READS_PER_WAKEUP;
    public static final int POOL_CHUNK_BYTES = POOL_PAGE_BYTES << POOL_MAX_ORDER;

    /**
     * Shared by every receiving socket: one direct arena, no heap arena (reads are direct), a cache of
     * read buffers per event-loop thread (the threads that read).
     */
    private static final PooledByteBufAllocator RECEIVE_POOL = new PooledByteBufAllocator(true, 0, 1,
            POOL_PAGE_BYTES, POOL_MAX_ORDER, THREAD_CACHED_READ_BUFFERS, 0, false);

    private ReadAllocatorTuning() {
    }

    public static void apply(DatagramSocket socket) {
        FixedRecvByteBufAllocator allocator = new FixedRecvByteBufAllocator(READ_BUFFER_BYTES);
        // a datagram never fills the buffer, so "maybe more data" would end every read loop after one datagram
        allocator.respectMaybeMoreData(false);
        allocator.maxMessagesPerRead(READS_PER_WAKEUP);
        channel(socket).config().setRecvByteBufAllocator(allocator).setAllocator(RECEIVE_POOL);
    }

    /** The buffer allocator in effect on the socket's channel. */
    public static ByteBufAllocator bufferAllocatorInEffect(DatagramSocket socket) {
        return channel(socket).config().getAllocator();
    }

    /** The allocator in effect on the socket's channel. */
    public static RecvByteBufAllocator inEffect(DatagramSocket socket) {
        return channel(socket).config().getRecvByteBufAllocator();
    }

    static io.netty.channel.socket.DatagramChannel channel(DatagramSocket socket) {
        return VertxInternals.channel(socket);
    }
}
