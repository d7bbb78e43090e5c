package io.mcastgateway.passthrough;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.jboss.logging.Logger;

import io.mcastgateway.hub.Timestamps;
import io.mcastgateway.sse.HttpChunks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * One player's raw stream: the payloads of its group's datagrams, as HTTP/1.1 chunks or, for an HTTP/1.0
 * client, as bare bytes until the connection closes. Everything here runs on the connection's event loop
 * (the batches arrive there from {@link Feed}), which alone writes to the connection.
 * <p>
 * Bounded: what the client has not read yet waits in Netty's queue for the connection, and a batch that
 * would take it beyond {@code mcast.passthrough.client-buffer} is dropped for this client (whole
 * datagrams, counted). A client that keeps losing datagrams for longer than
 * {@code mcast.passthrough.max-behind} is disconnected, with a log line.
 */
final class Client {

    private static final Logger LOG = Logger.getLogger(Client.class);
    /** How long a client of an MPEG-TS stream waits for a random access point before it starts anyway. */
    static final long START_WAIT_MS = 5_000;
    /** After a client waited in vain, how long the next ones of the group start at once (the encoder marks none). */
    static final long UNMARKED_MS = 60_000;

    enum Kind {
        /** {@code /udp/}, {@code /api/channels/<name>/raw}: the payloads as they are. */
        UDP,
        /** {@code /rtp/}: the RTP packets' payloads, in order. */
        RTP
    }

    final Feed feed;
    final Kind kind;
    final Context context;
    final String address;
    final String path;
    final long since = System.currentTimeMillis();
    private final HttpServerResponse response;
    private final HttpConnection connection;
    private final boolean chunked;
    private final int buffer;
    private final long maxBehindMillis;
    private HttpChunks.Writer writer;
    private boolean opened;
    private boolean closed;
    /** Until the first bytes are written: a TS client waits for a random access point. */
    private boolean waitingForStart = true;
    /** When the client began to lose datagrams, 0 while it keeps up (written on the event loop, read by the API). */
    private volatile long behindSince;
    // written on the event loop only, read by the API and metrics
    private volatile long bytes;
    private volatile long datagrams;
    private volatile long dropped;
    private volatile long droppedBytes;

    Client(Feed feed, Kind kind, Context context, HttpConnection connection, HttpServerResponse response,
            boolean chunked, String address, String path, int buffer, Duration maxBehind) {
        this.feed = feed;
        this.kind = kind;
        this.context = context;
        this.connection = connection;
        this.response = response;
        this.chunked = chunked;
        this.address = address;
        this.path = path;
        this.buffer = buffer;
        this.maxBehindMillis = maxBehind.toMillis();
    }

