package io.mcastgateway.sse;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import io.mcastgateway.hub.SseFrames;
import io.mcastgateway.hub.StreamEvent;
import io.mcastgateway.hub.StreamStats;
import io.mcastgateway.hub.Subscriber;
import io.mcastgateway.hub.SubscriberInfo;
import io.mcastgateway.hub.Timestamps;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;

/**
 * One SSE connection. Live events reach it on the connection's own event loop ({@link #deliver}, from
 * the hub's {@link io.mcastgateway.hub.Fanout}) and are written at once, all of a batch as one chunk.
 * Frames that must wait go to a bounded queue: a replay (offered from the transport's thread), and live
 * events while the connection's write queue is full, i.e. the client does not read. Then writing parks
 * until the connection's drain handler fires, and the queue drops its oldest frames (counted; the client
 * gets a {@code gap} event before the frames that follow). A slow client never slows the receiver or the
 * other clients, and what it holds stays bounded.
 * <p>
 * Threads: the connection's event loop owns the stream's writing state (the batch array, heartbeat
 * ticks and slot, the chunk writer) and is the only thread that writes to the connection. Other threads
 * (a transport replaying, the route) only {@link #offer} into the queue, which is guarded by itself, and
 * schedule a drain on the event loop; the counters are atomics, read by the stats from any thread.
 */
final class SseSubscriber implements Subscriber {

    private static final int MAX_CHUNK_BYTES = 256 * 1024;
    private static final int MAX_BATCH = 512;
    private static final AtomicLong IDS = new AtomicLong();

    private final long id = IDS.incrementAndGet();
    private final Context context;
    private final HttpServerResponse response;
    private final Predicate<StreamEvent> filter;
    private final Filter channelFilter;
    private final String description;
    private final String remote;
    private final String connectedAt = Timestamps.format(System.currentTimeMillis());
    private final StreamStats stats;
    private final int capacity;
    /**
     * What the stream starts with (the {@code retry:} line), written before anything else once the
     * transport first flushes or delivers to it, i.e. once it is subscribed: a client that has read it
     * gets every event from then on.
     */
    private final Buffer opening;
    private boolean opened;
    /** Frames that wait (see the class comment); guarded by itself, as is droppedSinceGap. */
    private final ArrayDeque<byte[]> queue;
    private long droppedSinceGap;
    /** True from when a drain is scheduled (or parked on a full write queue) until it runs. */
    private final AtomicBoolean drainPending = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final Handler<Void> drainTask = v -> drain();
    /**
     * Frames taken from the queue for one write; made at the first drain, because most streams never
     * queue anything and an idle stream must stay small.
     */
    private byte[][] batch;
    private boolean parked; // likewise
    /** Heartbeat ticks (two a period) since something was last written to the stream. */
    private int idleTicks;
    /** Where {@link Heartbeats} keeps the stream in its loop's list, or -1. */
    int heartbeatSlot = -1;
    private final HttpConnection connection;
    private HttpChunks.Writer chunks; // see chunks(); only touched on the connection's event loop
    private boolean chunksKnown; // likewise
    private volatile boolean closed;

    SseSubscriber(Context context, HttpConnection connection, HttpServerResponse response, Filter filter, int buffer,
            String remote, StreamStats stats, Buffer opening) {
        this.context = context;
        this.opening = opening;
        this.connection = connection;
        this.response = response;
        this.filter = filter.predicate();
        this.channelFilter = filter;
        this.description = filter.description();
        this.remote = remote;
        this.stats = stats;
        this.capacity = buffer;
        this.queue = new ArrayDeque<>(4); // grows when a stream falls behind; most never queue anything
        response.drainHandler(v -> {
            if (parked) {
                parked = false;
                drain();
            }
        });
    }

    @Override
    public boolean wants(StreamEvent event) {
        return !closed && filter.test(event);
    }

    @Override
    public boolean wantsStatus(String channel, String group) {
        return !closed && channelFilter.followsChannel(channel, group);
    }

    @Override
    public Context context() {
        return context;
    }

    @Override
    public boolean offer(byte[] frame) {
        synchronized (queue) {
            enqueue(frame);
            return queue.size() == 1;
        }
    }

    /** Adds a frame to the queue, dropping the oldest when it is full; the caller holds its lock. */
    private void enqueue(byte[] frame) {
        while (queue.size() >= capacity) {
            queue.poll();
            droppedSinceGap++;
            dropped.incrementAndGet();
            stats.addDropped(1);
        }
        queue.add(frame);
    }

    @Override
    public void flush() {
        if (drainPending.compareAndSet(false, true)) {
            context.runOnContext(drainTask);
        }
    }

