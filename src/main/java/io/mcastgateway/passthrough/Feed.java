package io.mcastgateway.passthrough;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.multicast.ChannelTraffic;
import io.mcastgateway.multicast.DatagramSink;
import io.mcastgateway.multicast.GroupReceiver;
import io.mcastgateway.platform.VertxInternals;
import io.mcastgateway.stats.ChannelSources;
import io.mcastgateway.stats.Sequence;
import io.mcastgateway.stats.TsAnalyser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;

/**
 * One group's raw stream and its players: the sink of the group's socket (a socket joined for it, or a
 * configured channel's, shared). On the socket's event loop each datagram's payload is copied once into
 * the read batch's buffer ({@link Batch}; for {@code /rtp/} clients its RTP payload, in order, into a
 * second one), and at the end of the read batch the batch goes to every event loop that serves a client
 * of the group: one task per loop and batch, not per client. There each client writes the same bytes
 * ({@link Client#deliver}). A loop that falls behind by more than {@link #LOOP_BACKLOG_BYTES} loses the
 * newest batches, counted for each of its clients. No lock is shared with the clients; the socket's
 * thread allocates nothing per datagram but what a batch's buffer grows by.
 */
final class Feed implements DatagramSink, PassthroughGroup {

    /** Bytes of batches an event loop may have waiting for it to run. */
    static final long LOOP_BACKLOG_BYTES = 16L << 20;

    final Target target;
    /** The configured channel whose socket is shared, or null for a group joined for players. */
    final ChannelSpec channel;
    final ChannelTraffic traffic;
    final ChannelSources sources;
    final long createdAt = System.currentTimeMillis();
    /** The socket joined for players (null for a channel's); set before it starts. */
    GroupReceiver receiver;
    /** Removes this feed from the channel's socket (null for a group joined for players). */
    Runnable untap;
    /** Clients attached and being attached; guarded by the registry's lock, as are the linger fields. */
    int clients;
    long lingerTimer = -1;
    long idleSince;
    io.vertx.core.Future<Void> joined;

    private volatile Loop[] loops = new Loop[0];
    private volatile int udpClients;
    private volatile int rtpClients;
    /** Until when new clients start at once: the stream marked no random access point for one that waited. */
    volatile long startAtOnceUntil;
    /** Clients waiting for a random access point, to start at. */
    private volatile int waiting;
    private volatile int kinds; // bit 1: the payload was looked at; 2: it is MPEG-TS; 4: the RTP payload is
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sentBytes = new AtomicLong();

    // the socket's event loop only
    private final RtpReorder reorder;
    private final TsStart tsStart = new TsStart();
    /** What {@link Sequence#parse} read of the first datagram's RTP header. */
    private final long[] header = new long[Sequence.FIELDS];
    private Batch udp;
    private Batch rtp;
    /** The payload bytes of the last batch: the next one's buffer is made for about as many. */
    private int lastBatchBytes;

    Feed(Target target, ChannelSpec channel, ChannelTraffic traffic, ChannelSources sources, int reorderWindow) {
        this.target = target;
        this.channel = channel;
        this.traffic = traffic;
        this.sources = sources;
        this.reorder = new RtpReorder(reorderWindow);
    }

    @Override
    public void receive(ByteBuf payload, InetSocketAddress sender) {
        if (receiver != null) { // a group of its own: counted and checked as a channel's (a channel's socket does both)
            if (target.source() != null && !target.source().equals(sender.getAddress())) {
                traffic.addReceiveError(); // the kernel filters by source; this keeps the promise should one slip through
                return;
            }
            traffic.addReceived(payload.readableBytes());
            sources.record(sender, payload, System.currentTimeMillis());
        }
        if (kinds == 0) {
            boolean rtp = Sequence.parse(payload, header) == Sequence.Format.RTP && header[4] >= 0;
            int at = payload.readerIndex();
            kinds = 1 | (TsAnalyser.isTs(payload, at, payload.readableBytes()) ? 2 : 0)
                    | (rtp && TsAnalyser.isTs(payload, at + (int) header[4], (int) header[5]) ? 4 : 0);
        }
        if (udpClients > 0) {
            if (udp == null) {
                udp = Batch.start(Math.max(payload.readableBytes(), lastBatchBytes));
            }
            int at = udp.buf.writerIndex();
            udp.buf.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
            udp.datagrams++;
            if ((kinds & 2) != 0) {
                startPoints(udp, at);
            }
        }
        if (rtpClients > 0) {
            if (rtp == null) {
                rtp = Batch.start(Math.max(payload.readableBytes(), lastBatchBytes));
            }
            int at = rtp.buf.writerIndex();
            rtp.datagrams += reorder.accept(payload, rtp.buf);
            if ((kinds & 4) != 0) {
                startPoints(rtp, at);
            }
        }
        if ((udp != null && udp.bytes() > Batch.MAX_BYTES) || (rtp != null && rtp.bytes() > Batch.MAX_BYTES)) {
            batchEnd();
        }
    }

