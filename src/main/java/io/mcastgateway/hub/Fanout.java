package io.mcastgateway.hub;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.mcastgateway.platform.VertxInternals;
import io.netty.channel.EventLoop;

/**
 * Hands live events to the subscribers of this process: one task per event loop and batch, not one per
 * subscriber. The appending thread adds each event to a list per event loop that has subscribers; at
 * the end of a batch each such loop gets the list and, on its own thread, gives every subscriber it
 * serves the events it wants, as one {@link Subscriber#deliver} call. So the appending thread's work per
 * event does not grow with the subscribers, no lock is shared with them, and a frame is referenced by
 * nothing per subscriber while it can be written at once: a new frame is never stored into thousands of
 * long-lived queues (the collector's card refinement would pay for each store; docs/performance.md).
 * <p>
 * Not thread-safe on the appending side: the transport calls {@link #publish}, {@link #flush},
 * {@link #add} and {@link #remove} one at a time (under its lock, or on its one context).
 * <p>
 * Bounded: when an event loop falls behind (it did not get the CPU) by more than {@code backlog} events
 * and more than {@link #BACKLOG_BYTES} of frames, the oldest are dropped and every subscriber that
 * wanted them is told how many ({@link Subscriber#missed}), as a slow subscriber is. The bytes let a
 * loop ride out a hiccup of tens of milliseconds at 200,000 small events a second; the count keeps a
 * backlog of large frames to what one subscriber's queue may hold.
 */
public final class Fanout {

    /** Frame bytes an event loop may have waiting beyond {@code backlog} events. */
    static final long BACKLOG_BYTES = 8L << 20;

    /** Numbers the batches every loop hands out, unique in the process (fan-outs of earlier dev-mode runs too). */
    private static final AtomicLong BATCHES = new AtomicLong();

    private final int backlog;
    private final Map<EventLoop, Loop> loops = new HashMap<>();
    /** Every subscriber, in the order they came (subscribers do not override equals: by identity). */
    private final Map<Subscriber, Member> members = new LinkedHashMap<>();
    /** The loops that serve at least one subscriber. */
    private Loop[] active = new Loop[0];
    /** Events published so far; the next one is number {@code published + 1}. */
    private long published;

    /** @param backlog events an event loop may have waiting before the oldest are dropped */
    public Fanout(int backlog) {
        this.backlog = Math.max(1, backlog);
    }

    /** From the next published event on, the subscriber gets what it wants (what it was offered before goes first). */
    public void add(Subscriber subscriber) {
        if (members.containsKey(subscriber)) {
            return;
        }
        EventLoop eventLoop = VertxInternals.eventLoop(subscriber.context());
        Loop loop = loops.computeIfAbsent(eventLoop, Loop::new);
        Member member = new Member(subscriber, loop, published + 1);
        members.put(subscriber, member);
        loop.join(member);
        if (loop.producerMembers.size() == 1) {
            refreshActive();
        }
    }

    public void remove(Subscriber subscriber) {
        Member member = members.remove(subscriber);
        if (member == null) {
            return;
        }
        Loop loop = member.loop;
        loop.leave(member);
        if (loop.producerMembers.isEmpty()) {
            refreshActive();
        }
    }

    /** A loop got its first subscriber or lost its last one. */
    private void refreshActive() {
        active = loops.values().stream().filter(l -> !l.producerMembers.isEmpty()).toArray(Loop[]::new);
    }

    /** The subscribers, a copy, in the order they came. */
    public List<Subscriber> subscribers() {
        return List.copyOf(members.keySet());
    }

    public int size() {
        return members.size();
    }

    /** Adds an event for every subscriber that wants it; they get it at the next {@link #flush()}. */
    public void publish(StreamEvent event) {
        long seq = ++published;
        for (Loop loop : active) {
            loop.add(event, seq);
        }
    }

    /** The end of a batch: each event loop with subscribers gets what was published since the last flush. */
    public void flush() {
        for (Loop loop : active) {
            loop.handOver(backlog);
        }
    }

    /** A subscriber on its loop: from which event on it gets live events, and what it missed meanwhile. */
    private static final class Member {
        final Subscriber subscriber;
        final Loop loop;
        final long from;
        /** Events it wanted that its loop dropped (counted by the appending thread, told on the loop). */
        final AtomicLong missed = new AtomicLong();
        int producerIndex = -1; // in loop.producerMembers, on the appending side
        int loopIndex = -1; // in loop.members, on the event loop

        Member(Subscriber subscriber, Loop loop, long from) {
            this.subscriber = subscriber;
            this.loop = loop;
            this.from = from;
        }
    }

    /** The events for one event loop and the subscribers it serves. */
    private static final class Loop implements Runnable {
        final EventLoop eventLoop;

        // the appending side
        final List<Member> producerMembers = new ArrayList<>();
        private Batch batch = new Batch();

        // handed over, guarded by this
        private Batch ready = new Batch();
        private final List<Member> joining = new ArrayList<>();
        private final List<Member> leaving = new ArrayList<>();
        private boolean scheduled;

