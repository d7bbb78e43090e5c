package io.mcastgateway.rest;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.mcastgateway.stats.SourceRegistry;
import io.mcastgateway.stats.SourceView;

/** {@code GET /api/sources}: every sender of every channel, with loss, duplicate and reorder counts. */
@Path("/api/sources")
@Tag(name = "channels")
public class SourcesResource {

    /**
     * @param channel the channel
     * @param evicted senders forgotten because more than mcast.sources.max were seen (the one idle longest goes)
     * @param sources its senders, the most recently seen last
     */
    public record ChannelSourcesView(String channel, long evicted, List<SourceView> sources) {
    }

    private final SourceRegistry registry;

    public SourcesResource(SourceRegistry registry) {
        this.registry = registry;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "sources", summary = "Every sender per channel: datagrams, rate, lost, duplicated, reordered, restarts")
    public Response sources(@QueryParam("channel") String channel) {
        List<String> names = channel == null || channel.isBlank() ? List.copyOf(registry.all().keySet())
                : Arrays.stream(channel.split(",")).map(String::trim).filter(n -> !n.isEmpty()).toList();
        List<String> unknown = names.stream().filter(n -> registry.of(n) == null).toList();
        if (!unknown.isEmpty()) {
            return Response.status(400).entity(Map.of("error", "no channel " + String.join(", ", unknown)
                    + " (channels: " + String.join(", ", registry.all().keySet()) + ")")).build();
        }
        long now = System.currentTimeMillis();
        return Response.ok(names.stream().map(registry::of)
                .map(s -> new ChannelSourcesView(s.channel(), s.evicted(), s.snapshot(now))).toList()).build();
    }

}
