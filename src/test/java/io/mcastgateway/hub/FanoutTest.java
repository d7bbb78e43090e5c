package io.mcastgateway.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.impl.ContextInternal;

/** The hand-over of live events to subscribers on their event loops (real Vert.x event loops). */
class FanoutTest {

    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldDeliverEachEventPublishedAfterAddOnceInOrderOnTheSubscribersEventLoop() throws Exception {
        Fanout fanout = new Fanout(1024);
        Recorder a = new Recorder(vertx.getOrCreateContext(), e -> true);
        Recorder b = new Recorder(otherLoop(a.context), e -> e.channel().equals("even"));
        fanout.publish(event(0)); // before anyone subscribed: nobody gets it
        fanout.add(a);
        fanout.add(b);
        for (int i = 1; i <= 300; i++) {
            fanout.publish(event(i));
            if (i % 32 == 0) {
                fanout.flush();
            }
        }
        fanout.flush();
        a.awaitFrames(300);
        b.awaitFrames(150);
        assertEquals(range(1, 300, 1), a.frames());
        assertEquals(range(2, 300, 2), b.frames());
        assertTrue(a.onOwnLoop && b.onOwnLoop, "delivered on the subscriber's event loop");
        assertTrue(a.calls() <= 10, "one call per batch, not per event: " + a.calls());
    }

    @Test
    void shouldDeliverNothingAfterRemove() throws Exception {
        Fanout fanout = new Fanout(1024);
        Recorder a = new Recorder(vertx.getOrCreateContext(), e -> true);
        Recorder b = new Recorder(a.context, e -> true);
        fanout.add(a);
        fanout.add(b);
        fanout.publish(event(1));
        fanout.flush();
        a.awaitFrames(1);
        fanout.remove(a);
        fanout.publish(event(2));
        fanout.flush();
        b.awaitFrames(2);
        assertEquals(List.of("1"), a.frames());
    }

    @Test
    void shouldDropTheOldestAndCountThemPerSubscriberWhenItsEventLoopFallsBehindByMoreThanBacklogAndBytes()
            throws Exception {
        Fanout fanout = new Fanout(100);
        Context context = vertx.getOrCreateContext();
        Recorder all = new Recorder(context, e -> true);
        Recorder even = new Recorder(context, e -> e.channel().equals("even"));
        fanout.add(all);
        fanout.add(even);
        int large = 128 * 1024; // 100 such events are more than Fanout.BACKLOG_BYTES
        whileBlocked(context, () -> publish(fanout, 1, 250, large));
        all.awaitFrames(100);
        even.awaitFrames(50);
        assertEquals(range(151, 250, 1), all.frames(), "the newest 100 events");
        assertEquals(150, all.missed());
        assertEquals(range(152, 250, 2), even.frames());
        assertEquals(75, even.missed(), "only the dropped events its filter wanted");
    }

    @Test
    void shouldKeepMoreThanBacklogEventsWhileTheyAreFewBytes() throws Exception {
        Fanout fanout = new Fanout(100);
        Context context = vertx.getOrCreateContext();
        Recorder all = new Recorder(context, e -> true);
        fanout.add(all);
        whileBlocked(context, () -> publish(fanout, 1, 5000, 64));
        all.awaitFrames(5000);
        assertEquals(range(1, 5000, 1), all.frames());
        assertEquals(0, all.missed());
    }

    /** Runs {@code work} while the context's event loop is busy elsewhere, then lets the loop go on. */
    private static void whileBlocked(Context context, Runnable work) throws InterruptedException {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        context.runOnContext(v -> {
            blocked.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(blocked.await(5, TimeUnit.SECONDS));
        work.run();
        release.countDown();
    }

    /** Events from..to with frames of {@code size} bytes, flushed every 10. */
    private static void publish(Fanout fanout, int from, int to, int size) {
        for (int i = from; i <= to; i++) {
            fanout.publish(event(i, size));
            if (i % 10 == 0) {
                fanout.flush();
            }
        }
        fanout.flush();
    }

    private Context otherLoop(Context context) {
        for (int i = 0; i < 10; i++) {
            // a new context, on the next event loop (round-robin)
            Context other = ((io.vertx.core.impl.VertxInternal) vertx).createEventLoopContext();
            if (((ContextInternal) other).nettyEventLoop() != ((ContextInternal) context).nettyEventLoop()) {
                return other;
            }
        }
        throw new IllegalStateException("no second event loop");
    }

    private static StreamEvent event(int n) {
        return event(n, 0);
    }

    /** An event whose frame is its number, padded with spaces to {@code size} bytes. */
    private static StreamEvent event(int n, int size) {
        byte[] number = Integer.toString(n).getBytes(StandardCharsets.US_ASCII);
        byte[] frame = java.util.Arrays.copyOf(number, Math.max(size, number.length));
        java.util.Arrays.fill(frame, number.length, frame.length, (byte) ' ');
        return new StreamEvent(n, "e", n % 2 == 0 ? "even" : "odd", "239.1.1.1", "10.0.0.1", "10.0.0.1:1", frame);
    }

    private static List<String> range(int from, int to, int step) {
        List<String> list = new ArrayList<>();
        for (int i = from; i <= to; i += step) {
            list.add(Integer.toString(i));
        }
        return list;
    }

    /** Records what it is given, and whether it was on its own event loop each time. */
    private static final class Recorder implements Subscriber {
        final Context context;
        final Predicate<StreamEvent> filter;
        private final List<String> frames = new ArrayList<>();
        private int calls;
        private long missed;
        volatile boolean onOwnLoop = true;

        Recorder(Context context, Predicate<StreamEvent> filter) {
            this.context = context;
            this.filter = filter;
        }

        @Override
        public boolean wants(StreamEvent event) {
            return filter.test(event);
        }

        @Override
        public boolean wantsStatus(String channel, String group) {
            return true;
        }

        @Override
        public boolean offer(byte[] frame) {
            throw new AssertionError("live events are delivered, not offered");
        }

        @Override
        public void flush() {
        }

        @Override
        public Context context() {
            return context;
        }

        @Override
        public synchronized void deliver(byte[][] given, int count, long batch) {
            checkLoop();
            calls++;
            for (int i = 0; i < count; i++) {
                frames.add(new String(given[i], StandardCharsets.US_ASCII).trim());
            }
            notifyAll();
        }

        @Override
        public synchronized void missed(long count) {
            checkLoop();
            missed += count;
        }

        private void checkLoop() {
            if (!((ContextInternal) context).nettyEventLoop().inEventLoop()) {
                onOwnLoop = false;
            }
        }

        synchronized void awaitFrames(int count) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 5_000;
            while (frames.size() < count && System.currentTimeMillis() < deadline) {
                wait(100);
            }
        }

        synchronized List<String> frames() {
            return List.copyOf(frames);
        }

        synchronized int calls() {
            return calls;
        }

        synchronized long missed() {
            return missed;
        }

        @Override
        public SubscriberInfo info() {
            return new SubscriberInfo(0, "test", "", "", frames.size(), missed, 0);
        }
    }
}
