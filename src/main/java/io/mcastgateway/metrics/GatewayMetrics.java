package io.mcastgateway.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.mcastgateway.hub.Hub;
import io.mcastgateway.hub.StreamStats;
import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.multicast.ChannelTraffic;
import io.mcastgateway.config.Channels;
import io.mcastgateway.multicast.GroupReceiver;
import io.mcastgateway.multicast.KernelWatch;
import io.mcastgateway.stats.ChannelSources;
import io.mcastgateway.stats.SourceRegistry;
import io.mcastgateway.multicast.MulticastReceiver;
import io.mcastgateway.multicast.Traffic;
import io.mcastgateway.passthrough.Passthrough;
import io.mcastgateway.passthrough.PassthroughGroup;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;

/**
 * The gateway's meters at {@code /q/metrics}. Every one reads counters the gateway keeps anyway
 * ({@link ChannelTraffic}, {@link StreamStats}) when it is scraped: nothing is looked up or allocated
 * per datagram. Vert.x's own socket metrics are off ({@code quarkus.micrometer.binder.vertx.enabled}):
 * they would look up a meter per datagram, tagged with each sender's address.
 */
@ApplicationScoped
public class GatewayMetrics {

    private final MeterRegistry registry;
    private final Channels channels;
    private final Traffic traffic;
    private final MulticastReceiver receiver;
    private final Hub hub;
    private final StreamStats stats;
    private final KernelWatch kernel;
    private final SourceRegistry sources;
    private final Passthrough passthrough;

    public GatewayMetrics(MeterRegistry registry, Channels channels, Traffic traffic, MulticastReceiver receiver,
            Hub hub, StreamStats stats, KernelWatch kernel, SourceRegistry sources, Passthrough passthrough) {
        this.passthrough = passthrough;
        this.kernel = kernel;
        this.sources = sources;
        this.registry = registry;
        this.channels = channels;
        this.traffic = traffic;
        this.receiver = receiver;
        this.hub = hub;
        this.stats = stats;
    }

