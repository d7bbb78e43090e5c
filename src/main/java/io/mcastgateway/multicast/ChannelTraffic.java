package io.mcastgateway.multicast;

import java.util.concurrent.atomic.LongAdder;

/**
 * What one channel's sockets moved since start: datagrams and payload bytes received and sent, and
 * errors the receiving socket reported. Incremented on the socket's event loop (one uncontended add,
 * nothing looked up per datagram), read when metrics are scraped.
 */
public final class ChannelTraffic {

    private final LongAdder received = new LongAdder();
    private final LongAdder receivedBytes = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder sentBytes = new LongAdder();
    private final LongAdder receiveErrors = new LongAdder();
    private final LongAdder rejoins = new LongAdder();
    private final LongAdder silences = new LongAdder();

    public void addReceived(int bytes) {
        received.increment();
        receivedBytes.add(bytes);
    }

    void addSent(int bytes) {
        sent.increment();
        sentBytes.add(bytes);
    }

    public void addReceiveError() {
        receiveErrors.increment();
    }

    void addRejoin() {
        rejoins.increment();
    }

    void addSilence() {
        silences.increment();
    }

    /** Times the channel turned silent (no datagram for longer than expect-within). */
    public long silences() {
        return silences.sum();
    }

    public long received() {
        return received.sum();
    }

    public long receivedBytes() {
        return receivedBytes.sum();
    }

    public long sent() {
        return sent.sum();
    }

    public long sentBytes() {
        return sentBytes.sum();
    }

    public long receiveErrors() {
        return receiveErrors.sum();
    }

    /** Times the group was left and joined again (periodic renewal, interface back). */
    public long rejoins() {
        return rejoins.sum();
    }
}
