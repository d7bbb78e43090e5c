package io.mcastgateway.rest;

import java.util.concurrent.ArrayBlockingQueue;
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
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * One SSE connection. Frames are queued by the receiving thread into a bounded queue and drained on
 * the connection's own event loop, all queued frames as one chunk write, once per batch the receiving
 * socket read (see {@link #flush()}). When the client does not
 * read, the connection's write queue fills and draining parks until the connection's drain handler
 * fires; meanwhile the queue drops its oldest frames (counted; the client gets a {@code gap} event
 * before the frames that follow). A slow client never slows the receiver or the other clients, and
 * what it holds stays bounded.
 */
final class SseSubscriber implements Subscriber {

    private static final int MAX_CHUNK_BYTES = 256 * 1024;
    private static final int MAX_BATCH = 512;
    private static final int DRAIN_STEP = 64;
    private static final AtomicLong IDS = new AtomicLong();

    private final long id = IDS.incrementAndGet();
    private final Context context;
    private final HttpServerResponse response;
    private final Predicate<StreamEvent> filter;
    private final String description;
    private final String remote;
    private final String connectedAt = Timestamps.format(System.currentTimeMillis());
    private final StreamStats stats;
    private final ArrayBlockingQueue<byte[]> queue;
    /** True from when a drain is scheduled (or parked on a full write queue) until it runs. */
    private final AtomicBoolean drainPending = new AtomicBoolean();
    private final AtomicLong droppedSinceGap = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final Handler<Void> drainTask = v -> drain();
    /** A frame was offered since the last flush; touched by the appending thread under the transport's lock. */
    private boolean flushRequested;
    private final byte[][] batch; // only touched on the connection's event loop
    private final java.util.ArrayList<byte[]> taken = new java.util.ArrayList<>(DRAIN_STEP); // likewise
    private boolean parked; // only touched on the connection's event loop
    private volatile boolean closed;

    SseSubscriber(Context context, HttpServerResponse response, Filter filter, int buffer, String remote,
            StreamStats stats) {
        this.context = context;
        this.response = response;
        this.filter = filter.predicate();
        this.description = filter.description();
        this.remote = remote;
        this.stats = stats;
        this.queue = new ArrayBlockingQueue<>(buffer);
        this.batch = new byte[Math.min(buffer, MAX_BATCH)][];
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
    public boolean offer(byte[] frame) {
        while (!queue.offer(frame)) {
            if (queue.poll() != null) {
                droppedSinceGap.incrementAndGet();
                dropped.incrementAndGet();
                stats.addDropped(1);
            }
        }
        if (flushRequested) {
            return false;
        }
        flushRequested = true;
        return true;
    }

    @Override
    public void flush() {
        flushRequested = false;
        if (drainPending.compareAndSet(false, true)) {
            context.runOnContext(drainTask);
        }
    }

    /** Writes what is queued as one chunk; runs on the connection's event loop. */
    private void drain() {
        if (closed) {
            return;
        }
        if (response.writeQueueFull()) {
            parked = true; // drainPending stays true: offers schedule nothing until the drain handler
            return;
        }
        drainPending.set(false);
        long missed = droppedSinceGap.getAndSet(0);
        byte[] gap = missed > 0 ? SseFrames.gap(missed, "slow-consumer") : null;
        int bytes = gap == null ? 0 : gap.length;
        int events = 0;
        // up to DRAIN_STEP frames per take of the queue's lock, so the receiving thread rarely waits for it
        while (events < batch.length && bytes < MAX_CHUNK_BYTES) {
            int n = queue.drainTo(taken, Math.min(DRAIN_STEP, batch.length - events));
            if (n == 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                byte[] frame = taken.get(i);
                batch[events++] = frame;
                bytes += frame.length;
            }
            taken.clear();
        }
        if (bytes > 0) {
            // one copy into a pooled buffer of the exact size (no garbage), one write; released once written
            ByteBuf chunk = PooledByteBufAllocator.DEFAULT.directBuffer(bytes, bytes);
            if (gap != null) {
                chunk.writeBytes(gap);
            }
            for (int i = 0; i < events; i++) {
                chunk.writeBytes(batch[i]);
                batch[i] = null;
            }
            response.write(Buffer.buffer(chunk)).onComplete(written -> chunk.release());
            delivered.addAndGet(events);
            stats.addDelivered(events);
        }
        if (!queue.isEmpty() && drainPending.compareAndSet(false, true)) {
            context.runOnContext(drainTask);
        }
    }

    void heartbeat() {
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
        queue.clear();
    }

    @Override
    public SubscriberInfo info() {
        return new SubscriberInfo(id, remote, description, connectedAt, delivered.get(), dropped.get(), queue.size());
    }
}
