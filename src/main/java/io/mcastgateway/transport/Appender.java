package io.mcastgateway.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.mcastgateway.hub.StreamEvent;
import io.mcastgateway.transport.WriterLeases.Lease;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;

/**
 * Appends the events of the channels this gateway writes: {@code XADD MAXLEN ~ replay-size},
 * pipelined on one connection, one batch at a time (the next goes when Redis has answered the last,
 * with everything handed over meanwhile), so a channel's events reach the stream in the order they
 * were received and a busy stream goes in large batches.
 * <p>
 * <b>Threads.</b> The receiving threads hand events over as their XADD commands, made there so that the
 * context, which also reads the stream back, does not build them all ({@link #append}, {@link #flush}); that
 * hand-off is the one piece of the transport they share: a list guarded by its own lock, bounded by
 * {@code mcast.redis.max-pending} together with what the context has taken and not yet settled (beyond,
 * an event is dropped and counted), and nothing on a receiving thread waits for Redis. Everything else
 * (batches, the connection, the decision whether an event goes out) runs on the
 * {@link RedisLink#context()}, which looks at each lease as it takes an event: only the context decides
 * what is sent, so nothing is appended for a lease it has given up.
 */
final class Appender {

    private final RedisLink link;
    private final WriterLeases leases;
    private final Entries entries;
    private final int maxPending;
    final AtomicLong appended = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    /** Received events not appended because another gateway writes their channel (or this one stopped). */
    final AtomicLong standby = new AtomicLong();

    // the hand-off, guarded by handOff
    private final Object handOff = new Object();
    /** XADDs made on the receiving threads (so the context does not build them all), with their channels. */
    private ArrayList<Request> incoming = new ArrayList<>();
    private ArrayList<String> incomingChannels = new ArrayList<>();
    /** Taken by the context and not yet settled: waiting for a lease's first answer or the connection, or in flight. */
    private int outstanding;
    /** Something waits in the hand-off: a flush asks the context to take it. */
    private volatile boolean waiting;
    private final AtomicBoolean drainDue = new AtomicBoolean();
    private final Handler<Void> drain = v -> drain();

    // on the context
    private ArrayList<Request> spare = new ArrayList<>();
    private ArrayList<String> spareChannels = new ArrayList<>();
    /** XADDs waiting for the connection or the batch in flight. */
    private final List<Request> ready = new ArrayList<>();
    private boolean sending;
    private RedisConnection writer;
    private boolean connecting;
    private long nextAttempt;
    private Promise<Void> drained;

    Appender(RedisLink link, WriterLeases leases, Entries entries, int maxPending) {
        this.link = link;
        this.leases = leases;
        this.entries = entries;
        this.maxPending = maxPending;
    }

    /**
     * On a receiving thread: hands the event over when this gateway writes (or may be about to write)
     * its channel; never waits.
     */
    void append(StreamEvent event) {
        Lease lease = leases.of(event.channel());
        if (lease == null || lease.standingBy()) {
            standby.incrementAndGet();
            return;
        }
        if (lease.held() && lease.mayHaveExpired(System.nanoTime())) {
            // not renewed for the failover time (Redis unreachable, or this process stalled): the lease
            // may be another gateway's by now, so nothing is appended until Redis confirms it again
            dropped.incrementAndGet();
            return;
        }
        Request xadd = entries.xadd(event);
        synchronized (handOff) {
            if (incoming.size() + outstanding >= maxPending) {
                dropped.incrementAndGet();
                return;
            }
            if (incoming.isEmpty()) {
                waiting = true;
            }
            incoming.add(xadd);
            incomingChannels.add(event.channel());
        }
    }

    /** On a receiving thread, at the end of a read batch: the context takes what was handed over. */
    void flush() {
        if (waiting && drainDue.compareAndSet(false, true)) {
            link.context().runOnContext(drain);
        }
    }

    /** Takes what was handed over, then sends. */
    void drain() {
        drainDue.set(false);
        take();
        send();
    }

