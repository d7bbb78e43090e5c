package io.mcastgateway.rest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.config.Channels;
import io.mcastgateway.hub.Relay;
import io.mcastgateway.hub.Transport;
import io.mcastgateway.security.AccessControl;
import io.mcastgateway.security.ChannelAccess;
import io.quarkus.security.identity.SecurityIdentity;
import io.mcastgateway.stats.ChannelSources;
import io.mcastgateway.stats.ChannelSourcesView;
import io.mcastgateway.stats.SourceRegistry;
import io.mcastgateway.stats.SourceView;

/**
 * {@code GET /api/sources}: every sender of every channel, with loss, duplicate and reorder counts.
 * Senders are counted where datagrams are received; an SSE replica (Redis transport) shows what the
 * gateway that writes the channel shares.
 */
@Path("/api/sources")
@Tag(name = "channels")
public class SourcesResource {

    private static final long SHARED_TIMEOUT_MILLIS = 2000;

    private final SourceRegistry registry;
    private final Channels channels;
    private final Transport transport;
    private final ObjectMapper json;
    private final AccessControl access;
    private final SecurityIdentity identity;

    public SourcesResource(SourceRegistry registry, Channels channels, Transport transport, ObjectMapper json,
            AccessControl access, SecurityIdentity identity) {
        this.access = access;
        this.identity = identity;
        this.registry = registry;
        this.channels = channels;
        this.transport = transport;
        this.json = json;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "sources", summary = "Every sender per channel: datagrams, rate, bitrate, loss, RTP jitter, MPEG-TS checks",
            description = "Loss, duplicates and reordering come from the datagrams' sequence numbers (the gateway's JSON"
                    + " seq, or RTP's). RTP senders have the interarrival jitter of RFC 3550 in milliseconds. Senders of"
                    + " MPEG-TS (whole 188-byte packets, bare or RTP payload type 33) have ts: the priority 1 checks of"
                    + " ETSI TR 101 290 (sync loss, sync byte, PAT, continuity counter, PMT) and their bitrate; the"
                    + " figures per PID are at /api/sources/{channel}/{source}.")
    public Response sources(@QueryParam("channel") String channel,
            @Parameter(description = "true: each sender's last five minutes too (bitrate and errors in 5-second steps)")
            @QueryParam("history") boolean history) {
        ChannelAccess allowed = Access.toRead(access, identity);
        List<String> visible = allowed.visible(registry.all().keySet());
        // each name once, whatever the query repeats
        List<String> names = channel == null || channel.isBlank() ? visible
                : Arrays.stream(channel.split(",")).map(String::trim).filter(n -> !n.isEmpty()).distinct().toList();
        List<String> refused = allowed.refused(names, registry.all().keySet()).stream().limit(10).toList();
        List<String> unknown = names.stream().filter(n -> registry.of(n) == null).limit(10).toList();
        if (refused.isEmpty() && !unknown.isEmpty()) {
            return Response.status(400).entity(Map.of("error", "no channel " + String.join(", ", unknown)
                    + " (channels: " + String.join(", ", visible) + ")")).build();
        }
        if (!refused.isEmpty()) {
            return Response.status(403).entity(Map.of("error", "this credential may not watch channel "
                    + String.join(", ", refused))).build();
        }
        long now = System.currentTimeMillis();
        List<ChannelSourcesView> views = new ArrayList<>();
        for (String name : names) {
            boolean here = channels.byName(name).map(ChannelSpec::receive).orElse(false);
            if (here || !(transport instanceof Relay relay)) {
                ChannelSources s = registry.of(name);
                views.add(new ChannelSourcesView(s.channel(), s.evicted(), s.snapshot(now, history)));
                continue;
            }
            // an SSE replica: the senders as the gateway that writes the channel shares them
            try {
                String shared = relay.sharedSources(name).toCompletionStage().toCompletableFuture()
                        .get(SHARED_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                views.add(shared == null ? ChannelSourcesView.none(name) : json.readValue(shared, ChannelSourcesView.class));
            } catch (Exception e) {
                return Response.status(503).entity(Map.of("error", "the senders of channel " + name
                        + " are counted by the gateway that receives it, and could not be read from the transport: "
                        + e.getMessage())).build();
            }
        }
        return Response.ok(views).build();
    }

    @GET
    @Path("{channel}/{source}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "source", summary = "One sender of a channel, with its MPEG-TS figures per PID",
            description = "source is the sender as /api/sources shows it (ip:port, IPv6 as [ip]:port), URL-encoded."
                    + " Only the gateway that receives the channel counts per PID: an SSE replica answers 404.")
    public Response source(@PathParam("channel") String channel, @PathParam("source") String source) {
        ChannelAccess allowed = Access.toRead(access, identity);
        // refused before looked up: a credential limited to other channels learns nothing of which exist
        if (!allowed.maySubscribe(channel)) {
            return Response.status(403).entity(Map.of("error", "this credential may not watch channel " + channel))
                    .build();
        }
        ChannelSources s = registry.of(channel);
        if (s == null) {
            return Response.status(404).entity(Map.of("error", "no channel " + channel)).build();
        }
        SourceView view = s.source(source, System.currentTimeMillis());
        if (view == null) {
            boolean here = channels.byName(channel).map(ChannelSpec::receive).orElse(false);
            return Response.status(404).entity(Map.of("error", "no sender " + source + " on channel " + channel
                    + (here ? "" : ": this gateway does not receive the channel (ask the one that does)"))).build();
        }
        return Response.ok(view).build();
    }

}
