package io.mcastgateway.transport;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

/**
 * The writer leases of the channels this gateway receives: it appends a channel's events only while
 * it holds the channel's lease ({@code <key>:writer:<channel>}, taken with {@code PX failover} when
 * free, renewed every third of it, released on shutdown); the other receivers of the channel stand by,
 * try every tenth of it and take it over when it expires.
 * <p>
 * <b>Threads.</b> Everything runs on the {@link RedisLink#context()}: the tick, the answers of Redis,
 * {@link #stop()}. A lease's state is published (volatile) for the receiving threads, which read it to
 * count an event as standby or dropped without queuing it, and for the stats. Answers and
 * {@code stop()} run on one context, so an answer that arrives after {@code stop()} is handled after
 * it, where the stopping flag turns it away: there is no moment at which it could take a lease back.
 */
final class WriterLeases {

    private static final Logger LOG = Logger.getLogger(WriterLeases.class);
    /** Renews the lease if it is ours; takes it if nobody holds it (free, expired, or Redis restarted empty). */
    private static final String TAKE_OR_RENEW = """
            local owner = redis.call('GET', KEYS[1])
            if owner == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            if not owner then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
            return 0""";
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0""";

    private static final int UNDECIDED = 0;
    private static final int HELD = 1;
    private static final int STANDBY = 2;

    /** The writer lease of one channel. */
    static final class Lease {
        final String channel;
        final String key;
        /** Events received before Redis first answered (the appender's). */
        final List<Request> early = new ArrayList<>();
        private volatile int state = UNDECIDED;
        /**
         * When the last request was sent that Redis answered with "ours" (nanoTime): the lease is ours
         * until at least this plus the failover time, by this process's clock.
         */
        private volatile long confirmedAt;
        private final long failoverNanos;
        private boolean asking;
        /** Completed with the answer to the request that is out (while asking). */
        private Promise<Void> answer;
        private long askedAt;
        /** Held, but not confirmed for the failover time (said once in the log). */
        private boolean unconfirmed;

        Lease(String channel, String key, long failoverNanos) {
            this.channel = channel;
            this.key = key;
            this.failoverNanos = failoverNanos;
        }

        /** Redis has answered once: whether this gateway writes the channel is known. */
        boolean decided() {
            return state != UNDECIDED;
        }

        boolean held() {
            return state == HELD;
        }

        boolean standingBy() {
            return state == STANDBY;
        }

        /**
         * Whether the lease may have expired in Redis by {@code now} (nanoTime): not confirmed for the
         * failover time, counted from when the last confirmed request was sent.
         */
        boolean mayHaveExpired(long now) {
            return now - confirmedAt >= failoverNanos;
        }
    }

    private final RedisLink link;
    /** Fixed at construction: looked up from any thread. */
    private final Map<String, Lease> leases = new LinkedHashMap<>();
    private final String instance;
    private final long failoverMillis;
    private final long failoverNanos;
    private final long renewNanos;
    private final long pollMillis;
    private final Consumer<Lease> decided;
    private long lastCheck = System.nanoTime() - Long.MAX_VALUE / 2;
    private boolean stopping;

    /**
     * @param instance who this gateway is, as the lease holds it
     * @param decided called when Redis first answered whether a lease is ours
     */
    WriterLeases(RedisLink link, Collection<String> channels, String instance, long failoverMillis, Consumer<Lease> decided) {
        this.link = link;
        this.instance = instance;
        this.failoverMillis = failoverMillis;
        this.failoverNanos = TimeUnit.MILLISECONDS.toNanos(failoverMillis);
        this.renewNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(100, failoverMillis / 3));
        this.pollMillis = Math.max(50, failoverMillis / 10);
        this.decided = decided;
        for (String channel : channels) {
            leases.put(channel, new Lease(channel, link.writerKey(channel), failoverNanos));
        }
    }

    /** How often {@link #tick()} should run: a standby tries to take a free lease this often. */
    long pollMillis() {
        return pollMillis;
    }

    long failoverMillis() {
        return failoverMillis;
    }

    /** The lease of a channel this gateway receives, else null. */
    Lease of(String channel) {
        return leases.get(channel);
    }

    Collection<String> channels() {
        return leases.keySet();
    }

    /**
     * Every {@link #pollMillis()}: asks Redis for each lease not held, and renews those
     * held every third of the failover time. Returns true every third of the failover time (when the
     * held leases were renewed): the time for the other periodic checks.
     */
    boolean tick() {
        if (stopping) {
            return false;
        }
        long now = System.nanoTime();
        boolean check = now - lastCheck >= renewNanos;
        if (check) {
            lastCheck = now;
        }
        for (Lease lease : leases.values()) {
            long askedAt = System.nanoTime();
            if (lease.asking && askedAt - lease.askedAt < failoverNanos) {
                continue; // the last request has not been answered yet: one at a time
            }
            if (lease.held() && askedAt - lease.askedAt < renewNanos) {
                continue; // a writer renews every third of the failover time; a standby tries every tick
            }
            // takes the lease when it is free, renews it when it is ours (the same script both ways: an
            // answer can't be mistaken for another gateway's lease)
            lease.asking = true;
            lease.answer = Promise.promise();
            lease.askedAt = askedAt;
            link.redis.send(Request.cmd(Command.EVAL).arg(TAKE_OR_RENEW).arg(1).arg(lease.key).arg(instance).arg(failoverMillis))
                    .onComplete(ar -> answered(lease, ar.succeeded() ? ar.result() : null, askedAt, ar.cause()));
        }
        return check;
    }

    private void answered(Lease lease, Response response, long askedAt, Throwable failure) {
        lease.asking = false;
        lease.answer.tryComplete();
        if (failure == null) {
            answered(lease, response != null && response.type() == ResponseType.NUMBER && response.toLong() == 1, askedAt);
            return;
        }
        // Redis unreachable: once the lease may have expired, nothing more is queued (another gateway
        // may write the channel by then); what is received counts as dropped until Redis answers whose
        // the lease is
        if (!stopping && lease.held() && !lease.unconfirmed && lease.mayHaveExpired(System.nanoTime())) {
            lease.unconfirmed = true;
            LOG.warnf("Channel %s: the writer lease could not be renewed for %d ms; not appending until Redis"
                    + " answers", lease.channel, failoverMillis);
        }
    }

    /** Redis answered a request sent at {@code askedAt}: the lease is this gateway's ({@code ours}) or another's. */
    private void answered(Lease lease, boolean ours, long askedAt) {
        if (stopping) {
            return; // handing over: an answer to a request sent before stop() takes nothing back
        }
        lease.unconfirmed = false;
        boolean first = !lease.decided();
        if (ours) {
            lease.confirmedAt = askedAt; // before the state: a receiving thread that sees HELD sees it confirmed
            if (!lease.held()) {
                lease.state = HELD;
                LOG.infof("Channel %s: this gateway writes it to the Redis stream (writer lease taken)", lease.channel);
            }
        } else {
            if (lease.held()) {
                LOG.warnf("Channel %s: another gateway holds the writer lease; standing by", lease.channel);
            } else if (first) {
                LOG.infof("Channel %s: another gateway writes it; this one stands by (takes over within %d ms of"
                        + " its end)", lease.channel, failoverMillis + pollMillis);
            }
            lease.state = STANDBY;
        }
        if (first) {
            decided.accept(lease);
        }
    }

    /** What the Redis client does with the answer to a lease request of {@code channel}. */
    void answered(String channel, boolean ours) {
        Lease lease = leases.get(channel);
        if (lease != null) {
            answered(lease, ours, System.nanoTime());
        }
    }

    /**
     * From now on no lease is taken or renewed, whatever Redis answers (what comes is
     * the next writer's), and every lease stands by. Returns the leases that were held, to release.
     */
    List<Lease> stop() {
        stopping = true;
        List<Lease> held = leases.values().stream().filter(Lease::held).toList();
        leases.values().forEach(l -> l.state = STANDBY);
        return held;
    }

    /**
     * Deletes the leases if they are still this gateway's, so a standby takes over at once. A lease request
     * still out is answered first: sent on another connection of the pool, it could otherwise reach Redis
     * after the release and take the lease again, for the failover time.
     */
    Future<Void> release(List<Lease> held) {
        List<Future<Response>> releases = new ArrayList<>();
        for (Lease lease : held) {
            Future<Void> answered = lease.asking ? lease.answer.future() : Future.succeededFuture();
            releases.add(answered.compose(v -> link.redis.send(
                    Request.cmd(Command.EVAL).arg(RELEASE).arg(1).arg(lease.key).arg(instance))));
        }
        return Future.join(new ArrayList<>(releases)).mapEmpty();
    }

    // ---------------------------------------------------------------- status, any thread

    /** The channels this gateway writes now. */
    List<String> writing() {
        return leases.values().stream().filter(Lease::held).map(l -> l.channel).toList();
    }

    /** Adds each channel to {@code writing} or {@code standingBy}, by its lease's state as of now. */
    void split(List<String> writing, List<String> standingBy) {
        for (Lease lease : leases.values()) {
            (lease.held() ? writing : standingBy).add(lease.channel);
        }
    }

    List<String> undecided() {
        return leases.values().stream().filter(l -> !l.decided()).map(l -> l.channel).toList();
    }
}