    @Override
    public void deliver(byte[][] frames, int count, long batch) {
        if (closed) {
            return;
        }
        open();
        synchronized (queue) {
            if (parked || !queue.isEmpty() || droppedSinceGap > 0) {
                // something waits before them: they wait too, in order
                for (int i = 0; i < count; i++) {
                    enqueue(frames[i]);
                }
                count = 0;
            }
        }
        if (count > 0) {
            int written = batch != 0 && writeShared(frames, count, batch) ? count
                    : write(null, frames, count); // the usual case: nothing queued, nothing kept
            if (written < count || response.writeQueueFull()) {
                parked = true; // the client does not keep up: the rest waits for the drain handler
                synchronized (queue) {
                    for (int i = written; i < count; i++) {
                        enqueue(frames[i]);
                    }
                }
            }
        } else if (!parked) {
            drain();
        }
    }

    @Override
    public void missed(long count) {
        synchronized (queue) {
            droppedSinceGap += count;
        }
        dropped.addAndGet(count);
        stats.addDropped(count);
        if (!parked) {
            drain();
        }
    }

    /** Writes what is queued, as chunks; runs on the connection's event loop. */
    private void drain() {
        if (closed) {
            return;
        }
        open();
        if (response.writeQueueFull()) {
            parked = true; // drainPending stays true: offers schedule nothing until the drain handler
            return;
        }
        drainPending.set(false);
        long missed;
        int events = 0;
        boolean more;
        synchronized (queue) {
            missed = droppedSinceGap;
            droppedSinceGap = 0;
            if (batch == null && !queue.isEmpty()) {
                batch = new byte[Math.min(capacity, MAX_BATCH)][];
            }
            while (!queue.isEmpty() && events < batch.length) {
                batch[events++] = queue.poll();
            }
            more = !queue.isEmpty();
        }
        if (events == 0 && missed == 0) {
            return; // nothing waited (a flush that found the queue empty)
        }
        int written = write(missed > 0 ? SseFrames.gap(missed, "slow-consumer") : null, batch, events);
        if (written < events) { // the connection is full: the rest goes back to the front, in order
            parked = true;
            synchronized (queue) {
                for (int i = events - 1; i >= written; i--) {
                    queue.addFirst(batch[i]);
                }
            }
        }
        if (events > 0) {
            java.util.Arrays.fill(batch, 0, events, null);
        }
        if (more && !parked && drainPending.compareAndSet(false, true)) {
            context.runOnContext(drainTask);
        }
    }

    /**
     * Writes a gap (or null) and frames as chunks of at most MAX_CHUNK_BYTES (bigger when one frame is),
     * while the connection's write queue has room (the first chunk always): returns how many frames
     * were written, so what the client has not read yet stays bounded.
     */
    private int write(byte[] gap, byte[][] frames, int count) {
        HttpChunks.Writer chunks = chunks();
        int i = 0;
        while (gap != null || i < count) {
            if (i > 0 && response.writeQueueFull()) {
                break;
            }
            int bytes = gap == null ? 0 : gap.length;
            int end = i;
            while (end < count && (end == i || bytes + frames[end].length <= MAX_CHUNK_BYTES)) {
                bytes += frames[end++].length;
            }
            // one copy into a pooled buffer of the exact size (no garbage), one write; released once written
            ByteBuf chunk = chunk(gap, frames, i, end, bytes, chunks != null);
            gap = null;
            if (chunks != null) {
                chunks.write(chunk);
            } else {
                response.write(Buffer.buffer(chunk)).onComplete(written -> chunk.release());
            }
            markWritten(end - i);
            i = end;
        }
        return i;
    }

    /**
     * Writes a whole batch of the event loop as the chunk made for the first subscriber that got it:
     * every other subscriber given the same batch writes the same bytes (no copy, no buffer object per
     * subscriber). False, and nothing written, when the stream takes no hand-made chunks or the batch is
     * larger than one chunk.
     */
    private boolean writeShared(byte[][] frames, int count, long batch) {
        HttpChunks.Writer chunks = chunks();
        if (chunks == null) {
            return false;
        }
        SharedChunk shared = SHARED.get();
        if (shared.batch != batch) {
            int bytes = 0;
            for (int i = 0; i < count; i++) {
                bytes += frames[i].length;
            }
            if (bytes > MAX_CHUNK_BYTES) {
                return false;
            }
            fill(shared.next(batch, bytes + HttpChunks.framingBytes(bytes)), null, frames, 0, count, bytes, true);
        }
        chunks.writeShared(shared.chunk, shared.view);
        markWritten(count);
        return true;
    }

