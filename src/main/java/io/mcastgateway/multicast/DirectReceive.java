package io.mcastgateway.multicast;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;

/**
 * Takes the datagrams of a receiving socket straight from its Netty pipeline, ahead of Vert.x's own
 * handler, and hands them to a {@link DatagramSink}. Vert.x would copy every payload into a new heap
 * buffer and wrap packet and sender in new objects (a few hundred bytes per datagram before the
 * gateway has done anything); here the sink reads the pooled buffer Netty read into, which is then
 * released, and the sender is the JDK's address object (cached while the sender does not change).
 * Everything else (errors, close) still goes through Vert.x: its exception handler sees what the
 * pipeline reports. Like {@link ReadAllocatorTuning}, this reaches the Netty channel behind the
 * Vert.x socket; install it before {@code listen}.
 */
final class DirectReceive {

    static final String NAME = "mcast-gateway-receive";

    private DirectReceive() {
    }

    static void install(DatagramSocket socket, DatagramSink sink) {
        ReadAllocatorTuning.channel(socket).pipeline().addFirst(NAME, new Handler(sink));
    }

    @ChannelHandler.Sharable
    private static final class Handler extends ChannelInboundHandlerAdapter {
        private final DatagramSink sink;

        Handler(DatagramSink sink) {
            this.sink = sink;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DatagramPacket packet) {
                try {
                    sink.receive(packet.content(), packet.sender());
                } finally {
                    packet.release();
                }
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            sink.batchEnd();
            ctx.fireChannelReadComplete();
        }
    }
}
