package io.mcastgateway.hub;

import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;

/** Counters of the event stream since start. */
@ApplicationScoped
public class StreamStats {

    private final LongAdder received = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    public void addReceived() {
        received.increment();
    }

    public void addDelivered(long events) {
        delivered.add(events);
    }

    public void addDropped(long events) {
        dropped.add(events);
    }

    public void addRejected() {
        rejected.increment();
    }

    /** Streams refused because {@code mcast.stream.max-subscribers} were open. */
    public long rejected() {
        return rejected.sum();
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
