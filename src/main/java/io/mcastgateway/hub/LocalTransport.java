package io.mcastgateway.hub;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import io.mcastgateway.config.GatewayConfig;

/**
 * The in-memory transport: a replay ring and the subscribers of this process, the events numbered
 * {@code <epoch>-<seq>} (its {@link EventIds}). Appending and subscribing hold one lock, so a
 * subscriber's replay and its first live event meet exactly. Appending never waits on a subscriber:
 * live events go through the {@link Fanout}, a replay through {@link Subscriber#offer}, which does
 * not block.
 * <p>
 * Threads: the numbering counter belongs to the one publisher ({@link #next()} is called under the
 * hub's lock); ring and fan-out are guarded by this object's lock.
 */
@ApplicationScoped
@Typed(LocalTransport.class) // the Transport bean is chosen by mcast.transport (transport.Transports)
public class LocalTransport implements Transport, EventIds {

    private final String epoch = Long.toString(System.currentTimeMillis(), 36);
    private final ReplayRing ring;
    private final Fanout fanout;
    private long numbered;

    public LocalTransport(GatewayConfig config) {
        this.ring = new ReplayRing(config.stream().replaySize());
        this.fanout = new Fanout(config.stream().buffer());
    }

    @Override
    public EventIds ids() {
        return this;
    }

    /** Fixed per run (and per dev-mode reload). */
    @Override
    public String epoch() {
        return epoch;
    }

    @Override
    public long next() {
        return ++numbered;
    }

    @Override
    public synchronized void append(StreamEvent event) {
        ring.add(event);
        fanout.publish(event);
    }

    @Override
    public synchronized void flush() {
        fanout.flush();
    }

    /**
     * With a Last-Event-ID of this run, replay starts after it; with one of another run (or
     * unreadable, or not given yet), the subscriber is told with a reset frame and gets every retained
     * event.
     */
    @Override
    public synchronized void subscribe(Subscriber subscriber, String lastEventId) {
        if (lastEventId != null && !lastEventId.isBlank()) {
            long after = seqOf(lastEventId.trim());
            if (after < 0) {
                subscriber.offer(SseFrames.reset(epoch, lastEventId));
                after = 0;
            }
            long missed = ring.missedAfter(after);
            if (missed > 0) {
                subscriber.offer(SseFrames.gap(missed, "replay"));
            }
            for (StreamEvent event : ring.after(after)) {
                if (subscriber.wants(event)) {
                    subscriber.offer(event.frame());
                }
            }
        }
        fanout.add(subscriber);
        subscriber.flush(); // the replay (and a reset or gap before it) goes out now
    }

    /** The sequence number of an id this run gave (under the lock), or -1 for any other text. */
    private long seqOf(String id) {
        int dash = id.lastIndexOf('-');
        if (dash <= 0 || !id.substring(0, dash).equals(epoch)) {
            return -1;
        }
        try {
            long n = Long.parseLong(id.substring(dash + 1));
            return n >= 0 && n <= ring.newestSeq() ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public synchronized void unsubscribe(Subscriber subscriber) {
        fanout.remove(subscriber);
    }

    @Override
    public synchronized List<Subscriber> subscribers() {
        return fanout.subscribers();
    }

    @Override
    public synchronized int subscriberCount() {
        return fanout.size();
    }

    @Override
    public synchronized TransportInfo status() {
        return TransportInfo.local(ring.size());
    }
}
