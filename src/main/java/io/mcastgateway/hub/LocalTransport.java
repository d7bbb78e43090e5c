package io.mcastgateway.hub;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import io.mcastgateway.config.GatewayConfig;

/**
 * The in-memory transport: a replay ring and the subscribers of this process. Appending and
 * subscribing hold one lock, so a subscriber's replay and its first live event meet exactly.
 * Appending never waits on a subscriber: live events go through the {@link Fanout}, a replay through
 * {@link Subscriber#offer}, which does not block.
 */
@ApplicationScoped
@Typed(LocalTransport.class) // the Transport bean is chosen by mcast.transport (transport.Transports)
public class LocalTransport implements Transport {

    private final ReplayRing ring;
    private final Fanout fanout;

    public LocalTransport(GatewayConfig config) {
        this.ring = new ReplayRing(config.stream().replaySize());
        this.fanout = new Fanout(config.stream().buffer());
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

    @Override
    public synchronized void subscribe(Subscriber subscriber, Long afterSeq) {
        if (afterSeq != null) {
            long missed = ring.missedAfter(afterSeq);
            if (missed > 0) {
                subscriber.offer(SseFrames.gap(missed, "replay"));
            }
            for (StreamEvent event : ring.after(afterSeq)) {
                if (subscriber.wants(event)) {
                    subscriber.offer(event.frame());
                }
            }
        }
        fanout.add(subscriber);
        subscriber.flush(); // the replay (and a reset or gap before it) goes out now
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
    public synchronized int replaySize() {
        return ring.size();
    }
}