    void bind(@Observes StartupEvent event) {
        bindPassthrough();
        for (ChannelSpec channel : channels.all()) {
            Tags tags = Tags.of("channel", channel.name(), "group", channel.groupText());
            ChannelTraffic t = traffic.of(channel);
            counter("mcast.datagrams.received", "Datagrams received on the channel's group", null, tags, t,
                    ChannelTraffic::received);
            counter("mcast.received", "Payload bytes received on the channel's group", "bytes", tags, t,
                    ChannelTraffic::receivedBytes);
            counter("mcast.datagrams.sent", "Datagrams sent to the channel's group", null, tags, t,
                    ChannelTraffic::sent);
            counter("mcast.sent", "Payload bytes sent to the channel's group", "bytes", tags, t,
                    ChannelTraffic::sentBytes);
            counter("mcast.receive.errors", "Errors reported by the channel's receiving socket", null, tags, t,
                    ChannelTraffic::receiveErrors);
            counter("mcast.rejoins", "Times the channel's group was left and joined again (renewal, interface back)",
                    null, tags, t, ChannelTraffic::rejoins);
            counter("mcast.channel.silences", "Times the channel turned silent: no datagram for longer than expect-within",
                    null, tags, t, ChannelTraffic::silences);
            Gauge.builder("mcast.channel.silent", receiver, r -> silent(r, channel.name()))
                    .description("1 while the channel is silent (joined, no datagram for longer than expect-within), else 0")
                    .tags(tags).strongReference(true).register(registry);
            ChannelSources senders = sources.of(channel.name());
            health("mcast.ts.packets", "MPEG-TS packets received on the channel", tags, senders,
                    ChannelSources.Health::tsPackets);
            health("mcast.ts.continuity.errors", "MPEG-TS continuity counter errors (TR 101 290 1.4), all senders and PIDs",
                    tags, senders, ChannelSources.Health::continuityErrors);
            health("mcast.ts.sync.byte.errors", "MPEG-TS packets without the sync byte 0x47 (TR 101 290 1.2)", tags,
                    senders, ChannelSources.Health::syncByteErrors);
            health("mcast.ts.sync.losses", "Times an MPEG-TS sender lost sync (TR 101 290 1.1)", tags, senders,
                    ChannelSources.Health::syncLosses);
            health("mcast.ts.pat.errors", "MPEG-TS PAT errors: absent over 0.5 s, other table or scrambled on PID 0 (TR 101 290 1.3)",
                    tags, senders, ChannelSources.Health::patErrors);
            health("mcast.ts.pmt.errors", "MPEG-TS PMT errors: a PMT the PAT names absent over 0.5 s, or scrambled (TR 101 290 1.5)",
                    tags, senders, ChannelSources.Health::pmtErrors);
            Gauge.builder("mcast.rtp.jitter.max", senders, ChannelSources::maxJitterMs)
                    .description("The largest RTP interarrival jitter (RFC 3550) among the channel's senders now")
                    .baseUnit("milliseconds").tags(tags).strongReference(true).register(registry);
            if (channel.receive()) {
                FunctionCounter.builder("mcast.kernel.drops", kernel, k -> k.drops(channel.name()))
                        .description("Datagrams the kernel dropped for the channel's socket: its buffer was full"
                                + " (/proc/net/udp drops); NaN where unknown")
                        .tags(tags).register(registry);
                Gauge.builder("mcast.kernel.receive.buffer.granted", kernel, k -> k.granted(channel.name()))
                        .description("The receive buffer the kernel granted the channel's socket (capped by net.core.rmem_max)")
                        .baseUnit("bytes").tags(tags).strongReference(true).register(registry);
            }
            if (channel.receive()) { // a channel this gateway does not receive (an SSE replica's) has no joined state
                Gauge.builder("mcast.channel.joined", receiver, r -> joined(r, channel.name()))
                        .description("1 while the channel's receiver is bound and joined, else 0")
                        .tags(tags.and("interface", channel.interfaceName()))
                        .strongReference(true)
                        .register(registry);
            }
        }
        FunctionCounter.builder("mcast.host.udp.rcvbuf.errors", kernel, KernelWatch::hostRcvbufErrors)
                .description("The host's UDP receive-buffer errors, every socket (RcvbufErrors in /proc/net/snmp and snmp6)")
                .register(registry);
        Gauge.builder("mcast.sse.subscribers", hub, Hub::subscriberCount)
                .description("Server-Sent Events streams open now")
                .strongReference(true)
                .register(registry);
        FunctionCounter.builder("mcast.sse.events.delivered", stats, StreamStats::delivered)
                .description("Events written to SSE subscribers, summed over subscribers")
                .register(registry);
        FunctionCounter.builder("mcast.sse.rejected", stats, StreamStats::rejected)
                .description("SSE streams refused with 503 because mcast.stream.max-subscribers were open")
                .register(registry);
        FunctionCounter.builder("mcast.sse.events.dropped", stats, StreamStats::dropped)
                .description("Events SSE subscribers lost because they did not read fast enough")
                .register(registry);
        Tags transport = Tags.of("transport", hub.transportInfo().kind());
        FunctionCounter.builder("mcast.transport.appended", hub, h -> h.transportInfo().appended())
                .description("Events this gateway appended to the shared stream (mcast.transport=redis)")
                .tags(transport).register(registry);
        FunctionCounter.builder("mcast.transport.dropped", hub, h -> h.transportInfo().dropped())
                .description("Received events lost because the transport could not take them (Redis slow or unreachable)")
                .tags(transport).register(registry);
        FunctionCounter.builder("mcast.transport.skipped", hub, h -> h.transportInfo().skipped())
                .description("Entries of the shared stream skipped: not events a gateway wrote (mcast.transport=redis)")
                .tags(transport).register(registry);
        FunctionCounter.builder("mcast.transport.refused.sends", hub, h -> h.transportInfo().refusedSends())
                .description("Relayed sends not sent: unsigned, not verifying with mcast.redis.secret, too old or replayed")
                .tags(transport).register(registry);
        FunctionCounter.builder("mcast.transport.standby", hub, h -> h.transportInfo().standby())
                .description("Received events not appended because another gateway writes the channel")
                .tags(transport).register(registry);
        if (!hub.transportInfo().kind().equals("local")) {
            for (ChannelSpec channel : channels.all()) {
                if (channel.receive()) {
                    Gauge.builder("mcast.transport.writing", hub,
                            h -> h.transportInfo().writing().contains(channel.name()) ? 1 : 0)
                            .description("1 while this gateway writes the channel to the shared stream (holds its"
                                    + " writer lease), 0 while it stands by")
                            .tags(transport.and("channel", channel.name())).strongReference(true).register(registry);
                }
            }
        }
        Gauge.builder("mcast.transport.up", hub, h -> h.transportInfo().problem() == null ? 1 : 0)
                .description("1 while the transport works (Redis answers), else 0")
                .tags(transport).strongReference(true).register(registry);
        Gauge.builder("mcast.replay.events", hub, Hub::replaySize)
                .description("Events retained for Last-Event-ID replay")
                .strongReference(true)
                .register(registry);
    }

