package io.mcastgateway.hub;

import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;

/** Counters of the event stream since start. */
@ApplicationScoped
public class StreamStats {

    final LongAdder received = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder dropped = new LongAdder();

    public void delivered(long events) {
        delivered.add(events);
    }

    public void dropped(long events) {
        dropped.add(events);
    }

    public long received() {
        return received.sum();
    }

    public long delivered() {
        return delivered.sum();
    }

    public long dropped() {
        return dropped.sum();
    }
}
