package io.mcastgateway.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.channel.LogText;
import io.mcastgateway.config.GatewayConfig;
import io.mcastgateway.hub.EventIds;
import io.mcastgateway.hub.Fanout;
import io.mcastgateway.hub.Relay;
import io.mcastgateway.hub.SseFrames;
import io.mcastgateway.hub.StreamEvent;
import io.mcastgateway.hub.Subscriber;
import io.mcastgateway.hub.Transport;
import io.mcastgateway.hub.TransportInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

/**
 * The events of every channel in one Redis stream ({@code mcast.redis.key}), shared by receiving
 * gateways and SSE replicas.
 * <ul>
 * <li><b>Writing</b>: a gateway appends a channel's events only while it holds the channel's writer
 * lease ({@code <key>:writer:<channel>}, taken with {@code PX failover} when free, renewed every
 * third of it, deleted on shutdown); the other receivers of the channel stand by, try every tenth
 * of it and take it over when it expires. Appends are pipelined on one connection, one batch at a time, with
 * {@code XADD MAXLEN ~ replay-size}; at most {@code mcast.redis.max-pending} events wait, beyond
 * (Redis slow or gone) they are dropped and counted. Nothing on the receiving thread waits.</li>
 * <li><b>Reading</b>: one connection of its own blocks in {@code XREAD} and hands each entry, its
 * frame built once with the Redis id as SSE id, to the subscribers of this process. A Last-Event-ID
 * is resumed from the stream itself ({@code XRANGE}), on any replica and after any restart.</li>
 * <li><b>Relaying sends</b>: a publish for a channel this process does not receive goes into the
 * stream {@code <key>:sends}, which the channel's writer reads and sends to the group.</li>
 * </ul>
 * One stream for all channels, not one per channel: a client's Last-Event-ID is one string, and
 * only ids of one stream are ordered, so a client following several channels resumes exactly.
 */
public final class RedisTransport implements Transport, Relay {