    /** MPEG-TS just written to the batch from {@code at}: its tables kept, and a place where new clients can start. */
    private void startPoints(Batch batch, int at) {
        int length = batch.buf.writerIndex() - at;
        tsStart.observe(batch.buf, at, length);
        if (waiting > 0 && batch.start < 0) {
            int found = tsStart.randomAccess(batch.buf, at, length);
            if (found >= 0) {
                batch.start = at - Batch.HEAD + found;
            }
        }
    }

    /** The latest PAT and PMTs (whole packets), what a client starting in the middle of the stream needs first. */
    byte[] tables() {
        return tsStart.tables();
    }

    /** A client waits for a random access point (+1), or has got one or left (-1). */
    void waiting(int change) {
        synchronized (this) {
            waiting += change;
        }
    }

    @Override
    public void batchEnd() {
        if (udp != null || rtp != null) {
            lastBatchBytes = Math.max(udp == null ? 0 : udp.bytes(), rtp == null ? 0 : rtp.bytes());
        }
        Batch u = take(udp);
        Batch r = take(rtp);
        udp = null;
        rtp = null;
        if (u == null && r == null) {
            return;
        }
        Loop[] to = loops;
        for (Loop loop : to) {
            loop.offer(u, r);
        }
        if (u != null) {
            u.buf.release();
        }
        if (r != null) {
            r.buf.release();
        }
    }

    /** A batch with something in it, finished; an empty one is released and null returned. */
    private static Batch take(Batch b) {
        if (b == null) {
            return null;
        }
        if (b.datagrams == 0) {
            b.buf.release();
            return null;
        }
        return b.finish();
    }

    /** Whether clients of {@code kind} get MPEG-TS (as far as the first datagram tells). */
    boolean looksLikeTs(Client.Kind kind) {
        return (kinds & (kind == Client.Kind.RTP ? 4 : 2)) != 0;
    }

    /** Whether a datagram was seen (the content type is known). */
    boolean seen() {
        return kinds != 0;
    }

    /** Adds a client; on its event loop. */
    void attach(Client client) {
        Loop loop;
        synchronized (this) {
            EventLoop eventLoop = VertxInternals.eventLoop(client.context);
            loop = Arrays.stream(loops).filter(l -> l.eventLoop == eventLoop).findFirst().orElse(null);
            if (loop == null) {
                loop = new Loop(eventLoop);
                Loop[] next = Arrays.copyOf(loops, loops.length + 1);
                next[loops.length] = loop;
                loops = next;
            }
            if (client.kind == Client.Kind.RTP) {
                rtpClients++;
            } else {
                udpClients++;
            }
            waiting++; // until its first batch (see Client#deliver)
        }
        loop.clients.add(client);
    }

    /** Removes a client; on its event loop. */
    void detach(Client client) {
        synchronized (this) {
            for (Loop loop : loops) {
                if (loop.clients.remove(client)) {
                    if (client.kind == Client.Kind.RTP) {
                        rtpClients--;
                    } else {
                        udpClients--;
                    }
                    if (loop.clients.isEmpty()) {
                        loops = Arrays.stream(loops).filter(l -> l != loop).toArray(Loop[]::new);
                    }
                    return;
                }
            }
        }
    }

