package io.mcastgateway.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import io.mcastgateway.hub.Fanout;
import io.mcastgateway.hub.SseFrames;
import io.mcastgateway.hub.Subscriber;
import io.mcastgateway.transport.ReplayDecision.StreamFacts;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The subscribers of this process and what they get: the entries the {@link StreamReader} delivers,
 * live, and before them a replay after their Last-Event-ID, from the recent entries it keeps in
 * memory or else from Redis ({@link ReplayDecision}). A subscriber whose replay is read from Redis
 * catches up: live entries wait for it (bounded), then those after its replay go out, so there is no
 * gap or duplicate between the two.
 * <p>
 * <b>Threads.</b> Everything runs on the {@link RedisLink#context()}: subscribing, what a replay
 * brings, the reader's deliveries, the fan-out's appending side; only reading and parsing a replay
 * from Redis runs on the subscriber's own event loop, and hands its result back. {@link #subscribers()}
 * and {@link #subscriberCount()} are read from any thread (a concurrent map the context keeps).
 */
final class Replays {

    private static final Logger LOG = Logger.getLogger(Replays.class);
    /** The longest Last-Event-ID repeated in a reset frame. */
    private static final int MAX_ID_ECHOED = 64;

    private final RedisLink link;
    private final Entries entries;
    private final int replaySize;
    private final int subscriberBuffer;
    /** The subscribers that get live events (those catching up wait in catchUps). */
    private final Fanout fanout;
    /** Subscribers still catching up that were offered a live event since the last flush. */
    private final List<Subscriber> pending = new ArrayList<>();
    private final List<CatchUp> catchUps = new ArrayList<>();
    /** What the reader delivered lately: recent Last-Event-IDs are replayed from it. */
    private final RecentEntries<StreamEntry> recent;
    /** Every subscriber of this process, by the order it came in. */
    private final Map<Subscriber, Long> members = new ConcurrentHashMap<>();
    private long joined;
    /** The last entry the reader delivered; null until it has a position. */
    private StreamId newest;

    Replays(RedisLink link, Entries entries, int replaySize, int subscriberBuffer) {
        this.link = link;
        this.entries = entries;
        this.replaySize = replaySize;
        this.subscriberBuffer = subscriberBuffer;
        this.fanout = new Fanout(subscriberBuffer);
        this.recent = new RecentEntries<>(replaySize);
    }

    /** A subscriber whose replay is being read from Redis; live entries wait for it, bounded. */
    private final class CatchUp {
        final Subscriber subscriber;
        final List<StreamEntry> waiting = new ArrayList<>();
        long overflow;
        /** Null while the replay is read; then the last id replayed: live entries after it go out. */
        StreamId after;

        CatchUp(Subscriber subscriber) {
            this.subscriber = subscriber;
        }

        void live(StreamEntry e) {
            if (after == null) {
                if (waiting.size() < subscriberBuffer) {
                    waiting.add(e);
                } else {
                    overflow++;
                }
            } else if (e.id().after(after) && subscriber.wants(e.event()) && subscriber.offer(e.event().frame())) {
                pending.add(subscriber);
            }
        }
    }

    // ---------------------------------------------------------------- the reader's side

    /** The reader starts after {@code position}: entries kept before are no longer contiguous. */
    void restart(StreamId position) {
        newest = position;
        recent.restart(position);
    }

    /** The next entry the reader delivered. */
    void live(StreamEntry e) {
        newest = e.id();
        recent.add(e.id(), e);
        if (e.event() == null) {
            return;
        }
        fanout.publish(e.event());
        for (int i = 0, n = catchUps.size(); i < n; i++) {
            catchUps.get(i).live(e);
        }
    }

    /** The end of what one read delivered: subscribers that caught up join the fan-out, everyone writes. */
    void flush() {
        for (int i = catchUps.size() - 1; i >= 0; i--) {
            CatchUp c = catchUps.get(i);
            if (c.after != null && c.after.compareTo(newest) <= 0) {
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

    // ---------------------------------------------------------------- subscribers' side

    void subscribe(Subscriber subscriber, String lastEventId) {
        members.put(subscriber, ++joined);
        ReplayDecision start = ReplayDecision.of(lastEventId, System.currentTimeMillis());
        switch (start.kind()) {
            case LIVE -> {
                fanout.add(subscriber);
                subscriber.flush();
                return;
            }
            case REFUSED -> {
                subscriber.offer(SseFrames.reset(link.key,
                        lastEventId.length() > MAX_ID_ECHOED ? lastEventId.substring(0, MAX_ID_ECHOED) : lastEventId));
                fanout.add(subscriber);
                subscriber.flush();
                return;
            }
            default -> {
            }
        }
        StreamId after = start.after();
        List<StreamEntry> held = recent.after(after);
        if (held != null) { // a recent id: from memory, frames built already, no call to Redis
            for (StreamEntry e : held) {
                if (e.event() != null && subscriber.wants(e.event())) {
                    subscriber.offer(e.event().frame());
                }
            }
            fanout.add(subscriber);
            subscriber.flush();
            return;
        }
        CatchUp catchUp = new CatchUp(subscriber);
        catchUps.add(catchUp);
        // read and parsed on the client's event loop: a long replay must not hold up the owner context,
        // which renews the leases and delivers to everyone; only its result comes back here
        subscriber.context().runOnContext(v -> replay(after)
                .onComplete(ar -> link.run(() -> replayed(catchUp, after, lastEventId, ar.result(), ar.cause()))));
    }

    void unsubscribe(Subscriber subscriber) {
        members.remove(subscriber);
        fanout.remove(subscriber);
        pending.remove(subscriber);
        catchUps.removeIf(c -> c.subscriber == subscriber);
    }

    /** How many subscribers this process has (any thread). */
    int subscriberCount() {
        return members.size();
    }

    /** The subscribers of this process, in the order they came. */
    List<Subscriber> subscribers() {
        return members.entrySet().stream().sorted(Map.Entry.comparingByValue()).map(Map.Entry::getKey).toList();
    }

    // ---------------------------------------------------------------- replay from Redis

    /** What a subscriber gets before live entries. */
    private record Replay(ReplayDecision decision, List<StreamEntry> entries) {
    }

    /**
     * Asks Redis about the stream and the id (XINFO STREAM, XRANGE after it, XRANGE of the id itself) and reads
     * the replay. Runs off the owner context: it touches no state of this class.
     */
    private Future<Replay> replay(StreamId after) {
        return link.redis.batch(List.of(Request.cmd(Command.XINFO).arg("STREAM").arg(link.key), range(after, false),
                Request.cmd(Command.XRANGE).arg(link.key).arg(after.toString()).arg(after.toString())))
                .recover(e -> e.getMessage() != null && e.getMessage().contains("no such key")
                        ? Future.succeededFuture(null)
                        : Future.failedFuture(e))
                .compose(replies -> {
                    if (replies == null) { // no stream (Redis was emptied): the id is from a stream that is gone
                        return Future.succeededFuture(new Replay(ReplayDecision.of(after, null, false), List.of()));
                    }
                    ReplayDecision decision = ReplayDecision.of(after, facts(replies.get(0)),
                            replies.get(2) != null && replies.get(2).size() > 0);
                    if (decision.reset()) {
                        return link.redis.send(range(StreamId.ZERO, true))
                                .map(all -> new Replay(decision, entries(all, StreamId.ZERO)));
                    }
                    return Future.succeededFuture(new Replay(decision, entries(replies.get(1), after)));
                });
    }

    private static StreamFacts facts(Response xinfo) {
        Map<String, Response> info = Entries.fields(xinfo);
        Response first = info.get("first-entry");
        return new StreamFacts(first == null || first.size() == 0 ? null : StreamId.parse(first.get(0).toString()),
                number(info.get("entries-added")), number(info.get("length")));
    }

    private static long number(Response r) {
        return r == null ? 0 : r.toLong();
    }

    private Request range(StreamId from, boolean inclusive) {
        // the stream is trimmed to about replay-size entries: a bound on what one replay reads
        return Request.cmd(Command.XRANGE).arg(link.key).arg(inclusive ? from.toString() : "(" + from).arg("+")
                .arg("COUNT").arg(replaySize + 1000L);
    }

    /** The entries of an XRANGE reply; one whose id is not a stream id takes the one before it ({@code from} first). */
    private List<StreamEntry> entries(Response reply, StreamId from) {
        List<StreamEntry> list = new ArrayList<>();
        StreamId previous = from;
        if (reply != null) {
            for (Response entry : reply) {
                StreamEntry e = entries.event(entry, previous);
                list.add(e);
                previous = e.id();
            }
        }
        return list;
    }

    private void replayed(CatchUp catchUp, StreamId after, String lastEventId, Replay replay, Throwable failure) {
        if (!catchUps.contains(catchUp)) {
            return; // unsubscribed meanwhile
        }
        Subscriber s = catchUp.subscriber;
        StreamId last = after;
        if (replay == null) {
            LOG.warnf("Could not replay after %s from Redis: %s", lastEventId, failure == null ? "" : failure.getMessage());
            s.offer(SseFrames.gap("replay-unavailable"));
            last = newest == null ? last : newest;
        } else {
            if (replay.decision().reset()) {
                s.offer(SseFrames.reset(link.key, lastEventId));
                last = StreamId.ZERO;
            }
            if (replay.decision().gap()) {
                s.offer(SseFrames.gap("replay"));
            }
            for (StreamEntry e : replay.entries()) {
                if (e.event() != null && s.wants(e.event())) {
                    s.offer(e.event().frame());
                }
                last = e.id();
            }
        }
        // live entries that came while the replay was read, after what it held
        if (catchUp.overflow > 0) {
            s.offer(SseFrames.gap(catchUp.overflow, "slow-consumer"));
        }
        for (StreamEntry e : catchUp.waiting) {
            if (e.id().after(last) && e.event() != null && s.wants(e.event())) {
                s.offer(e.event().frame());
                last = e.id();
            }
        }
        catchUp.waiting.clear();
        catchUp.after = last;
        if (newest == null || last.compareTo(newest) <= 0) {
            catchUps.remove(catchUp);
            fanout.add(s);
        }
        s.flush();
    }
}