        // the event loop's side
        private Batch working = new Batch();
        private final List<Member> members = new ArrayList<>();
        private final List<Member> joined = new ArrayList<>();
        private final List<Member> left = new ArrayList<>();
        private byte[][] wanted = new byte[64][];

        Loop(EventLoop eventLoop) {
            this.eventLoop = eventLoop;
        }

        void join(Member member) {
            member.producerIndex = producerMembers.size();
            producerMembers.add(member);
            synchronized (this) {
                joining.add(member);
                schedule();
            }
        }

        void leave(Member member) {
            int i = member.producerIndex;
            Member last = producerMembers.remove(producerMembers.size() - 1);
            if (last != member) {
                producerMembers.set(i, last);
                last.producerIndex = i;
            }
            synchronized (this) {
                leaving.add(member);
                schedule();
            }
        }

        void add(StreamEvent event, long seq) {
            batch.add(event, seq);
        }

        void handOver(int backlog) {
            if (batch.size == 0) {
                return;
            }
            synchronized (this) {
                if (ready.size == 0) {
                    Batch b = ready;
                    ready = batch;
                    batch = b;
                } else {
                    ready.addAll(batch);
                    batch.clear();
                }
                if (ready.size > backlog && ready.bytes > BACKLOG_BYTES) {
                    int count = 0;
                    long bytes = ready.bytes;
                    while (ready.size - count > backlog && bytes > BACKLOG_BYTES) {
                        bytes -= ready.events[count++].frame().length;
                    }
                    drop(count);
                }
                schedule();
            }
        }

        /** The loop fell behind: the oldest events go, and whoever wanted them is told how many. */
        private void drop(int count) {
            for (int m = 0, n = producerMembers.size(); m < n; m++) {
                Member member = producerMembers.get(m);
                long missed = 0;
                for (int i = 0; i < count; i++) {
                    if (ready.seqs[i] >= member.from && member.subscriber.wants(ready.events[i])) {
                        missed++;
                    }
                }
                if (missed > 0) {
                    member.missed.addAndGet(missed);
                }
            }
            ready.removeFirst(count);
        }

        private void schedule() {
            if (!scheduled) {
                scheduled = true;
                eventLoop.execute(this);
            }
        }

        /** On the event loop: members come and go, then each gets the events it wants in one call. */
        @Override
        public void run() {
            synchronized (this) {
                scheduled = false;
                Batch b = working;
                working = ready;
                ready = b;
                joined.addAll(joining);
                joining.clear();
                left.addAll(leaving);
                leaving.clear();
            }
            for (int i = 0, n = joined.size(); i < n; i++) {
                Member m = joined.get(i);
                m.loopIndex = members.size();
                members.add(m);
            }
            joined.clear();
            for (int i = 0, n = left.size(); i < n; i++) {
                Member m = left.get(i);
                if (m.loopIndex >= 0) {
                    Member last = members.remove(members.size() - 1);
                    if (last != m) {
                        members.set(m.loopIndex, last);
                        last.loopIndex = m.loopIndex;
                    }
                    m.loopIndex = -1;
                }
            }
            left.clear();
            int events = working.size;
            long batchNumber = BATCHES.incrementAndGet();
            if (wanted.length < events) {
                wanted = new byte[Math.max(events, wanted.length * 2)][];
            }
            int most = 0;
            for (int m = 0, n = members.size(); m < n; m++) {
                Member member = members.get(m);
                Subscriber subscriber = member.subscriber;
                long missed = member.missed.get();
                if (missed > 0) {
                    subscriber.missed(member.missed.getAndSet(0));
                }
                int k = 0;
                for (int i = 0; i < events; i++) {
                    if (working.seqs[i] >= member.from && subscriber.wants(working.events[i])) {
                        wanted[k++] = working.events[i].frame();
                    }
                }
                if (k > 0) {
                    subscriber.deliver(wanted, k, k == events ? batchNumber : 0);
                    most = Math.max(most, k);
                }
            }
            Arrays.fill(wanted, 0, most, null);
            working.clear();
        }
    }

    /** Events in order with their numbers. */
    private static final class Batch {
        StreamEvent[] events = new StreamEvent[64];
        long[] seqs = new long[64];
        int size;
        long bytes; // of the frames

        void add(StreamEvent event, long seq) {
            if (size == events.length) {
                events = Arrays.copyOf(events, size * 2);
                seqs = Arrays.copyOf(seqs, size * 2);
            }
            events[size] = event;
            seqs[size++] = seq;
            bytes += event.frame().length;
        }

        void addAll(Batch other) {
            for (int i = 0; i < other.size; i++) {
                add(other.events[i], other.seqs[i]);
            }
        }

        void removeFirst(int count) {
            for (int i = 0; i < count; i++) {
                bytes -= events[i].frame().length;
            }
            System.arraycopy(events, count, events, 0, size - count);
            System.arraycopy(seqs, count, seqs, 0, size - count);
            Arrays.fill(events, size - count, size, null);
            size -= count;
        }

        void clear() {
            Arrays.fill(events, 0, size, null);
            size = 0;
            bytes = 0;
        }
    }
}