    /**
     * Sends the response's head (status and headers), once: with the first batch, or when the group had
     * nothing to send for a while. The type is what the group's payload looked like.
     */
    void open() {
        if (opened || closed) {
            return;
        }
        opened = true;
        response.putHeader(HttpHeaders.CONTENT_TYPE, feed.looksLikeTs(kind) ? "video/mp2t" : "application/octet-stream")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        if (chunked) {
            response.setChunked(true);
            response.writeHead();
            writer = HttpChunks.writer(connection, response);
            return;
        }
        // HTTP/1.0: the body ends when the connection closes. Vert.x writes no such head (it wants a length or
        // chunks, which HTTP/1.0 has not), so the head is written here, as bytes, before any of the body
        writer = HttpChunks.bodyWriter(connection);
        if (writer == null) {
            close();
            return;
        }
        StringBuilder head = new StringBuilder("HTTP/1.0 200 OK\r\n");
        response.headers().forEach(h -> head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n"));
        head.append("Connection: close\r\n\r\n");
        writer.write(Unpooled.copiedBuffer(head, StandardCharsets.US_ASCII));
    }

    /**
     * Writes the batch, or drops it when the client has too much waiting; on the event loop. A client of an
     * MPEG-TS stream starts at a random access point, after the latest tables ({@link TsStart}); what comes
     * before it is not written (at most {@link #START_WAIT_MS}: then it starts where the stream is, and so do
     * the group's next clients for {@link #UNMARKED_MS}, as its encoder marks no random access point).
     */
    void deliver(Batch batch, ByteBuffer view, long now) {
        if (closed) {
            return;
        }
        open();
        if (waitingForStart) {
            boolean ts = feed.looksLikeTs(kind);
            if (ts && batch.start < 0) {
                if (now - since < START_WAIT_MS && now >= feed.startAtOnceUntil) {
                    return;
                }
                // the stream marks no random access point: the next clients for a while start at once
                feed.startAtOnceUntil = now + UNMARKED_MS;
            }
            start(batch, ts ? Math.max(0, batch.start) : 0, ts ? feed.tables() : new byte[0]);
            return;
        }
        ByteBuf bytesOut = chunked ? batch.chunk : batch.body;
        int size = batch.bytes();
        long waiting = writer != null ? writer.pending() : response.writeQueueFull() ? buffer : 0;
        if (waiting < 0) {
            return; // closed meanwhile; the close handler cleans up
        }
        if (waiting + size > buffer) {
            dropped += batch.datagrams;
            droppedBytes += size;
            feed.addDropped(batch.datagrams);
            if (behindSince == 0) {
                behindSince = now;
            } else if (now - behindSince > maxBehindMillis) {
                LOG.warnf("Disconnected player %s of %s: it read slower than the stream for %d ms and lost %d datagrams"
                        + " (mcast.passthrough.max-behind)", address, path, now - behindSince, dropped);
                close();
            }
            return;
        }
        if (writer != null) {
            writer.writeShared(bytesOut, view);
        } else {
            // HTTP/2 or a transforming pipeline: through Vert.x, a copy of the bytes
            response.write(Buffer.buffer(ByteBufUtil.getBytes(batch.body)));
        }
        bytes += size;
        datagrams += batch.datagrams;
        if (behindSince != 0 && waiting < buffer / 2) {
            behindSince = 0; // caught up
        }
    }

    /** The first bytes: the tables, then the batch from {@code from}; one buffer of the client's own. */
    private void start(Batch batch, int from, byte[] tables) {
        waitingForStart = false;
        feed.waiting(-1);
        int size = batch.bytes() - from;
        int length = tables.length + size;
        boolean framed = chunked && writer != null; // through Vert.x (no writer), Vert.x frames the chunk
        ByteBuf first = PooledByteBufAllocator.DEFAULT.directBuffer(length + (framed ? HttpChunks.framingBytes(length) : 0));
        if (framed) {
            HttpChunks.writeHead(first, length);
        }
        first.writeBytes(tables);
        first.writeBytes(batch.body, batch.body.readerIndex() + from, size);
        if (framed) {
            HttpChunks.writeTail(first);
        }
        if (writer != null) {
            writer.write(first); // released once written
        } else {
            response.write(Buffer.buffer(ByteBufUtil.getBytes(first)));
            first.release();
        }
        bytes += size;
        datagrams += batch.bytes() == 0 ? 0 : (long) batch.datagrams * size / batch.bytes();
    }

    /** The group is told of a loss on the client's loop (it fell behind as a whole): counted as dropped. */
    void missed(long count) {
        dropped += count;
    }

    /** Closes the connection (HTTP/2: resets the stream only); its close handler detaches the client. */
    void close() {
        if (!closed) {
            closed = true;
            if (writer != null) {
                writer.close();
            } else if (response.streamId() >= 0) {
                response.reset(); // the other streams of an HTTP/2 connection go on
            } else {
                connection.close();
            }
        }
    }

    /** Ends the response cleanly (the last chunk), on shutdown; on the event loop. */
    void end() {
        if (!closed) {
            closed = true;
            open();
            if (chunked) {
                response.end();
            } else {
                connection.close();
            }
        }
    }

    /** The connection is gone; on the event loop. */
    void markClosed() {
        closed = true;
        if (waitingForStart) {
            waitingForStart = false;
            feed.waiting(-1);
        }
    }

    PassthroughInfo.ClientInfo info() {
        return new PassthroughInfo.ClientInfo(address, path, kind.name().toLowerCase(), Timestamps.format(since),
                bytes, datagrams, dropped, droppedBytes, behindSince != 0);
    }

    long bytes() {
        return bytes;
    }

    long dropped() {
        return dropped;
    }
}
