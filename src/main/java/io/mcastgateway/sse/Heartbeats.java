package io.mcastgateway.sse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import io.mcastgateway.platform.VertxInternals;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The heartbeat of the SSE streams: one periodic timer per event loop ticks every stream that loop serves,
 * twice a {@code mcast.stream.heartbeat} period ({@link SseSubscriber#heartbeatTick()} writes a comment on
 * a stream that was idle for two ticks). Rule: no timer and no task per stream; what a stream costs idle
 * must stay a few fields (docs/performance.md has the measurements behind it).
 * <p>
 * A stream joins and leaves on its connection's event loop, and the timer of that loop runs there too, so
 * a loop's streams are only touched by its own thread. A loop's timer starts with its first stream and
 * stops with its last: nothing ticks without streams, and a dev-mode restart leaves no timer behind.
 */
final class Heartbeats {

    private static final Logger LOG = Logger.getLogger(Heartbeats.class);

    private final Vertx vertx;
    private final long tickMillis;
    private final Map<EventLoop, Loop> loops = new ConcurrentHashMap<>();

    Heartbeats(Vertx vertx, Duration period) {
        this.vertx = vertx;
        this.tickMillis = Math.max(1, period.toMillis() / 2);
    }

    /** The stream gets ticks from now on (on its event loop, where the route calls this). */
    void add(SseSubscriber stream) {
        EventLoop eventLoop = eventLoop(stream);
        if (!eventLoop.inEventLoop()) {
            eventLoop.execute(() -> add(stream));
            return;
        }
        loops.computeIfAbsent(eventLoop, l -> new Loop()).add(stream, stream.context());
    }

    /** No more ticks for the stream; the loop's timer stops with its last stream. */
    void remove(SseSubscriber stream) {
        EventLoop eventLoop = eventLoop(stream);
        if (!eventLoop.inEventLoop()) {
            eventLoop.execute(() -> remove(stream));
            return;
        }
        Loop loop = loops.get(eventLoop);
        if (loop != null && loop.remove(stream)) {
            loops.remove(eventLoop);
        }
    }

    /** Streams the timers tick, all loops (read from another thread: for tests and stats, not exact). */
    int streams() {
        return loops.values().stream().mapToInt(l -> l.streams.size()).sum();
    }

    /** Timers running: one per event loop that serves streams (likewise). */
    int timers() {
        return loops.size();
    }

    private static EventLoop eventLoop(SseSubscriber stream) {
        // the loop behind the stream's (duplicated) context, as the hub's Fanout keys its loops
        return VertxInternals.eventLoop(stream.context());
    }

    /** The streams of one event loop and its timer; only touched on that loop. */
    private final class Loop {
        final List<SseSubscriber> streams = new ArrayList<>();
        long timer = -1;

        void add(SseSubscriber stream, Context context) {
            if (stream.heartbeatSlot >= 0) {
                return;
            }
            stream.heartbeatSlot = streams.size();
            streams.add(stream);
            if (timer < 0) {
                // on the stream's context: the timer runs on its event loop
                timer = VertxInternals.setPeriodic(context, tickMillis, id -> tick());
            }
        }

        /** True when it was the last stream: the timer is stopped. */
        boolean remove(SseSubscriber stream) {
            int slot = stream.heartbeatSlot;
            if (slot < 0 || slot >= streams.size() || streams.get(slot) != stream) {
                return false;
            }
            SseSubscriber last = streams.remove(streams.size() - 1);
            if (last != stream) {
                streams.set(slot, last);
                last.heartbeatSlot = slot;
            }
            stream.heartbeatSlot = -1;
            if (streams.isEmpty()) {
                vertx.cancelTimer(timer);
                timer = -1;
                return true;
            }
            return false;
        }

        void tick() {
            // a copy: a stream may leave while the others are ticked
            for (SseSubscriber stream : streams.toArray(SseSubscriber[]::new)) {
                try {
                    stream.heartbeatTick();
                } catch (RuntimeException e) { // one broken stream must not cost the others their heartbeat
                    LOG.debugf(e, "Heartbeat on %s failed", stream.info().remote());
                }
            }
        }
    }
}
