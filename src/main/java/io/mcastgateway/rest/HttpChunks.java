package io.mcastgateway.rest;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * HTTP/1.1 chunks made by hand ({@code <size in hex>\r\n<data>\r\n}), for writing a stream's chunks
 * past Vert.x's HTTP encoder straight to the connection's pipeline.
 */
final class HttpChunks {

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final short CRLF = ('\r' << 8) | '\n';

    private HttpChunks() {
    }

    /** The bytes around {@code size} bytes of data: the size line and the closing CRLF. */
    static int framingBytes(int size) {
        return hexDigits(size) + 4;
    }

    static void writeHead(ByteBuf chunk, int size) {
        for (int shift = (hexDigits(size) - 1) * 4; shift >= 0; shift -= 4) {
            chunk.writeByte(HEX[(size >>> shift) & 0xf]);
        }
        chunk.writeShort(CRLF);
    }

    static void writeTail(ByteBuf chunk) {
        chunk.writeShort(CRLF);
    }

    private static int hexDigits(int size) {
        return Math.max(1, (32 - Integer.numberOfLeadingZeros(size) + 3) / 4);
    }

    /**
     * The context of Vert.x's HTTP/1.x response encoder ({@code httpEncoder}): what is written there
     * goes to the handlers before it (TLS, traffic shaping) and the socket. Null unless the response is
     * chunked HTTP/1.1 and nothing after the encoder transforms the body (no compression): then
     * hand-made chunks are exactly what the encoder would write.
     */
    static ChannelHandlerContext encoderContext(HttpConnection connection, HttpServerResponse response) {
        if (!(connection instanceof ConnectionBase base)
                || !response.headers().contains(HttpHeaders.TRANSFER_ENCODING, HttpHeaders.CHUNKED, true)) {
            return null;
        }
        ChannelPipeline pipeline = base.channel().pipeline();
        if (pipeline.get("deflater") != null || pipeline.get("h2c") != null) {
            return null;
        }
        return pipeline.context("httpEncoder");
    }
}