    /** Each event handed over goes out, waits for its lease's first answer, or stands by. */
    void take() {
        ArrayList<Request> taken;
        ArrayList<String> channels;
        synchronized (handOff) {
            if (incoming.isEmpty()) {
                return;
            }
            taken = incoming;
            channels = incomingChannels;
            incoming = spare;
            incomingChannels = spareChannels;
            waiting = false;
            outstanding += taken.size();
        }
        int standingBy = 0;
        for (int i = 0, n = taken.size(); i < n; i++) {
            Lease lease = leases.of(channels.get(i));
            if (!lease.decided()) {
                lease.early.add(taken.get(i));
            } else if (lease.held()) {
                ready.add(taken.get(i));
            } else {
                standingBy++;
            }
        }
        taken.clear();
        channels.clear();
        spare = taken;
        spareChannels = channels;
        standby.addAndGet(standingBy);
        settle(standingBy);
    }

    /** Redis answered a lease for the first time: what arrived before goes out, or stands by. */
    void decided(Lease lease) {
        int n = lease.early.size();
        if (lease.held()) {
            ready.addAll(lease.early);
        } else {
            standby.addAndGet(n);
            settle(n);
        }
        lease.early.clear();
        send();
    }

    /** Once the leases were given up: what waits for a lease's first answer stands by. */
    void stop(Iterable<String> channels) {
        for (String channel : channels) {
            decided(leases.of(channel));
        }
    }

    /** Completes when nothing waits to be sent and no batch is in flight. */
    Future<Void> drained() {
        if (!sending && ready.isEmpty()) {
            return Future.succeededFuture();
        }
        if (drained == null) {
            drained = Promise.promise();
        }
        return drained.future();
    }

    private void send() {
        if (sending || ready.isEmpty()) {
            if (!sending && drained != null) {
                drained.complete();
                drained = null;
            }
            return;
        }
        RedisConnection connection = writer;
        if (connection == null) {
            connect();
            return; // what is ready waits (bounded by max-pending) for the connection
        }
        List<Request> batch = new ArrayList<>(ready);
        ready.clear();
        sending = true;
        connection.batch(batch).onComplete(done -> {
            sending = false;
            settle(batch.size());
            if (done.succeeded()) {
                appended.addAndGet(batch.size());
            } else {
                dropped.addAndGet(batch.size());
                if (writer == connection) {
                    writer = null;
                    connection.close();
                }
                link.failed("appending", done.cause());
            }
            take(); // what came meanwhile
            send();
        });
    }

    private void connect() {
        if (connecting || link.isStopped() || System.nanoTime() - nextAttempt < 0) {
            if (!connecting) { // waiting to retry: what is ready now is lost, the hand-off stays bounded
                dropReady();
            }
            return;
        }
        connecting = true;
        link.redis.connect().onComplete(ar -> {
            connecting = false;
            if (ar.failed()) {
                nextAttempt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(link.retryMillis);
                dropReady();
                link.failed("connecting", ar.cause());
            } else if (link.isStopped()) {
                ar.result().close();
            } else {
                RedisConnection connection = ar.result();
                writer = connection;
                connection.exceptionHandler(e -> link.run(() -> lost(connection, e)));
                connection.endHandler(v -> link.run(() -> lost(connection, null)));
                send();
            }
        });
    }

    private void dropReady() {
        dropped.addAndGet(ready.size());
        settle(ready.size());
        ready.clear();
        send(); // tells stop() when it waits
    }

    private void lost(RedisConnection connection, Throwable cause) {
        if (writer == connection) {
            writer = null;
            link.failed("the append connection", cause);
        }
    }

    /** {@code n} events taken by the context are done with (sent, dropped or standing by). */
    private void settle(int n) {
        if (n > 0) {
            synchronized (handOff) {
                outstanding -= n;
            }
        }
    }

    /** Last: the connection goes. */
    void close() {
        if (writer != null) {
            writer.close();
            writer = null;
        }
    }
}
