package io.mcastgateway.sse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

import io.mcastgateway.platform.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * HTTP/1.1 chunks made by hand ({@code <size in hex>\r\n<data>\r\n}), and a {@link Writer} that writes
 * a stream's chunks past Vert.x's HTTP encoder.
 */
public final class HttpChunks {

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final short CRLF = ('\r' << 8) | '\n';

    private HttpChunks() {
    }

    /** The bytes around {@code size} bytes of data: the size line and the closing CRLF. */
    public static int framingBytes(int size) {
        return hexDigits(size) + 4;
    }

    public static void writeHead(ByteBuf chunk, int size) {
        for (int shift = (hexDigits(size) - 1) * 4; shift >= 0; shift -= 4) {
            chunk.writeByte(HEX[(size >>> shift) & 0xf]);
        }
        chunk.writeShort(CRLF);
    }

    public static void writeTail(ByteBuf chunk) {
        chunk.writeShort(CRLF);
    }

    private static int hexDigits(int size) {
        return Math.max(1, (32 - Integer.numberOfLeadingZeros(size) + 3) / 4);
    }

    /**
     * Writes ready-made chunks of one stream, past Vert.x's response and Netty's HTTP encoder; null
     * unless the response is chunked HTTP/1.1 and nothing after the encoder transforms the body (no
     * compression): then hand-made chunks are exactly what the encoder would write.
     */
    public static Writer writer(HttpConnection connection, HttpServerResponse response) {
        if (!response.headers().contains(HttpHeaders.TRANSFER_ENCODING, HttpHeaders.CHUNKED, true)) {
            return null;
        }
        return bodyWriter(connection);
    }

    /**
     * Writes bytes as they are past the HTTP encoder: for a response whose body ends when the connection
     * closes (HTTP/1.0 without Content-Length), or for ready-made chunks; null unless the connection is
     * HTTP/1.x and nothing after the encoder transforms the body.
     */
    public static Writer bodyWriter(HttpConnection connection) {
        Channel channel = VertxInternals.channel(connection);
        if (channel == null) {
            return null;
        }
        ChannelHandlerContext encoder = VertxInternals.plainHttpEncoder(channel);
        if (encoder == null) {
            return null;
        }
        return new Writer(channel, encoder, VertxInternals.onlySocketBelow(channel, encoder) ? VertxInternals.socket(channel) : null);
    }

    /**
     * Writes a stream's chunks on its event loop. While Netty has nothing queued for the connection, a
     * chunk goes straight to the socket (one write call: no pipeline, no queue entry, no promise); what
     * the socket does not take, and every chunk while Netty has something queued, goes through the
     * pipeline from below the HTTP encoder, in order: bytes never pass each other on a connection.
     */
    public static final class Writer {
        private final Channel channel;
        private final ChannelHandlerContext encoder;
        private final WritableByteChannel socket;
        /** Chunks the socket took whole; on the event loop only (read by tests). */
        long straightToSocket;

        Writer(Channel channel, ChannelHandlerContext encoder, WritableByteChannel socket) {
            this.channel = channel;
            this.encoder = encoder;
            this.socket = socket;
        }

        /** Whether chunks can go straight to the socket (plain NIO socket below the encoder). */
        boolean direct() {
            return socket != null;
        }

        /** Writes the chunk (its readable bytes) and releases it once written. */
        public void write(ByteBuf chunk) {
            if (nothingQueued()) {
                try {
                    chunk.skipBytes(socket.write(chunk.internalNioBuffer(chunk.readerIndex(), chunk.readableBytes())));
                } catch (IOException e) {
                    chunk.release();
                    channel.close(); // the connection's close handler cleans up
                    return;
                }
                if (!chunk.isReadable()) {
                    chunk.release();
                    straightToSocket++;
                    return;
                }
            }
            encoder.writeAndFlush(chunk, encoder.voidPromise()); // Netty releases it once written
        }

        /**
         * Writes a chunk that other streams on this event loop write too; it stays the caller's.
         * {@code view} is a NIO buffer over the chunk's memory from index 0, made once for all of those
         * streams: while nothing is queued the socket writes from it, so a stream costs no buffer object
         * per batch. What the socket does not take goes through the pipeline as a duplicate of the rest.
         */
        public void writeShared(ByteBuf chunk, ByteBuffer view) {
            int written = 0;
            if (nothingQueued()) {
                view.limit(chunk.writerIndex()).position(chunk.readerIndex());
                try {
                    written = socket.write(view);
                } catch (IOException e) {
                    channel.close(); // the connection's close handler cleans up
                    return;
                }
                if (written == chunk.readableBytes()) {
                    straightToSocket++;
                    return;
                }
            }
            encoder.writeAndFlush(chunk.retainedDuplicate().skipBytes(written), encoder.voidPromise());
        }

        /** Bytes Netty holds for the connection, not yet taken by the socket. */
        public long pending() {
            return VertxInternals.pendingWriteBytes(channel);
        }

        /** Closes the connection (its close handler cleans up). */
        public void close() {
            channel.close();
        }

        /** Whether the socket may be written directly: plain NIO, open, nothing queued by Netty (flushed or not). */
        private boolean nothingQueued() {
            if (socket == null) {
                return false;
            }
            return VertxInternals.pendingWriteBytes(channel) == 0 && channel.isActive();
        }
    }
}
