package io.mcastgateway.rest;

import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.config.Channels;
import io.mcastgateway.multicast.ChannelTraffic;
import io.mcastgateway.multicast.GroupReceiver;
import io.mcastgateway.multicast.KernelWatch;
import io.mcastgateway.multicast.MulticastReceiver;
import io.mcastgateway.multicast.Traffic;
import io.mcastgateway.security.AccessControl;
import io.mcastgateway.stats.SourceRegistry;
import io.mcastgateway.security.ChannelAccess;
import io.quarkus.security.identity.SecurityIdentity;

/** {@code GET /api/channels}: every channel the caller may watch, with its settings, receiver state and counts. */
@Path("/api/channels")
@Tag(name = "channels")
public class ChannelsResource {

    /**
     * @param name the channel's name; events carry it, {@code /api/events?channel=} filters by it
     * @param group group address (canonical text)
     * @param port UDP port
     * @param networkInterface interface joined and sent on
     * @param source the only sender accepted (source-specific join), or null
     * @param bind address the receiving socket binds
     * @param state joined, silent (joined, but nothing for longer than expect-within), waiting (for its interface),
     *        failed (retrying), starting, closed, or not receiving
     * @param reason why the channel is not joined, or null
     * @param joinedAt when the group was last joined or re-joined, or null
     * @param received datagrams received since start
     * @param sent datagrams sent since start
     * @param rejoins times the group was left and joined again
     * @param sending whether the periodic sender runs
     * @param expectWithinMillis the silence watchdog: traffic expected at least this often (expect-within), or
     *        null when it is off
     * @param silentSince while the channel is silent: when its last datagram arrived (or the watch began), else null
     * @param silences times the channel turned silent
     * @param lastReceivedAt when the latest datagram arrived, or null
     * @param kernel what the kernel says of the receiving socket (drops, buffer), or null when not receiving
     */
    public record ChannelStatus(String name, String group, int port,
            @JsonProperty("interface") String networkInterface, String source,
            String bind, String state, String reason, Instant joinedAt, long received, long sent, long rejoins,
            boolean sending, Long expectWithinMillis, Instant silentSince, long silences, Instant lastReceivedAt,
            KernelWatch.KernelView kernel) {
    }

    private final Channels channels;
    private final MulticastReceiver receiver;
    private final Traffic traffic;
    private final AccessControl access;
    private final SecurityIdentity identity;
    private final KernelWatch kernel;
    private final SourceRegistry sources;

    public ChannelsResource(Channels channels, MulticastReceiver receiver, Traffic traffic, AccessControl access,
            SecurityIdentity identity, KernelWatch kernel, SourceRegistry sources) {
        this.kernel = kernel;
        this.sources = sources;
        this.channels = channels;
        this.receiver = receiver;
        this.traffic = traffic;
        this.access = access;
        this.identity = identity;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "channels", summary = "Every channel: settings, receiver state, counts, silence and the kernel's drops",
            description = "A channel with expect-within set is silent when no datagram arrived for longer than that: it"
                    + " re-joined once, and streams got a status event (and get another when traffic is back). Readiness"
                    + " does not change with silence. kernel.drops are the datagrams the kernel dropped for the"
                    + " channel's socket (/proc/net/udp); kernel.status is unknown where /proc is not Linux's.")
    public List<ChannelStatus> channels() {
        ChannelAccess allowed = Access.toRead(access, identity);
        return channels.all().stream().filter(c -> allowed.maySubscribe(c.name())).map(this::status).toList();
    }

    private ChannelStatus status(ChannelSpec c) {
        GroupReceiver r = receiver.receiver(c.name());
        ChannelTraffic t = traffic.of(c);
        long silentSince = r == null ? 0 : r.silentSince();
        String state = r == null ? "not receiving"
                : r.state() == GroupReceiver.State.JOINED && silentSince != 0 ? "silent" : r.state().name().toLowerCase();
        Instant joinedAt = r == null || r.joinedAt() == 0 ? null : Instant.ofEpochMilli(r.joinedAt());
        long last = sources.of(c.name()).lastSeen();
        return new ChannelStatus(c.name(), c.groupText(), c.port(), c.interfaceName(), c.sourceText(), c.bindAddress(),
                state, r == null ? null : r.failure(), joinedAt, t.received(), t.sent(), t.rejoins(),
                c.sender().enabled(), c.checks().expectWithin() == null ? null : c.checks().expectWithin().toMillis(),
                silentSince == 0 ? null : Instant.ofEpochMilli(silentSince), t.silences(),
                last == 0 ? null : Instant.ofEpochMilli(last), r == null ? null : kernel.view(c.name()));
    }
}