    private static final Logger LOG = Logger.getLogger(RedisTransport.class);
    private static final int READ_COUNT = 1024;
    private static final long BLOCK_MILLIS = 1000;
    private static final int SENDS_RETAINED = 1000;
    /** How far ahead of this clock a Last-Event-ID's time may be (other hosts' clocks) and still be resumed. */
    private static final long FUTURE_ID_MILLIS = 60_000;
    /** Renews the lease if it is ours; takes it if nobody holds it (free, expired, or Redis restarted empty). */
    private static final String TAKE_OR_RENEW = """
            local owner = redis.call('GET', KEYS[1])
            if owner == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            if not owner then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
            return 0""";
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0""";

    private final Vertx vertx;
    private final Function<String, String> sources;
    private final Redis redis;
    private final String server;
    private final String key;
    private final String sendsKey;
    private final String instance;
    private final long failoverMillis;
    private final long failoverNanos;
    /** How often a writer renews its lease. */
    private final long renewNanos;
    /** How often leases are looked at: a standby tries to take a free one this often. */
    private final long pollMillis;
    private final long retryMillis;
    private final int maxPending;
    private final int replaySize;
    private final int subscriberBuffer;
    private final Map<String, Lease> leases = new LinkedHashMap<>();

    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong standby = new AtomicLong();
    /** Entries of the event stream that are not events a gateway wrote. */
    private final PassedOver skipped = new PassedOver("Skipped stream entry", "transport.skipped");
    /** Relayed sends not sent. */
    private final PassedOver refusedSends = new PassedOver("Refused relayed send", "transport.refusedSends");
    /** Signs relayed sends and checks them; null without mcast.redis.secret (no relaying either way). */
    private final RelaySignature signature;
    private volatile String problem = "not connected yet";
    private volatile long retained;
    private volatile boolean stopped;
    /**
     * Set first thing in {@link #stop}: from then on no lease is taken or renewed and nothing more is
     * queued, whatever answer of Redis arrives meanwhile (what comes is the next writer's).
     */
    private volatile boolean stopping;
    private volatile BiFunction<String, byte[], Future<Void>> relayed;
    private long tickTimer = -1;
    private long lastCheck = System.nanoTime() - Long.MAX_VALUE / 2;

    // writing, guarded by this
    private final List<Request> queue = new ArrayList<>();
    private int inFlight;
    private boolean sending;
    private RedisConnection writer;
    private boolean connectingWriter;
    private long nextWriterAttempt;

    // reading, guarded by this
    /** The subscribers of this process that get live events (those catching up wait in catchUps). */
    private final Fanout fanout;
    /** Subscribers still catching up that were offered a live event since the last flush. */
    private final List<Subscriber> pending = new ArrayList<>();
    private final List<CatchUp> catchUps = new ArrayList<>();
    /** What the reader delivered lately: recent Last-Event-IDs are replayed from it. */
    private final RecentEntries<Entry> recent;
    private StreamId position;
    private StreamId sendPosition;
    private RedisConnection reader;

    /**
     * @param sources a channel's senders as JSON (what {@code /api/sources} shows of it), shared every
     *        third of the failover time by the writer of the channel
     */
    public RedisTransport(Vertx vertx, Redis redis, String server, GatewayConfig config, Collection<String> receivedChannels,
            Function<String, String> sources) {
        this.vertx = vertx;
        this.sources = sources;
        this.redis = redis;
        this.server = server;
        this.key = config.redis().key();
        this.sendsKey = key + ":sends";
        this.instance = hostName() + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.failoverMillis = config.redis().failover().toMillis();
        this.failoverNanos = config.redis().failover().toNanos();
        this.renewNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(100, failoverMillis / 3));
        this.pollMillis = Math.max(50, failoverMillis / 10);
        this.retryMillis = config.redis().retryInterval().toMillis();
        this.maxPending = config.redis().maxPending();
        this.replaySize = config.stream().replaySize();
        this.subscriberBuffer = config.stream().buffer();
        this.fanout = new Fanout(config.stream().buffer());
        this.recent = new RecentEntries<>(replaySize);
        this.signature = config.redis().secret().map(RelaySignature::new).orElse(null);
        for (String channel : receivedChannels) {
            leases.put(channel, new Lease(channel));
        }
    }

    /** Connects the reader and starts taking the writer leases; returns at once. */
    public void start() {
        LOG.infof("Transport: Redis stream %s on %s; this gateway (%s) %s", key, server, instance,
                leases.isEmpty() ? "only reads (no channel received here)"
                        : "writes the channels " + String.join(", ", leases.keySet()) + " while it holds their lease");
        if (signature == null) {
            LOG.infof("Without mcast.redis.secret this gateway neither relays publishes for channels it does not receive"
                    + " nor sends what others relay (%s)", sendsKey);
        }
        connectReader();
        tickTimer = vertx.setPeriodic(1, pollMillis, id -> tick());
    }

    /**
     * Hands the channels over: stops appending, sends what is queued, then releases the leases held (a
     * standby takes over within a tenth of the failover time rather than after all of it). Blocks the
     * calling (shutdown) thread for at most {@code timeout}.
     */
    public void stop(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Lease> held;
        synchronized (this) { // one step against Lease.answered and append: no lease taken, nothing queued after it
            stopping = true;
            held = leases.values().stream().filter(l -> l.held).toList();
            held.forEach(l -> l.held = false); // what arrives from now on is the next writer's
        }
        flush();
        try {
            while (System.nanoTime() < deadline && !drained()) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped = true;
        if (tickTimer >= 0) {
            vertx.cancelTimer(tickTimer);
        }
        List<Future<Response>> releases = new ArrayList<>();
        for (Lease lease : held) {
            releases.add(redis.send(Request.cmd(Command.EVAL).arg(RELEASE).arg(1).arg(lease.key).arg(instance)));
        }
        try {
            Future.join(new ArrayList<>(releases)).toCompletionStage().toCompletableFuture()
                    .get(Math.max(100, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            if (!releases.isEmpty()) {
                LOG.infof("Released %d writer lease(s)", releases.size());
            }
        } catch (Exception e) {
            LOG.warnf("Could not release the writer leases (they expire after %d ms): %s", failoverMillis, e.toString());
        }
        synchronized (this) {
            if (reader != null) {
                reader.close();
            }
            if (writer != null) {
                writer.close();
            }
        }
    }

    private synchronized boolean drained() {
        return queue.isEmpty() && !sending;
    }

    // ---------------------------------------------------------------- writing

    /** Redis assigns the ids as it appends: the hub hands over each event's JSON, without id. */
    @Override
    public EventIds ids() {
        return EventIds.ASSIGNED_BY_STORE;
    }

    /** Queues the event's JSON for appending when this process writes its channel; never waits. */
    @Override
    public void append(StreamEvent event) {
        if (stopping) {
            standby.incrementAndGet();
            return;
        }
        Lease lease = leases.get(event.channel());
        if (lease != null && !lease.decided) {
            synchronized (this) {
                if (!lease.decided) { // just started: the events wait for the lease's first answer
                    if (lease.early.size() + queue.size() + inFlight >= maxPending) {
                        dropped.incrementAndGet();
                    } else {
                        lease.early.add(xadd(event));
                    }
                    return;
                }
            }
        }
        if (lease == null || !lease.held) {
            standby.incrementAndGet();
            return;
        }
        if (lease.mayHaveExpired(System.nanoTime())) {
            // not renewed for the failover time (Redis unreachable, or this process stalled): the lease
            // may be another gateway's by now, so nothing is appended until Redis confirms it again
            dropped.incrementAndGet();
            return;
        }
        synchronized (this) {
            if (queue.size() + inFlight >= maxPending) {
                dropped.incrementAndGet();
                return;
            }
            if (!lease.held || stopping) { // handed over meanwhile
                standby.incrementAndGet();
                return;
            }
            queue.add(xadd(event));
        }
    }

    private Request xadd(StreamEvent event) {
        return Request.cmd(Command.XADD).arg(key).arg("MAXLEN").arg("~").arg(replaySize).arg("*")
                .arg("c").arg(event.channel()).arg("g").arg(event.group()).arg("i").arg(event.sourceIp())
                .arg("s").arg(event.source()).arg("d").arg(Buffer.buffer(event.frame()));
    }

    /**
     * Sends what was queued, pipelined in one write on the writer connection. One batch is out at a
     * time, whatever thread calls: the next goes when Redis has answered the last, with everything
     * queued meanwhile, so a channel's events reach the stream in the order they were received (writes
     * from two threads to one connection could pass each other) and a busy stream goes in large batches.
     */
    @Override
    public void flush() {
        List<Request> batch;
        RedisConnection connection;
        synchronized (this) {
            if (queue.isEmpty() || sending) {
                return;
            }
            connection = writer;
            if (connection == null) {
                connectWriter();
                return; // the queue waits (bounded by max-pending) for the connection
            }
            batch = new ArrayList<>(queue);
            queue.clear();
            inFlight = batch.size();
            sending = true;
        }
        connection.batch(batch).onComplete(done -> {
            synchronized (this) {
                inFlight = 0;
                sending = false;
                if (done.failed() && writer == connection) {
                    writer = null;
                    connection.close();
                }
            }
            if (done.succeeded()) {
                appended.addAndGet(batch.size());
            } else {
                dropped.addAndGet(batch.size());
                failed("appending", done.cause());
            }
            flush(); // what came meanwhile
        });
    }

    // guarded by this
    private void connectWriter() {
        long now = System.nanoTime();
        if (connectingWriter || stopped || now - nextWriterAttempt < 0) {
            if (!connectingWriter) { // waiting to retry: what is queued now is lost, the queue stays bounded
                dropped.addAndGet(queue.size());
                queue.clear();
            }
            return;
        }
        connectingWriter = true;
        redis.connect().onComplete(ar -> {
            synchronized (this) {
                connectingWriter = false;
                if (ar.failed()) {
                    nextWriterAttempt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryMillis);
                    dropped.addAndGet(queue.size());
                    queue.clear();
                } else if (stopped) {
                    ar.result().close();
                } else {
                    RedisConnection connection = ar.result();
                    writer = connection;
                    connection.exceptionHandler(e -> writerLost(connection, e));
                    connection.endHandler(v -> writerLost(connection, null));
                }
            }
            if (ar.failed()) {
                failed("connecting", ar.cause());
            } else {
                flush();
            }
        });
    }

    private void writerLost(RedisConnection connection, Throwable cause) {
        synchronized (this) {
            if (writer != connection) {
                return;
            }
            writer = null;
        }
        failed("the append connection", cause);
    }

    /**
     * Every tenth of the failover time: tries to take the leases of others that have expired; every
     * third of it: renews the leases held and reads the stream's length (which also tells whether
     * Redis answers).
     */
    private void tick() {
        if (stopping) {
            return;
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
            if (lease.held && askedAt - lease.askedAt < renewNanos) {
                continue; // a writer renews every third of the failover time; a standby tries every tick
            }
            // takes the lease when it is free, renews it when it is ours (the same script both ways: an
            // answer can't be mistaken for another gateway's lease)
            lease.asking = true;
            lease.askedAt = askedAt;
            redis.send(Request.cmd(Command.EVAL).arg(TAKE_OR_RENEW).arg(1).arg(lease.key).arg(instance).arg(failoverMillis))
                    .onComplete(ar -> lease.answered(ar.succeeded() ? ar.result() : null, askedAt, ar.cause()));
        }
        if (!check) {
            return;
        }
        for (Lease lease : leases.values()) {
            if (lease.held) { // the senders as this writer counts them, for the replicas' /api/sources
                String shared = sources.apply(lease.channel);
                if (shared != null) {
                    redis.send(Request.cmd(Command.SET).arg(sourcesKey(lease.channel)).arg(shared).arg("PX")
                            .arg(failoverMillis * 3));
                }
            }
        }
        redis.send(Request.cmd(Command.XLEN).arg(key)).onComplete(ar -> {
            if (ar.succeeded()) {
                retained = ar.result() == null ? 0 : ar.result().toLong();
                recovered();
            } else {
                failed("checking the stream", ar.cause());
            }
        });
    }

    /** The writer lease of one channel. */
    private final class Lease {
        final String channel;
        final String key;
        volatile boolean held;
        /** Redis has answered once: whether this gateway writes the channel is known. */
        volatile boolean decided;
        /** Events received before Redis first answered (guarded by the transport). */
        final List<Request> early = new ArrayList<>();
        /** A request is out, sent at askedAt (nanoTime). */
        volatile boolean asking;
        volatile long askedAt;
        /** Held, but not confirmed for the failover time (said once in the log). */
        boolean unconfirmed;
        /**
         * When the last request was sent that Redis answered with "ours" (nanoTime): the lease is ours
         * until at least this plus the failover time, by this process's clock.
         */
        volatile long confirmedAt;

        Lease(String channel) {
            this.channel = channel;
            this.key = RedisTransport.this.key + ":writer:" + channel;
        }

        /**
         * Whether the lease may have expired in Redis by {@code now} (nanoTime): not confirmed for the
         * failover time, counted from when the last confirmed request was sent.
         */
        boolean mayHaveExpired(long now) {
            return now - confirmedAt >= failoverNanos;
        }

        void answered(Response response, long askedAt, Throwable failure) {
            asking = false;
            if (failure == null) {
                answered(response != null && response.type() == ResponseType.NUMBER && response.toLong() == 1, askedAt);
                return;
            }
            // Redis unreachable: once the lease may have expired, nothing more is queued (another gateway
            // may write the channel by then); what is received counts as dropped until Redis answers whose
            // the lease is
            if (!stopping && held && !unconfirmed && mayHaveExpired(System.nanoTime())) {
                unconfirmed = true;
                LOG.warnf("Channel %s: the writer lease could not be renewed for %d ms; not appending until Redis"
                        + " answers", channel, failoverMillis);
            }
        }

        /** Redis answered a request sent at {@code askedAt}: the lease is this gateway's ({@code ours}) or another's. */
        void answered(boolean ours, long askedAt) {
            if (stopping) {
                return; // handing over: an answer to a renewal sent before stop() takes nothing back
            }
            unconfirmed = false;
            if (ours) {
                synchronized (RedisTransport.this) { // against stop(): a lease is never taken after it began
                    if (stopping) {
                        return;
                    }
                    confirmedAt = askedAt;
                    if (!held) {
                        held = true;
                        LOG.infof("Channel %s: this gateway writes it to the Redis stream (writer lease taken)", channel);
                    }
                }
            } else if (held) {
                held = false;
                LOG.warnf("Channel %s: another gateway holds the writer lease; standing by", channel);
            } else if (!decided) {
                LOG.infof("Channel %s: another gateway writes it; this one stands by (takes over within %d ms of"
                        + " its end)", channel, failoverMillis + pollMillis);
            }
            if (!decided) {
                synchronized (RedisTransport.this) {
                    decided = true;
                    if (ours && !stopping) { // what arrived before the first answer goes out now
                        queue.addAll(early);
                    } else {
                        standby.addAndGet(early.size());
                    }
                    early.clear();
                }
                flush();
            }
        }
    }

    /** What the Redis client does with the answer to a lease request of {@code channel}; a test calls it to choose when. */
    void leaseAnswered(String channel, boolean ours) {
        Lease lease = leases.get(channel);
        if (lease != null) {
            lease.answered(ours, System.nanoTime());
        }
    }

    // ---------------------------------------------------------------- reading

    private void connectReader() {
        if (stopped) {
            return;
        }
        redis.connect().compose(connection -> {
            synchronized (this) {
                reader = connection;
            }
            connection.exceptionHandler(e -> LOG.debugf("reader connection: %s", e));
            if (position != null) {
                return Future.succeededFuture(connection);
            }
            // first connection: from the newest entry on (older ones are replay, read with XRANGE)
            return connection.batch(List.of(Request.cmd(Command.XREVRANGE).arg(key).arg("+").arg("-").arg("COUNT").arg(1),
                    Request.cmd(Command.XREVRANGE).arg(sendsKey).arg("+").arg("-").arg("COUNT").arg(1)))
                    .map(newest -> {
                        synchronized (this) {
                            position = newestId(newest.get(0));
                            sendPosition = newestId(newest.get(1));
                            recent.restart(position);
                        }
                        return connection;
                    });
        }).onSuccess(connection -> {
            recovered();
            read(connection);
        }).onFailure(e -> {
            failed("connecting", e);
            retryReader();
        });
    }

    private void retryReader() {
        synchronized (this) {
            if (reader != null) {
                reader.close();
                reader = null;
            }
        }
        if (!stopped) {
            vertx.setTimer(retryMillis, id -> connectReader());
        }
    }

    private void read(RedisConnection connection) {
        if (stopped) {
            return;
        }
        Request request = Request.cmd(Command.XREAD).arg("COUNT").arg(READ_COUNT).arg("BLOCK").arg(BLOCK_MILLIS)
                .arg("STREAMS").arg(key);
        StreamId from;
        StreamId sendsFrom;
        synchronized (this) {
            from = position;
            sendsFrom = sendPosition;
        }
        boolean sends = !leases.isEmpty();
        if (sends) {
            request.arg(sendsKey);
        }
        request.arg(from.toString());
        if (sends) {
            request.arg(sendsFrom.toString());
        }
        connection.send(request).onComplete(ar -> {
            if (ar.failed()) {
                if (!stopped) {
                    failed("reading", ar.cause());
                    retryReader();
                }
                return;
            }
            recovered();
            try {
                received(ar.result());
            } catch (RuntimeException e) {
                LOG.errorf(e, "Could not read the Redis stream's reply");
            }
            read(connection);
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

    private void entries(String stream, Response entries) {
        if (stream.equals(key)) {
            deliver(entries);
        } else if (stream.equals(sendsKey)) {
            sends(entries);
        }
    }

    private void deliver(Response entries) {
        synchronized (this) {
            for (Response entry : entries) {
                Entry e = entry(entry);
                position = e.id;
                recent.add(e.id, e);
                if (e.event == null) {
                    continue;
                }
                fanout.publish(e.event);
                for (int i = 0, n = catchUps.size(); i < n; i++) {
                    catchUps.get(i).live(e);
                }
            }
            for (int i = catchUps.size() - 1; i >= 0; i--) {
                CatchUp c = catchUps.get(i);
                if (c.after != null && c.after.compareTo(position) <= 0) {
                    catchUps.remove(i);
                    fanout.add(c.subscriber);
                    pending.add(c.subscriber);
                }
            }
            fanout.flush();
            for (int i = 0, n = pending.size(); i < n; i++) {
                pending.get(i).flush();
            }
            pending.clear();
        }
    }

    /** One entry of the stream, with the event's frame (null when the entry is not an event of ours). */
    private record Entry(StreamId id, StreamEvent event) {
    }

    private Entry entry(Response entry) {
        String idText = entry.get(0).toString();
        StreamId id = StreamId.parse(idText);
        Map<String, Response> fields = fields(entry.get(1));
        Response c = fields.get("c");
        Response d = fields.get("d");
        byte[] data = d == null ? null : d.toBytes();
        String problem = id == null ? "an id that is not a stream id" : c == null || d == null ? "no c or d field"
                : eventProblem(c.toString(), data);
        if (problem != null) { // not written by a gateway: skipped and counted, the reader goes on after it
            skipped.add(idText, key, problem);
            return new Entry(id == null ? position : id, null);
        }
        byte[] frame;
        try {
            frame = SseFrames.datagram(idText, data);
        } catch (IllegalArgumentException e) {
            skipped.add(idText, key, e.getMessage());
            return new Entry(id, null);
        }
        // the epoch and seq of a Redis event are the two halves of its id, so that StreamEvent#id() is the id
        StreamEvent event = new StreamEvent(id.seq(), Long.toString(id.ms()), c.toString(), text(fields.get("g")),
                text(fields.get("i")), text(fields.get("s")), frame);
        return new Entry(id, event);
    }

    /**
     * Why an entry's fields are not an event a gateway wrote, or null: the channel must be a channel
     * name and the data one line holding a JSON object ({@code {...}} without CR, LF or any other
     * control character, which JSON never leaves unescaped), so that nothing in it can end the SSE
     * data line and add fields or events of its own.
     */
    static String eventProblem(String channel, byte[] data) {
        if (!ChannelSpec.NAME.matcher(channel).matches()) {
            return "a channel that is not a channel name";
        }
        if (data.length < 2 || data[0] != '{' || data[data.length - 1] != '}') {
            return "data that is not a JSON object";
        }
        for (byte b : data) {
            if ((b & 0xff) < 0x20 || b == 0x7f) {
                return "data that is not one line of JSON (a control character)";
            }
        }
        return null;
    }

    /** Entries passed over for a reason: counted, and logged at most once per 10 s. */
    private static final class PassedOver {
        private final AtomicLong count = new AtomicLong();
        private final String what;
        private final String stat;
        private volatile long loggedAt;

        PassedOver(String what, String stat) {
            this.what = what;
            this.stat = stat;
        }

        void add(String id, String stream, String why) {
            count.incrementAndGet();
            long now = System.currentTimeMillis();
            if (now - loggedAt >= 10_000) {
                loggedAt = now;
                LOG.warnf("%s %s of %s: %s (counted in /api/stats as %s)", what, LogText.escape(id), stream, why, stat);
            }
        }

        long count() {
            return count.get();
        }
    }

    private static Map<String, Response> fields(Response fields) {
        Map<String, Response> map = new LinkedHashMap<>();
        if (fields == null) {
            return map;
        }
        if (fields.isMap()) {
            for (String name : fields.getKeys()) {
                map.put(name, fields.get(name));
            }
        } else {
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                map.put(fields.get(i).toString(), fields.get(i + 1));
            }
        }
        return map;
    }

    private static String text(Response r) {
        return r == null ? "" : r.toString();
    }

    private void sends(Response entries) {
        for (Response entry : entries) {
            StreamId id = StreamId.parse(entry.get(0).toString());
            if (id != null) {
                synchronized (this) {
                    sendPosition = id;
                }
            }
            Map<String, Response> fields = fields(entry.get(1));
            Response channel = fields.get("c");
            Response payload = fields.get("p");
            if (channel == null || payload == null) {
                refusedSends.add(entry.get(0).toString(), sendsKey, "no c or p field");
                continue;
            }
            Lease lease = leases.get(channel.toString());
            BiFunction<String, byte[], Future<Void>> sender = relayed;
            if (lease != null && lease.held && sender != null) {
                String name = channel.toString();
                byte[] bytes = payload.toBytes();
                String refusal = signature == null ? "this gateway has no mcast.redis.secret to check it with"
                        : bytes.length > ChannelSpec.MAX_PAYLOAD ? "a payload of " + bytes.length + " bytes"
                        : signature.refuse(name, text(fields.get("t")), bytes, text(fields.get("h")), System.currentTimeMillis());
                if (refusal != null) {
                    refusedSends.add(entry.get(0).toString(), sendsKey, refusal);
                    continue;
                }
                sender.apply(name, bytes).onFailure(e -> LOG.warnf("Channel %s: a relayed send failed: %s",
                        name, e.getMessage()));
            }
        }
    }

    // ---------------------------------------------------------------- subscribing

    /** A subscriber whose replay is being read from Redis; live events wait for it, bounded. */
    private final class CatchUp {
        final Subscriber subscriber;
        final List<Entry> waiting = new ArrayList<>();
        long overflow;
        /** Null while the replay is read; then the last id replayed: live events after it go out. */
        StreamId after;

        CatchUp(Subscriber subscriber) {
            this.subscriber = subscriber;
        }

        // guarded by RedisTransport.this
        void live(Entry e) {
            if (after == null) {
                if (waiting.size() < subscriberBuffer) {
                    waiting.add(e);
                } else {
                    overflow++;
                }
            } else if (e.id.after(after) && subscriber.wants(e.event) && subscriber.offer(e.event.frame())) {
                pending.add(subscriber);
            }
        }
    }

    @Override
    public void subscribe(Subscriber subscriber, String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            synchronized (this) {
                fanout.add(subscriber);
            }
            subscriber.flush();
            return;
        }
        StreamId after = StreamId.parse(lastEventId.trim());
        if (after == null || after.ms() > System.currentTimeMillis() + FUTURE_ID_MILLIS) {
            // cannot be an id of this stream (not one at all, or from the future): said at once, with no
            // read of Redis (a replay of the whole stream per request would be anyone's for the asking)
            synchronized (this) {
                subscriber.offer(SseFrames.reset(key, lastEventId.length() > 64 ? lastEventId.substring(0, 64) : lastEventId));
                fanout.add(subscriber);
            }
            subscriber.flush();
            return;
        }
        CatchUp catchUp = new CatchUp(subscriber);
        boolean fromMemory;
        synchronized (this) {
            List<Entry> held = recent.after(after);
            fromMemory = held != null;
            if (fromMemory) { // a recent id: from memory, frames built already, no call to Redis
                for (Entry e : held) {
                    if (e.event != null && subscriber.wants(e.event)) {
                        subscriber.offer(e.event.frame());
                    }
                }
                fanout.add(subscriber);
            } else {
                catchUps.add(catchUp);
            }
        }
        if (fromMemory) {
            subscriber.flush();
            return;
        }
        Future<Replay> replay = redis.batch(List.of(Request.cmd(Command.XINFO).arg("STREAM").arg(key), rangeRequest(after, false),
                        Request.cmd(Command.XRANGE).arg(key).arg(after.toString()).arg(after.toString())))
                        .recover(e -> e.getMessage() != null && e.getMessage().contains("no such key")
                                ? Future.succeededFuture(null)
                                : Future.failedFuture(e))
                        .compose(replies -> replayAfter(after, replies));
        replay.onComplete(ar -> replayed(catchUp, after, lastEventId, ar.succeeded() ? ar.result() : null, ar.cause()));
    }

    /** What a subscriber gets before live events. */
    private record Replay(List<Entry> entries, boolean gap, boolean reset) {
    }

    /**
     * Replay after an id, from the replies to XINFO STREAM, XRANGE after it, and XRANGE of the id
     * itself. Entries go only from the old end (trimming), so: the id is in the stream, everything
     * after it is too; it is not, it is older than the first entry and entries were trimmed, it was
     * trimmed: a gap (Redis keeps no count of what was trimmed after it; the gap is also said when the
     * id was the last one trimmed); otherwise it is not of this stream (Redis was emptied since, or
     * another stream gave it): reset.
     */
    private Future<Replay> replayAfter(StreamId after, List<Response> replies) {
        if (replies == null) { // no stream (Redis was emptied): the id is from a stream that is gone
            return Future.succeededFuture(new Replay(List.of(), false, true));
        }
        Map<String, Response> info = fields(replies.get(0));
        boolean held = replies.get(2) != null && replies.get(2).size() > 0;
        Response first = info.get("first-entry");
        StreamId firstId = first == null || first.size() == 0 ? null : StreamId.parse(first.get(0).toString());
        long added = number(info.get("entries-added"));
        long length = number(info.get("length"));
        boolean trimmed = !held && firstId != null && after.compareTo(firstId) < 0 && added > length;
        if (!held && !trimmed) {
            return range(StreamId.ZERO, true).map(entries -> new Replay(entries, false, true));
        }
        List<Entry> entries = new ArrayList<>();
        for (Response entry : replies.get(1)) {
            entries.add(entry(entry));
        }
        return Future.succeededFuture(new Replay(entries, trimmed, false));
    }

    private static long number(Response r) {
        return r == null ? 0 : r.toLong();
    }

    private Request rangeRequest(StreamId after, boolean inclusive) {
        // the stream is trimmed to about replay-size entries: a bound on what one replay reads
        return Request.cmd(Command.XRANGE).arg(key).arg(inclusive ? after.toString() : "(" + after).arg("+")
                .arg("COUNT").arg(replaySize + 1000L);
    }

    private Future<List<Entry>> range(StreamId from, boolean inclusive) {
        return redis.send(rangeRequest(from, inclusive)).map(reply -> {
            List<Entry> entries = new ArrayList<>();
            if (reply != null) {
                for (Response entry : reply) {
                    entries.add(entry(entry));
                }
            }
            return entries;
        });
    }

    private void replayed(CatchUp catchUp, StreamId after, String lastEventId, Replay replay, Throwable failure) {
        Subscriber s = catchUp.subscriber;
        synchronized (this) {
            if (!catchUps.contains(catchUp)) {
                return; // unsubscribed meanwhile
            }
            StreamId last = after == null ? StreamId.ZERO : after;
            if (replay == null) {
                LOG.warnf("Could not replay after %s from Redis: %s", lastEventId, failure == null ? "" : failure.getMessage());
                s.offer(SseFrames.gap("replay-unavailable"));
                last = position == null ? last : position;
            } else {
                if (replay.reset) {
                    s.offer(SseFrames.reset(key, lastEventId));
                    last = StreamId.ZERO;
                }
                if (replay.gap) {
                    s.offer(SseFrames.gap("replay"));
                }
                for (Entry e : replay.entries) {
                    if (e.event != null && s.wants(e.event)) {
                        s.offer(e.event.frame());
                    }
                    last = e.id;
                }
            }
            // live events that came while the replay was read, after what it held
            if (catchUp.overflow > 0) {
                s.offer(SseFrames.gap(catchUp.overflow, "slow-consumer"));
            }
            for (Entry e : catchUp.waiting) {
                if (e.id.after(last) && e.event != null && s.wants(e.event)) {
                    s.offer(e.event.frame());
                    last = e.id;
                }
            }
            catchUp.waiting.clear();
            catchUp.after = last;
            if (position == null || last.compareTo(position) <= 0) {
                catchUps.remove(catchUp);
                fanout.add(s);
            }
        }
        s.flush();
    }

    @Override
    public synchronized void unsubscribe(Subscriber subscriber) {
        fanout.remove(subscriber);
        pending.remove(subscriber);
        catchUps.removeIf(c -> c.subscriber == subscriber);
    }

    @Override
    public synchronized List<Subscriber> subscribers() {
        List<Subscriber> all = new ArrayList<>(fanout.subscribers());
        catchUps.forEach(c -> all.add(c.subscriber));
        return all;
    }


    // ---------------------------------------------------------------- relaying sends

    @Override
    public Future<Void> relay(String channel, byte[] payload) {
        if (signature == null) {
            return Future.failedFuture("this gateway does not receive channel " + channel + " and cannot relay a publish to"
                    + " the one that does: mcast.redis.secret is not set");
        }
        return redis.send(Request.cmd(Command.GET).arg(key + ":writer:" + channel)).compose(owner -> {
            if (owner == null) {
                return Future.failedFuture("no gateway receives channel " + channel + " now (its writer lease in Redis is free)");
            }
            long at = System.currentTimeMillis();
            return redis.send(Request.cmd(Command.XADD).arg(sendsKey).arg("MAXLEN").arg("~").arg(SENDS_RETAINED)
                    .arg("*").arg("c").arg(channel).arg("p").arg(Buffer.buffer(payload)).arg("t").arg(at)
                    .arg("h").arg(signature.sign(channel, at, payload))).mapEmpty();
        });
    }

    @Override
    public Future<String> sharedSources(String channel) {
        return redis.send(Request.cmd(Command.GET).arg(sourcesKey(channel))).map(r -> r == null ? null : r.toString());
    }

    private String sourcesKey(String channel) {
        return key + ":sources:" + channel;
    }

    @Override
    public void onRelayed(BiFunction<String, byte[], Future<Void>> sender) {
        this.relayed = sender;
    }

    // ---------------------------------------------------------------- state

    @Override
    public TransportInfo status() {
        List<String> writing = new ArrayList<>();
        List<String> standingBy = new ArrayList<>();
        for (Lease lease : leases.values()) {
            (lease.held ? writing : standingBy).add(lease.channel);
        }
        String now = problem;
        if (now == null) {
            List<String> undecided = leases.values().stream().filter(l -> !l.decided).map(l -> l.channel).toList();
            if (!undecided.isEmpty()) {
                now = "not yet known whether this gateway writes " + String.join(", ", undecided) + " (lease)";
            }
        }
        return new TransportInfo("redis", now, appended.get(), dropped.get(), standby.get(), writing, standingBy,
                retained, skipped.count(), refusedSends.count());
    }

    private void failed(String what, Throwable cause) {
        if (stopped) {
            return;
        }
        String reason = "Redis " + server + ": " + what + " failed: "
                + (cause == null ? "connection closed" : cause.getMessage() == null ? cause.toString() : cause.getMessage());
        if (problem == null) {
            LOG.warnf("%s; events received meanwhile are dropped (counted), retrying every %d ms", reason, retryMillis);
        }
        problem = reason;
    }

    private void recovered() {
        if (problem != null && !stopped) {
            if (!problem.equals("not connected yet")) {
                LOG.infof("Redis %s answers again", server);
            }
            problem = null;
        }
    }

    private static StreamId newestId(Response entries) {
        if (entries == null || entries.size() == 0) {
            return StreamId.ZERO;
        }
        StreamId id = StreamId.parse(entries.get(0).get(0).toString());
        return id == null ? StreamId.ZERO : id;
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
