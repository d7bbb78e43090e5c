package io.mcastgateway.transport;

import java.util.List;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Reads the event stream, and the stream of relayed sends when this gateway may write a channel: one
 * connection of its own blocks in {@code XREAD} and hands each event entry, its frame built once
 * with the Redis id as SSE id, to the {@link Replays} (the subscribers of this process), and each
 * send to the {@link RelayedSends}. On its first connection it starts after the newest entries; after
 * a lost connection it goes on where it was, so no entry is delivered twice or skipped.
 * <p>
 * <b>Threads.</b> Everything runs on the {@link RedisLink#context()}: the loop's commands are issued
 * there and answered there.
 */
final class StreamReader {

    private static final Logger LOG = Logger.getLogger(StreamReader.class);
    private static final int READ_COUNT = 1024;
    private static final long BLOCK_MILLIS = 1000;

    private final RedisLink link;
    private final Entries entries;
    private final Replays replays;
    private final RelayedSends sends;
    /** Whether a channel is received here: else nothing here could send what others relay. */
    private final boolean readsSends;
    private RedisConnection connection;
    /** The last entry read of each stream; null until the first connection. */
    private StreamId position;
    private StreamId sendPosition;

    StreamReader(RedisLink link, Entries entries, Replays replays, RelayedSends sends, boolean readsSends) {
        this.link = link;
        this.entries = entries;
        this.replays = replays;
        this.sends = sends;
        this.readsSends = readsSends;
    }

    void start() {
        if (link.isStopped()) {
            return;
        }
        link.redis.connect().compose(c -> {
            connection = c;
            c.exceptionHandler(e -> LOG.debugf("reader connection: %s", e));
            if (position != null) {
                return Future.succeededFuture(c);
            }
            // first connection: from the newest entry on (older ones are replay, read with XRANGE)
            return c.batch(List.of(Request.cmd(Command.XREVRANGE).arg(link.key).arg("+").arg("-").arg("COUNT").arg(1),
                    Request.cmd(Command.XREVRANGE).arg(link.sendsKey).arg("+").arg("-").arg("COUNT").arg(1)))
                    .map(newest -> {
                        position = Entries.newestId(newest.get(0));
                        sendPosition = Entries.newestId(newest.get(1));
                        replays.restart(position);
                        return c;
                    });
        }).onSuccess(c -> {
            link.recovered();
            read(c);
        }).onFailure(e -> {
            link.failed("connecting", e);
            retry();
        });
    }

    private void retry() {
        close();
        if (!link.isStopped()) {
            link.vertx.setTimer(link.retryMillis, id -> start());
        }
    }

    private void read(RedisConnection c) {
        if (link.isStopped()) {
            return;
        }
        Request request = Request.cmd(Command.XREAD).arg("COUNT").arg(READ_COUNT).arg("BLOCK").arg(BLOCK_MILLIS)
                .arg("STREAMS").arg(link.key);
        if (readsSends) {
            request.arg(link.sendsKey);
        }
        request.arg(position.toString());
        if (readsSends) {
            request.arg(sendPosition.toString());
        }
        c.send(request).onComplete(ar -> {
            if (ar.failed()) {
                if (!link.isStopped()) {
                    link.failed("reading", ar.cause());
                    retry();
                }
                return;
            }
            link.recovered();
            try {
                received(ar.result());
            } catch (RuntimeException e) {
                LOG.errorf(e, "Could not read the Redis stream's reply");
            }
            read(c);
        });
    }

    /** The reply of XREAD: {stream: [[id, [field, value, ...]], ...]} (RESP3) or [[stream, entries], ...]. */
    private void received(Response reply) {
        if (reply == null) {
            return; // BLOCK timed out
        }
        if (reply.isMap()) {
            for (String stream : reply.getKeys()) {
                entries(stream, reply.get(stream));
            }
        } else {
            for (Response stream : reply) {
                entries(stream.get(0).toString(), stream.get(1));
            }
        }
    }

    private void entries(String stream, Response list) {
        if (stream.equals(link.key)) {
            for (Response entry : list) {
                StreamEntry e = entries.event(entry, position);
                position = e.id();
                replays.live(e);
            }
            replays.flush();
        } else if (stream.equals(link.sendsKey)) {
            for (Response entry : list) {
                StreamId id = StreamId.parse(entry.get(0).toString());
                if (id != null) {
                    sendPosition = id;
                }
                sends.received(entry);
            }
        }
    }

    /** The connection goes; with {@link RedisLink#stopped()} first, for good. */
    void close() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }
}