    /** Events went to the connection: counted, and the stream is not idle. */
    private void markWritten(int events) {
        delivered.addAndGet(events);
        stats.addDelivered(events);
        idleTicks = 0;
    }

    /**
     * A gap (or null) and {@code frames[from]} to {@code frames[to - 1]} ({@code bytes} in all) in a pooled
     * buffer of the exact size; {@code framed}: as a hand-made HTTP/1.1 chunk.
     */
    private static ByteBuf chunk(byte[] gap, byte[][] frames, int from, int to, int bytes, boolean framed) {
        int size = bytes + (framed ? HttpChunks.framingBytes(bytes) : 0);
        return fill(PooledByteBufAllocator.DEFAULT.directBuffer(size, size), gap, frames, from, to, bytes, framed);
    }

    private static ByteBuf fill(ByteBuf chunk, byte[] gap, byte[][] frames, int from, int to, int bytes,
            boolean framed) {
        if (framed) {
            HttpChunks.writeHead(chunk, bytes);
        }
        if (gap != null) {
            chunk.writeBytes(gap);
        }
        for (int i = from; i < to; i++) {
            chunk.writeBytes(frames[i]);
        }
        if (framed) {
            HttpChunks.writeTail(chunk);
        }
        return chunk;
    }

    /**
     * The chunk of the last whole batch this event loop wrote, and a NIO view of its memory. The next
     * batch is written into the same buffer when no stream still needs the last one (nothing of it waits
     * in Netty's queue: its reference count is back to one), so a batch costs no buffer and no garbage.
     */
    private static final class SharedChunk {
        private static final int MIN_CAPACITY = 16 * 1024;
        long batch;
        ByteBuf chunk;
        ByteBuffer view;

        /** An empty chunk of at least {@code size} bytes for the batch. */
        ByteBuf next(long batch, int size) {
            this.batch = batch;
            if (chunk != null && chunk.refCnt() == 1 && chunk.capacity() >= size) {
                return chunk.clear();
            }
            if (chunk != null) {
                chunk.release(); // the streams whose copies wait in Netty's queue hold their own references
            }
            int capacity = Math.max(size, MIN_CAPACITY);
            chunk = PooledByteBufAllocator.DEFAULT.directBuffer(capacity, capacity);
            view = chunk.nioBuffer(0, capacity);
            return chunk;
        }
    }

    private static final FastThreadLocal<SharedChunk> SHARED = new FastThreadLocal<>() {
        @Override
        protected SharedChunk initialValue() {
            return new SharedChunk();
        }
    };

    /**
     * Where ready-made HTTP/1.1 chunks are written, past Vert.x's response and Netty's HTTP encoder (no
     * promise, listener or buffer per write); null, and chunks go through the response, when the stream is not a
     * plain chunked HTTP/1.1 response (HTTP/2, HTTP/1.0, compression). Known once the head is written.
     */
    private HttpChunks.Writer chunks() {
        if (!chunksKnown && response.headWritten()) {
            chunksKnown = true;
            chunks = HttpChunks.writer(connection, response);
        }
        return chunks;
    }

    /**
     * Writes the opening line (and with it the response's head) if not yet done, on the connection's
     * event loop; the chunk writer is looked up then, once per stream.
     */
    private void open() {
        if (!opened) {
            opened = true;
            response.write(opening);
            chunks();
        }
    }

    /**
     * A heartbeat tick, two every {@code mcast.stream.heartbeat}, on the connection's event loop: a
     * comment when nothing was written for two ticks. An idle stream gets one a period, and no stream
     * is silent for longer than a period; a stream that carries events gets none.
     */
    void heartbeatTick() {
        if (!opened || ++idleTicks < 2) {
            return;
        }
        idleTicks = 0;
        if (!closed && !response.writeQueueFull()) {
            response.write(SseFrames.heartbeat());
        }
    }

    /**
     * Ends the response on the connection's event loop: the client sees the stream end (the last chunk
     * is written). The future completes when it is written, or at once when the stream already ended.
     */
    Future<Void> end() {
        Promise<Void> ended = Promise.promise();
        context.runOnContext(v -> {
            if (!closed && !response.ended()) {
                if (!parked) {
                    drain(); // what is queued goes out before the end
                }
                closed = true;
                // a connection that is already gone is ended too
                response.end().onComplete(ar -> ended.tryComplete());
            } else {
                ended.tryComplete();
            }
        });
        return ended.future();
    }

    void close() {
        closed = true;
        synchronized (queue) {
            queue.clear();
        }
    }

    @Override
    public SubscriberInfo info() {
        int queued;
        synchronized (queue) {
            queued = queue.size();
        }
        return new SubscriberInfo(id, remote, description, connectedAt, delivered.get(), dropped.get(), queued);
    }
}
