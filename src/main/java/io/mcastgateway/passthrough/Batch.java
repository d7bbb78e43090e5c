package io.mcastgateway.passthrough;

import io.mcastgateway.sse.HttpChunks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * The payloads of one read batch of a group, one after the other in one pooled buffer, written once and
 * shared by every client: as an HTTP/1.1 chunk (its head written into room kept in front, its CRLF
 * after) for chunked responses, and as the bare bytes for HTTP/1.0 ones. Whole datagrams only, so what a
 * client drops is whole datagrams (whole MPEG-TS packets).
 */
final class Batch {

    /** Room in front of the payloads for the chunk head: up to 6 hex digits and CRLF (a batch stays below 16 MiB). */
    static final int HEAD = 8;
    /** A batch bigger than this is handed over before the read batch ends. */
    static final int MAX_BYTES = 1 << 20;
    private static final int MIN = 2048;

    /** Stands for no batch where a batch is expected (a queue takes no null). */
    static final Batch NONE = new Batch(io.netty.buffer.Unpooled.EMPTY_BUFFER);

    final ByteBuf buf;
    int datagrams;
    /** Where (in the payloads, from 0) the first MPEG-TS random access point of the batch is, or -1. */
    int start = -1;
    /** The chunk (head, payloads, CRLF) and the payloads alone; views of {@link #buf}, set by {@link #finish()}. */
    ByteBuf chunk;
    ByteBuf body;

    private Batch(ByteBuf buf) {
        this.buf = buf;
    }

    /** A batch for payloads of about {@code size} bytes (what the group's last batch held): it grows if need be. */
    static Batch start(int size) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(MIN, HEAD + size + size / 4 + 2));
        buf.writerIndex(HEAD);
        return new Batch(buf);
    }

    /** The payload bytes in the batch (without the chunk's framing). */
    int bytes() {
        return body != null ? body.readableBytes() : buf.writerIndex() - HEAD;
    }

    /**
     * Ends the batch: the chunk's head and tail around the payloads. Written to a buffer of its size first
     * when it fills less than half of its own: a slow client's queue holds the whole buffer of each batch it
     * waits for, and counts only the bytes (one datagram of 188 bytes must not hold 64 KiB).
     */
    Batch finish() {
        if (buf.capacity() > 2 * (buf.writerIndex() + 2)) {
            ByteBuf fit = PooledByteBufAllocator.DEFAULT.directBuffer(buf.writerIndex() + 2, buf.writerIndex() + 2);
            fit.writeBytes(buf, 0, buf.writerIndex());
            buf.release();
            Batch b = new Batch(fit);
            b.datagrams = datagrams;
            b.start = start;
            return b.finishHere();
        }
        return finishHere();
    }

    private Batch finishHere() {
        int size = bytes();
        int end = buf.writerIndex();
        int headStart = HEAD - (HttpChunks.framingBytes(size) - 2);
        buf.writerIndex(headStart);
        HttpChunks.writeHead(buf, size);
        buf.writerIndex(end);
        HttpChunks.writeTail(buf);
        chunk = buf.duplicate().setIndex(headStart, buf.writerIndex());
        body = buf.duplicate().setIndex(HEAD, end);
        return this;
    }
}
