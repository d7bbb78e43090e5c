package io.mcastgateway.multicast;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;

/**
 * Where a receiving socket hands each datagram, on the socket's event loop. The payload is valid only
 * during the call (it is released right after): read it, don't keep it.
 */
@FunctionalInterface
public interface DatagramSink {

    void receive(ByteBuf payload, InetSocketAddress sender);

    /** The socket has handed over every datagram of one wake-up (up to the read allocator's batch). */
    default void batchEnd() {
    }
}
