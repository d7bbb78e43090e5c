package io.mcastgateway.multicast;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.ExtLogRecord.FormatStyle;
import org.jboss.logmanager.Level;

import io.mcastgateway.channel.Bind;
import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.channel.LogText;
import io.mcastgateway.config.Channels;
import io.mcastgateway.config.GatewayConfig;
import io.mcastgateway.config.GatewayConfig.LogMode;
import io.mcastgateway.hub.Hub;
import io.mcastgateway.hub.Payloads;
import io.mcastgateway.hub.StreamEvent;
import io.mcastgateway.platform.VertxInternals;
import io.mcastgateway.stats.ChannelSources;
import io.mcastgateway.stats.SourceRegistry;
import io.mcastgateway.stats.SourceStats;
import io.quarkus.arc.ClientProxy;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Opens one {@link GroupReceiver} per receiving channel at startup and closes them at shutdown (also
 * on every dev-mode live reload, which keeps the Vert.x instance). Every received datagram goes to
 * the {@link Hub}.
 */
@ApplicationScoped
public class MulticastReceiver {

    private static final Logger LOG = Logger.getLogger(MulticastReceiver.class);
    private static final String LOG_NAME = MulticastReceiver.class.getName();
    private static final org.jboss.logmanager.Logger RECORD_LOG = org.jboss.logmanager.Logger.getLogger(LOG_NAME);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);
    private static final int LOG_PREVIEW_CHARS = 256;
    static final String MDC_CHANNEL = "channel";
    static final String MDC_SOURCE = "source";
    static final String MDC_SIZE = "size";

    private final Vertx vertx;
    private final Channels channels;
    private final Hub hub;
    private final GatewayConfig config;
    private final Traffic traffic;
    private final SourceRegistry sources;
    private final LogMode logMode;
    private final LongAdder sinceSummary = new LongAdder();
    private final int logRate;
    private final AtomicInteger loggedThisSecond = new AtomicInteger();
    private final LongAdder notLogged = new LongAdder();
    private volatile long logSecond;
    private volatile List<GroupReceiver> receivers = List.of();
    /** Per receiving channel, by name: sinks beside the hub (players' raw streams). */
    private final java.util.Map<String, Taps> taps = new java.util.HashMap<>();
    private long summaryTimer = -1;

    public MulticastReceiver(Vertx vertx, Channels channels, Hub hub, GatewayConfig config, Traffic traffic,
            SourceRegistry sources) {
        this.sources = sources;
        this.vertx = vertx;
        this.channels = channels;
        // called per datagram: the instance itself, not its client proxy, whose lookup of the instance in
        // the application context on every call took a fifth of the receiving thread's Java time
        this.hub = ClientProxy.unwrap(hub);
        this.config = config;
        this.traffic = traffic;
        this.logMode = config.receiver().log();
        this.logRate = config.receiver().logRate();
        for (ChannelSpec c : channels.all()) {
            if (c.receive() && config.receiver().enabled()) {
                taps.put(c.name(), new Taps());
            }
        }
    }

    void start(@Observes StartupEvent event) {
        if (!config.receiver().enabled()) {
            LOG.info("Receiver disabled (mcast.receiver.enabled=false)");
            return;
        }
        GroupReceiver.Settings settings = new GroupReceiver.Settings(config.receiver().receiveBufferSize(),
                config.receiver().retryInterval(), config.rejoinInterval(), config.receiver().interfaceCheckInterval());
        Throwable noNative = vertx.unavailableNativeTransportCause();
        LOG.infof("Sockets on Netty's %s transport%s", VertxInternals.ioTransport(vertx),
                noNative == null ? "" : " (the native one did not load: " + noNative + ")");
        receivers = channels.all().stream()
                .filter(ChannelSpec::receive)
                .map(c -> new GroupReceiver(vertx, c, settings, traffic.of(c)))
                .toList();
        List<Future<Void>> joins = receivers.stream().map(r -> {
            ChannelTraffic counters = traffic.of(r.channel());
            ChannelSources senders = sources.of(r.channel().name());
            Taps channelTaps = taps.get(r.channel().name());
            return r.start(new DatagramSink() {
                @Override
                public void receive(ByteBuf payload, InetSocketAddress sender) {
                    if (onDatagram(r.channel(), counters, senders, payload, sender)) {
                        DatagramSink[] more = channelTaps.sinks;
                        for (int i = 0; i < more.length; i++) {
                            more[i].receive(payload, sender);
                        }
                    }
                }

                @Override
                public void batchEnd() {
                    hub.flush();
                    DatagramSink[] more = channelTaps.sinks;
                    for (int i = 0; i < more.length; i++) {
                        more[i].batchEnd();
                    }
                }
            }, silence);
        }).toList();
        try {
            Future.join(joins).toCompletionStage().toCompletableFuture()
                    .get(JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // each receiver's outcome is reported below
        }
        for (GroupReceiver receiver : receivers) {
            ChannelSpec channel = receiver.channel();
            switch (receiver.state()) {
                case JOINED -> LOG.infof("Joined %s, bound to %s (%s)", channel, channel.bindAddress(),
                        channel.bind() == Bind.GROUP ? "group traffic only" : "any traffic to the port");
                case WAITING -> LOG.warnf("Channel %s is not joined yet: %s; it joins when the interface is up",
                        channel, receiver.failure());
                default -> LOG.errorf("Receiver of channel %s is not joined: %s; retrying every %s", channel,
                        receiver.failure() != null ? receiver.failure() : "no answer within " + JOIN_TIMEOUT,
                        receiver.retryInterval());
            }
        }
        if (config.rejoinInterval().isZero()) {
            LOG.info("Periodic re-join is off (mcast.rejoin-interval=0)");
        }
        if (logMode != LogMode.OFF) {
            summaryTimer = vertx.setPeriodic(config.receiver().logInterval().toMillis(), id -> logSummary());
        }
    }

    /** The silence watchdog's news, as {@code status} events on the stream. */
    private final GroupReceiver.SilenceListener silence = new GroupReceiver.SilenceListener() {
        @Override
        public void silent(GroupReceiver receiver, long sinceMillis, String reason) {
            hub.status(receiver.channel(), "silent", sinceMillis, reason);
        }

        @Override
        public void back(GroupReceiver receiver, long silentForMillis) {
            hub.status(receiver.channel(), "flowing", System.currentTimeMillis(),
                    "traffic is back after " + silentForMillis + " ms of silence");
        }
    };

    void stop(@Observes ShutdownEvent event) {
        if (summaryTimer >= 0) {
            vertx.cancelTimer(summaryTimer);
        }
        receivers.forEach(r -> r.stop(Duration.ofSeconds(5)));
        if (!receivers.isEmpty()) {
            LOG.info("Receivers closed");
        }
        receivers = List.of();
    }

    /** Counts the datagram and hands it to the hub; false when it is refused (not from the channel's source). */
    private boolean onDatagram(ChannelSpec channel, ChannelTraffic counters, ChannelSources senders, ByteBuf payload,
            InetSocketAddress sender) {
        long now = System.currentTimeMillis();
        if (channel.sourceSpecific() && !channel.source().equals(sender.getAddress())) {
            // the kernel filters by source already; this holds the promise should a datagram slip through
            counters.addReceiveError();
            return false;
        }
        counters.addReceived(payload.readableBytes());
        SourceStats source = senders.record(sender, payload, now);
        StreamEvent event = hub.publish(channel, payload, source.ip(), source.text(), now, source.seq());
        if (logMode == LogMode.EACH) {
            if (mayLog(now)) {
                logDatagram(event, payload);
            } else {
                notLogged.increment();
            }
        } else if (logMode == LogMode.SUMMARY) {
            sinceSummary.increment();
        }
        return true;
    }

    /**
     * Adds {@code sink} to what a receiving channel's socket hands its datagrams to, after the hub: the
     * datagrams the channel accepts, on the socket's event loop, with a {@link DatagramSink#batchEnd()} per
     * read batch. Returns what removes it again, or null when {@code channel} does not receive here.
     */
    public Runnable tap(String channel, DatagramSink sink) {
        Taps t = taps.get(channel);
        if (t == null) {
            return null;
        }
        t.add(sink);
        return () -> t.remove(sink);
    }

    /**
     * A receiver for a group that is not a channel (joined on demand by a player), with the channels'
     * receive settings, on the event loop of {@code near} (the first player's connection: a group with
     * one player hands its datagrams over without a task between threads); {@link GroupReceiver#start}
     * joins, {@link GroupReceiver#close} leaves.
     */
    public GroupReceiver onDemand(ChannelSpec group, ChannelTraffic counters, io.vertx.core.Context near) {
        GroupReceiver.Settings settings = new GroupReceiver.Settings(config.receiver().receiveBufferSize(),
                config.receiver().retryInterval(), config.rejoinInterval(), config.receiver().interfaceCheckInterval());
        return new GroupReceiver(vertx, VertxInternals.newEventLoopContext(vertx, near), group, settings, counters,
                ReadAllocatorTuning::apply, GroupReceiver::interfaceStatus);
    }

    /** The extra sinks of one channel: copied on change, read per datagram without a lock. */
    private static final class Taps {
        volatile DatagramSink[] sinks = new DatagramSink[0];

        synchronized void add(DatagramSink sink) {
            DatagramSink[] next = java.util.Arrays.copyOf(sinks, sinks.length + 1);
            next[sinks.length] = sink;
            sinks = next;
        }

        synchronized void remove(DatagramSink sink) {
            sinks = java.util.Arrays.stream(sinks).filter(s -> s != sink).toArray(DatagramSink[]::new);
        }
    }

    /** At most {@code mcast.receiver.log-rate} lines in each second of the clock; the rest are counted. */
    private boolean mayLog(long nowMillis) {
        long second = nowMillis / 1000;
        if (second != logSecond) {
            logSecond = second;
            loggedThisSecond.set(0);
        }
        return loggedThisSecond.incrementAndGet() <= logRate;
    }

    /**
     * The seed's line per datagram. Channel, source and size also travel with the record as MDC
     * entries, so JSON console logs carry them as fields ({@code mdc.channel}, ...). They are set on the
     * record itself: the console handler is asynchronous and formats on its own thread, where the
     * receiving thread's MDC is not seen.
     */
    private static void logDatagram(StreamEvent event, ByteBuf payload) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        int size = payload.readableBytes();
        // the message made here, not a printf template for the handler's thread: String.format's parser
        // allocated more than the line itself
        String message = "Receive data from " + event.source() + ": " + preview(payload);
        ExtLogRecord record = new ExtLogRecord(Level.INFO, message, FormatStyle.NO_FORMAT, LOG_NAME);
        record.setLoggerName(LOG_NAME);
        record.putMdc(MDC_CHANNEL, event.channel());
        record.putMdc(MDC_SOURCE, event.source());
        record.putMdc(MDC_SIZE, Integer.toString(size));
        RECORD_LOG.logRaw(record);
    }

    private void logSummary() {
        long n = sinceSummary.sumThenReset();
        if (n > 0) {
            LOG.infof("Received %d datagrams in the last %s (%d since start)", n, config.receiver().logInterval(),
                    hub.received());
        }
        long skipped = notLogged.sumThenReset();
        if (skipped > 0) {
            LOG.infof("%d datagrams were not logged in the last %s: more than %d per second"
                    + " (mcast.receiver.log-rate); %d received since start", skipped, config.receiver().logInterval(),
                    logRate, hub.received());
        }
    }

    private static String preview(ByteBuf payload) {
        byte[] bytes = ByteBufUtil.getBytes(payload);
        if (!Payloads.isUtf8(bytes, 0, bytes.length)) {
            return "<" + bytes.length + " bytes, not UTF-8>";
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        // control characters escaped: a datagram's newline or terminal escape must not forge log lines
        return text.length() <= LOG_PREVIEW_CHARS ? LogText.escape(text)
                : LogText.escape(text.substring(0, LOG_PREVIEW_CHARS)) + "... (" + bytes.length + " bytes)";
    }

    /** The receivers, one per receiving channel; empty when receiving is disabled. */
    public List<GroupReceiver> receivers() {
        return receivers;
    }

    /** The receiver of the channel, or null when the channel does not receive. */
    public GroupReceiver receiver(String channel) {
        for (GroupReceiver r : receivers) {
            if (r.channel().name().equals(channel)) {
                return r;
            }
        }
        return null;
    }
}