    /** The clients, from any thread (a copy; the lists change only on their loops, so it may be a moment old). */
    List<Client> clientList() {
        List<Client> all = new ArrayList<>();
        for (Loop loop : loops) {
            all.addAll(List.copyOf(loop.clients));
        }
        return all;
    }

    @Override
    public String target() {
        return target.toString();
    }

    @Override
    public String channelName() {
        return channel == null ? "" : channel.name();
    }

    @Override
    public int clientCount() {
        int n = 0;
        for (Loop loop : loops) {
            n += loop.clients.size();
        }
        return n;
    }

    @Override
    public long received() {
        return traffic.received();
    }

    void addDropped(long datagrams) {
        dropped.addAndGet(datagrams);
    }

    /** Datagrams dropped for slow clients, over all of them. */
    @Override
    public long dropped() {
        return dropped.get();
    }

    /** Payload bytes written to clients, over all of them. */
    @Override
    public long sentBytes() {
        return sentBytes.get();
    }

    long reorderSkipped() {
        return reorder.skipped();
    }

    long reorderLate() {
        return reorder.late();
    }

    /** The clients of one event loop, and the batches handed to it. */
    private final class Loop implements Runnable {
        final EventLoop eventLoop;
        /** Touched on the event loop only, except the copy {@link #clientList()} takes. */
        final List<Client> clients = new java.util.concurrent.CopyOnWriteArrayList<>();
        // guarded by this
        private final ArrayDeque<Batch> queue = new ArrayDeque<>();
        private long queuedBytes;
        private long missed;
        private boolean scheduled;

        Loop(EventLoop eventLoop) {
            this.eventLoop = eventLoop;
        }

        /**
         * On the socket's thread: the batches of one read batch (either may be null). When the socket reads on
         * this very loop and nothing waits before them, they are written at once: no task, no wake-up.
         */
        void offer(Batch u, Batch r) {
            boolean now;
            synchronized (this) {
                now = !scheduled && eventLoop.inEventLoop(); // only this thread schedules, so it stays so
            }
            if (now) {
                long millis = System.currentTimeMillis();
                if (u != null) {
                    deliver(retain(u), Client.Kind.UDP, millis);
                }
                if (r != null) {
                    deliver(retain(r), Client.Kind.RTP, millis);
                }
                return;
            }
            synchronized (this) {
                long size = (u == null ? 0 : u.bytes()) + (r == null ? 0 : r.bytes());
                if (queuedBytes + size > LOOP_BACKLOG_BYTES) {
                    missed += Math.max(u == null ? 0 : u.datagrams, r == null ? 0 : r.datagrams);
                } else {
                    // a pair in order: the udp batch (or null), then the rtp one (or null)
                    queue.add(retain(u));
                    queue.add(retain(r));
                    queuedBytes += size;
                }
                if (!scheduled) {
                    scheduled = true;
                    eventLoop.execute(this);
                }
            }
        }

        private Batch retain(Batch b) {
            if (b == null) {
                return Batch.NONE;
            }
            b.buf.retain();
            return b;
        }

        @Override
        public void run() {
            Batch[] work;
            long lost;
            synchronized (this) {
                scheduled = false;
                work = queue.toArray(new Batch[0]);
                queue.clear();
                queuedBytes = 0;
                lost = missed;
                missed = 0;
            }
            long now = System.currentTimeMillis();
            if (lost > 0) {
                for (Client c : clients) {
                    c.missed(lost);
                }
                addDropped(lost * clients.size());
            }
            for (int i = 0; i < work.length; i += 2) {
                deliver(work[i], Client.Kind.UDP, now);
                deliver(work[i + 1], Client.Kind.RTP, now);
            }
        }

        private void deliver(Batch b, Client.Kind kind, long now) {
            if (b == Batch.NONE) {
                return;
            }
            try {
                ByteBuffer view = b.buf.nioBuffer(0, b.buf.capacity());
                long sent = 0;
                for (Client c : clients) {
                    if (c.kind == kind) {
                        long before = c.bytes();
                        c.deliver(b, view, now);
                        sent += c.bytes() - before;
                    }
                }
                sentBytes.addAndGet(sent);
            } finally {
                b.buf.release();
            }
        }
    }
}
