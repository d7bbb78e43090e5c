package io.mcastgateway.multicast;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.ExtLogRecord.FormatStyle;
import org.jboss.logmanager.Level;

import io.mcastgateway.config.GatewayConfig;
import io.mcastgateway.config.GatewayConfig.LogMode;
import io.mcastgateway.hub.DatagramEvent;
import io.mcastgateway.hub.Hub;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramPacket;

/**
 * Opens one {@link GroupReceiver} per channel at startup and closes them at shutdown (also on every
 * dev-mode live reload, which keeps the Vert.x instance). Every received datagram goes to the
 * {@link Hub}.
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
    private final LogMode logMode;
    private final LongAdder sinceSummary = new LongAdder();
    private volatile List<GroupReceiver> receivers = List.of();
    private long summaryTimer = -1;

    public MulticastReceiver(Vertx vertx, Channels channels, Hub hub, GatewayConfig config, Traffic traffic) {
        this.vertx = vertx;
        this.channels = channels;
        this.hub = hub;
        this.config = config;
        this.traffic = traffic;
        this.logMode = config.receiver().log();
    }

    void start(@Observes StartupEvent event) {
        if (!config.receiver().enabled()) {
            LOG.info("Receiver disabled (mcast.receiver.enabled=false)");
            return;
        }
        receivers = channels.all().stream()
                .map(c -> new GroupReceiver(vertx, c, config.receiver().receiveBufferSize(),
                        config.receiver().retryInterval(), traffic.of(c)))
                .toList();
        for (GroupReceiver receiver : receivers) {
            ChannelTraffic counters = traffic.of(receiver.channel());
            try {
                receiver.start(packet -> onDatagram(receiver.channel(), counters, packet)).toCompletionStage()
                        .toCompletableFuture().get(JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                LOG.infof("Joined %s, bound to %s (%s)", receiver.channel(), receiver.channel().bindAddress(),
                        config.bind() == GatewayConfig.Bind.GROUP ? "group traffic only" : "any traffic to the port");
            } catch (Exception e) {
                LOG.errorf("Receiver of channel %s is not joined: %s; retrying every %s", receiver.channel(),
                        receiver.failure() != null ? receiver.failure() : e.toString(), receiver.retryInterval());
            }
        }
        if (logMode == LogMode.SUMMARY) {
            summaryTimer = vertx.setPeriodic(config.receiver().logInterval().toMillis(), id -> logSummary());
        }
    }

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

    private void onDatagram(ChannelSpec channel, ChannelTraffic counters, DatagramPacket packet) {
        long now = System.currentTimeMillis();
        byte[] payload = packet.data().getBytes();
        counters.addReceived(payload.length);
        DatagramEvent event = hub.publish(channel, packet.sender().host(), packet.sender().port(), payload, now);
        if (logMode == LogMode.EACH) {
            logDatagram(event);
        } else if (logMode == LogMode.SUMMARY) {
            sinceSummary.increment();
        }
    }

    /**
     * The seed's line per datagram. Channel, source and size also travel with the record as MDC
     * entries, so JSON console logs carry them as fields ({@code mdc.channel}, ...). They are set on the
     * record itself: the console handler is asynchronous and formats on its own thread, where the
     * receiving thread's MDC is not seen.
     */
    private static void logDatagram(DatagramEvent event) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        ExtLogRecord record = new ExtLogRecord(Level.INFO, "Receive data from %s: %s", FormatStyle.PRINTF,
                LOG_NAME);
        record.setParameters(new Object[] { event.source(), preview(event) });
        record.setLoggerName(LOG_NAME);
        record.putMdc(MDC_CHANNEL, event.channel());
        record.putMdc(MDC_SOURCE, event.source());
        record.putMdc(MDC_SIZE, Integer.toString(event.size()));
        RECORD_LOG.logRaw(record);
    }

    private void logSummary() {
        long n = sinceSummary.sumThenReset();
        if (n > 0) {
            LOG.infof("Received %d datagrams in the last %s (%d since start)", n, config.receiver().logInterval(),
                    hub.received());
        }
    }

    private static String preview(DatagramEvent event) {
        if (event.text() == null) {
            return "<" + event.size() + " bytes, not UTF-8>";
        }
        return event.text().length() <= LOG_PREVIEW_CHARS ? event.text()
                : event.text().substring(0, LOG_PREVIEW_CHARS) + "... (" + event.size() + " bytes)";
    }

    /** The receivers, one per channel; empty when receiving is disabled. */
    public List<GroupReceiver> receivers() {
        return receivers;
    }
}
