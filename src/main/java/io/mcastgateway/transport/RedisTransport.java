package io.mcastgateway.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.mcastgateway.config.GatewayConfig;
import io.mcastgateway.hub.EventIds;
import io.mcastgateway.hub.Relay;
import io.mcastgateway.hub.StreamEvent;
import io.mcastgateway.hub.Subscriber;
import io.mcastgateway.hub.Transport;
import io.mcastgateway.hub.TransportInfo;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * The events of every channel in one Redis stream ({@code mcast.redis.key}), shared by receiving
 * gateways and SSE replicas; Redis assigns the ids. It is made of one class per role:
 * <ul>
 * <li>{@link WriterLeases}: a gateway appends a channel's events only while it holds the channel's
 * writer lease; the other receivers of the channel stand by and take over when it expires.</li>
 * <li>{@link Appender}: the events handed over by the receiving threads, appended in pipelined
 * batches, at most {@code mcast.redis.max-pending} waiting (beyond, dropped and counted).</li>
 * <li>{@link StreamReader} and {@link Replays}: one connection reads the stream and hands each entry
 * to the subscribers of this process; a Last-Event-ID is resumed from the stream itself
 * ({@link ReplayDecision}), on any replica and after any restart.</li>
 * <li>{@link RelayedSends}: a publish for a channel this process does not receive goes to the
 * gateway that writes it.</li>
 * </ul>
 * One stream for all channels, not one per channel: a client's Last-Event-ID is one string, and
 * only ids of one stream are ordered, so a client following several channels resumes exactly.
 * <p>
 * <b>Threads.</b> All control state (leases, the reader's position, catch-ups, fan-out membership,
 * connections, stopping) belongs to one Vert.x context ({@link RedisLink}); subscribing,
 * unsubscribing and stopping hop onto it. The receiving threads share only the appender's hand-off;
 * {@link #status()} and {@link #subscribers()} read counters and volatile snapshots.
 */
public final class RedisTransport implements Transport, Relay {

    private static final Logger LOG = Logger.getLogger(RedisTransport.class);
    /** What stop() waits for the context beyond its timeout before it gives up. */
    private static final long STOP_GRACE_MILLIS = 500;

    private final RedisLink link;
    private final String instance;
    private final WriterLeases leases;
    private final Entries entries;
    private final Appender appender;
    private final Replays replays;
    private final RelayedSends sends;
    private final StreamReader reader;
    /** The stream's length as last read. */
    private volatile long retained;
    private long tickTimer = -1;

    /**
     * @param sources a channel's senders as JSON (what {@code /api/sources} shows of it), shared every
     *        third of the failover time by the writer of the channel
     */
    public RedisTransport(Vertx vertx, Redis redis, String server, GatewayConfig config, Collection<String> receivedChannels,
            Function<String, String> sources) {
        this.link = new RedisLink(vertx, redis, server, config.redis().key(), config.redis().retryInterval().toMillis());
        this.instance = hostName() + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.entries = new Entries(link.key, config.stream().replaySize());
        this.leases = new WriterLeases(link, receivedChannels, instance, config.redis().failover().toMillis(), this::decided);
        this.appender = new Appender(link, leases, entries, config.redis().maxPending());
        this.replays = new Replays(link, entries, config.stream().replaySize(), config.stream().buffer());
        this.sends = new RelayedSends(link, leases, config.redis().secret().map(RelaySignature::new).orElse(null), sources);
        this.reader = new StreamReader(link, entries, replays, sends, !receivedChannels.isEmpty());
    }

    /** Connects the reader and starts taking the writer leases; returns at once. */
    public void start() {
        LOG.infof("Transport: Redis stream %s on %s; this gateway (%s) %s", link.key, link.server, instance,
                leases.channels().isEmpty() ? "only reads (no channel received here)"
                        : "writes the channels " + String.join(", ", leases.channels()) + " while it holds their lease");
        if (!sends.signs()) {
            LOG.infof("Without mcast.redis.secret this gateway neither relays publishes for channels it does not receive"
                    + " nor sends what others relay (%s)", link.sendsKey);
        }
        link.run(() -> {
            reader.start();
            tickTimer = link.vertx.setPeriodic(1, leases.pollMillis(), id -> tick());
        });
    }

    /** Redis answered whose a lease is for the first time. */
    private void decided(WriterLeases.Lease lease) {
        appender.decided(lease);
    }

    /** The leases; every third of the failover time, the senders shared and the stream's length. */
    private void tick() {
        if (!leases.tick()) {
            return;
        }
        leases.writing().forEach(sends::share);
        link.redis.send(Request.cmd(Command.XLEN).arg(link.key)).onComplete(ar -> {
            if (ar.succeeded()) {
                retained = ar.result() == null ? 0 : ar.result().toLong();
                link.recovered();
            } else {
                link.failed("checking the stream", ar.cause());
            }
        });
    }

    /**
     * Hands the channels over: stops appending, sends what was handed over, then releases the leases
     * held (a standby takes over within a tenth of the failover time rather than after all of it).
     * Blocks the calling (shutdown) thread for about {@code timeout} at most; the work runs on the
     * context, so no answer of Redis arriving meanwhile can take a lease back.
     */
    public void stop(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        link.run(() -> stopOnContext(deadline).onComplete(ar -> stopped.complete(null)));
        try {
            stopped.get(timeout.toMillis() + STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | ExecutionException e) {
            LOG.warnf("Redis transport: the hand-over did not finish within %s", timeout);
        }
    }

    private Future<Void> stopOnContext(long deadline) {
        appender.take(); // what was received before stop() goes out, under the lease it was received with
        List<WriterLeases.Lease> held = leases.stop();
        appender.stop(leases.channels());
        return within(appender.drained(), deadline).transform(drained -> {
            link.stopped();
            if (tickTimer >= 0) {
                link.vertx.cancelTimer(tickTimer);
            }
            Future<Void> released = within(leases.release(held), Math.max(deadline, System.nanoTime() + 100_000_000L));
            return released.transform(ar -> {
                if (ar.succeeded() && !held.isEmpty()) {
                    LOG.infof("Released %d writer lease(s)", held.size());
                } else if (ar.failed()) {
                    LOG.warnf("Could not release the writer leases (they expire after %d ms): %s", leases.failoverMillis(),
                            ar.cause().toString());
                }
                reader.close();
                appender.close();
                return Future.succeededFuture();
            });
        });
    }

    /** {@code future}, or a failure once {@code deadline} (nanoTime) passed. */
    private Future<Void> within(Future<Void> future, long deadline) {
        if (future.isComplete()) {
            return future;
        }
        Promise<Void> result = Promise.promise();
        long timer = link.vertx.setTimer(Math.max(1, (deadline - System.nanoTime()) / 1_000_000),
                id -> result.tryFail("timed out"));
        future.onComplete(ar -> {
            link.vertx.cancelTimer(timer);
            if (ar.succeeded()) {
                result.tryComplete();
            } else {
                result.tryFail(ar.cause());
            }
        });
        return result.future();
    }

    // ---------------------------------------------------------------- Transport

    /** Redis assigns the ids as it appends: the hub hands over each event's JSON, without id. */
    @Override
    public EventIds ids() {
        return EventIds.ASSIGNED_BY_STORE;
    }

    /** Hands the event's JSON to the appender when this process writes its channel; never waits. */
    @Override
    public void append(StreamEvent event) {
        appender.append(event);
    }

    @Override
    public void flush() {
        appender.flush();
    }

    @Override
    public void subscribe(Subscriber subscriber, String lastEventId) {
        link.run(() -> replays.subscribe(subscriber, lastEventId));
    }

    @Override
    public void unsubscribe(Subscriber subscriber) {
        link.run(() -> replays.unsubscribe(subscriber));
    }

    @Override
    public List<Subscriber> subscribers() {
        return replays.subscribers();
    }

    @Override
    public int subscriberCount() {
        return replays.subscriberCount();
    }

    @Override
    public TransportInfo status() {
        String now = link.problem();
        if (now == null) {
            List<String> undecided = leases.undecided();
            if (!undecided.isEmpty()) {
                now = "not yet known whether this gateway writes " + String.join(", ", undecided) + " (lease)";
            }
        }
        List<String> writing = new ArrayList<>();
        List<String> standingBy = new ArrayList<>();
        leases.split(writing, standingBy);
        return new TransportInfo("redis", now, appender.appended.get(), appender.dropped.get(), appender.standby.get(),
                writing, standingBy, retained, entries.skipped(), sends.refused());
    }

    // ---------------------------------------------------------------- Relay

    @Override
    public Future<Void> relay(String channel, byte[] payload) {
        return sends.relay(channel, payload);
    }

    @Override
    public Future<String> sharedSources(String channel) {
        return sends.sharedSources(channel);
    }

    @Override
    public void onRelayed(BiFunction<String, byte[], Future<Void>> sender) {
        link.run(() -> sends.sendWith(sender));
    }

    /**
     * What the Redis client does with the answer to a lease request of {@code channel}, on the
     * context as every answer; a test calls it to choose when. Completes once it ran.
     */
    Future<Void> leaseAnswered(String channel, boolean ours) {
        Promise<Void> done = Promise.promise();
        link.run(() -> {
            leases.answered(channel, ours);
            done.complete();
        });
        return done.future();
    }

    private static String hostName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                host = "gateway";
            }
        }
        return host;
    }
}