    /**
     * The players' raw streams: totals, and per group while it has a feed (groups are bounded by
     * mcast.passthrough.max-groups and the channels; a group's meters go when it is left).
     */
    private void bindPassthrough() {
        Gauge.builder("mcast.passthrough.groups", passthrough, Passthrough::joinedGroups)
                .description("Groups joined for players (lingering ones too; channels' sockets are shared, not counted)")
                .strongReference(true).register(registry);
        Gauge.builder("mcast.passthrough.clients", passthrough, Passthrough::clients)
                .description("Raw-stream clients (players) connected, over every group").strongReference(true)
                .register(registry);
        FunctionCounter.builder("mcast.passthrough.rejected", passthrough, Passthrough::rejected)
                .description("Raw-stream requests refused for a limit (max-groups, max-clients)").register(registry);
        Map<PassthroughGroup, List<Meter>> meters = new ConcurrentHashMap<>();
        passthrough.listen(new Passthrough.Listener() {
            @Override
            public void opened(PassthroughGroup group) {
                Tags tags = Tags.of("target", group.target(), "channel", group.channelName());
                meters.put(group, List.of(
                        Gauge.builder("mcast.passthrough.group.clients", group, PassthroughGroup::clientCount)
                                .description("Players of the group").tags(tags).strongReference(true).register(registry),
                        FunctionCounter.builder("mcast.passthrough.sent", group, PassthroughGroup::sentBytes)
                                .description("Payload bytes written to the group's players").baseUnit("bytes").tags(tags)
                                .register(registry),
                        FunctionCounter.builder("mcast.passthrough.dropped.datagrams", group, PassthroughGroup::dropped)
                                .description("Datagrams dropped for the group's players that did not keep up").tags(tags)
                                .register(registry),
                        FunctionCounter.builder("mcast.passthrough.received.datagrams", group, PassthroughGroup::received)
                                .description("Datagrams the group's socket received").tags(tags).register(registry)));
            }

            @Override
            public void closed(PassthroughGroup group) {
                List<Meter> gone = meters.remove(group);
                if (gone != null) {
                    gone.forEach(registry::remove);
                }
            }
        });
    }

    private void counter(String name, String description, String unit, Tags tags, ChannelTraffic t,
            ToDoubleFunction<ChannelTraffic> value) {
        FunctionCounter.builder(name, t, value).description(description).baseUnit(unit).tags(tags)
                .register(registry);
    }

    private void health(String name, String description, Tags tags, ChannelSources senders,
            ToLongFunction<ChannelSources.Health> value) {
        FunctionCounter.builder(name, senders, s -> value.applyAsLong(s.health())).description(description).tags(tags)
                .register(registry);
    }

    private static double silent(MulticastReceiver receiver, String channel) {
        GroupReceiver r = receiver.receiver(channel);
        return r != null && r.state() == GroupReceiver.State.JOINED && r.silentSince() != 0 ? 1 : 0;
    }

    private static double joined(MulticastReceiver receiver, String channel) {
        GroupReceiver r = receiver.receiver(channel);
        return r != null && r.state() == GroupReceiver.State.JOINED ? 1 : 0;
    }
}
