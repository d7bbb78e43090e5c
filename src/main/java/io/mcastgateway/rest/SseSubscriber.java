package io.mcastgateway.rest;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import io.mcastgateway.hub.SseFrames;
import io.mcastgateway.hub.StreamEvent;
import io.mcastgateway.hub.StreamStats;
import io.mcastgateway.hub.Subscriber;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * One SSE connection. Frames are queued by the receiving thread into a bounded queue and drained on
 * the connection's own event loop, all queued frames as one chunk write. When the client does not
 * read, the connection's write queue fills, draining pauses, and the queue drops its oldest frames
 * (counted; the client gets a {@code gap} event before the frames that follow): a slow client never
 * slows the receiver or the other clients, and what it holds stays bounded.
 */
final class SseSubscriber implements Subscriber {

    private static final int MAX_CHUNK_BYTES = 256 * 1024;

    private final Context context;
    private final HttpServerResponse response;
    private final Predicate<StreamEvent> filter;
    private final StreamStats stats;
    private final ArrayBlockingQueue<Buffer> queue;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicLong droppedSinceGap = new AtomicLong();
    private final Runnable drainTask = this::drain;
    private volatile boolean closed;

    SseSubscriber(Context context, HttpServerResponse response, Predicate<StreamEvent> filter, int buffer,
            StreamStats stats) {
        this.context = context;
        this.response = response;
        this.filter = filter;
        this.stats = stats;
        this.queue = new ArrayBlockingQueue<>(buffer);
        response.drainHandler(v -> drain());
    }

    @Override
    public boolean wants(StreamEvent event) {
        return !closed && filter.test(event);
    }

    @Override
    public void offer(Buffer frame) {
        while (!queue.offer(frame)) {
            if (queue.poll() != null) {
                droppedSinceGap.incrementAndGet();
                stats.dropped(1);
            }
        }
        if (drainScheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> drainTask.run());
        }
    }

    /** Writes what is queued as one chunk; runs on the connection's event loop. */
    private void drain() {
        drainScheduled.set(false);
        if (closed || response.writeQueueFull()) {
            return; // the drain handler resumes once the client has read
        }
        Buffer chunk = Buffer.buffer(4096);
        long missed = droppedSinceGap.getAndSet(0);
        if (missed > 0) {
            chunk.appendBuffer(SseFrames.gap(missed, "slow-consumer"));
        }
        int events = 0;
        Buffer frame;
        while (chunk.length() < MAX_CHUNK_BYTES && (frame = queue.poll()) != null) {
            chunk.appendBuffer(frame);
            events++;
        }
        if (chunk.length() > 0) {
            response.write(chunk);
            stats.delivered(events);
        }
        if (!queue.isEmpty() && drainScheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> drainTask.run());
        }
    }

    void heartbeat() {
        if (!closed && !response.writeQueueFull()) {
            response.write(SseFrames.heartbeat());
        }
    }

    void close() {
        closed = true;
        queue.clear();
    }
}
