package io.mcastgateway.rest;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.mcastgateway.config.GatewayConfig;
import io.mcastgateway.hub.Hub;
import io.mcastgateway.hub.StreamStats;
import io.mcastgateway.hub.SubscriberInfo;

/** {@code GET /api/stats}: counts of the event stream since start. */
@Path("/api/stats")
@Tag(name = "stream")
public class StatsResource {

    /**
     * @param received datagrams received
     * @param delivered events written to subscribers, summed over subscribers
     * @param dropped events subscribers lost because they did not keep up, summed over subscribers
     * @param subscribers subscribers connected now
     * @param replaySize events retained for Last-Event-ID replay
     * @param replayCapacity the most events retained
     * @param epoch the id prefix of this run
     * @param subscriberDetails each connected subscriber's counts
     */
    public record Stats(long received, long delivered, long dropped, int subscribers, int replaySize,
            int replayCapacity, String epoch, List<SubscriberInfo> subscriberDetails) {
    }

    private final Hub hub;
    private final StreamStats stats;
    private final GatewayConfig config;

    public StatsResource(Hub hub, StreamStats stats, GatewayConfig config) {
        this.hub = hub;
        this.stats = stats;
        this.config = config;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "streamStats", summary = "Counts of the event stream since start, and each subscriber's")
    public Stats stats() {
        List<SubscriberInfo> subscribers = hub.subscribers();
        return new Stats(stats.received(), stats.delivered(), stats.dropped(), subscribers.size(), hub.replaySize(),
                config.stream().replaySize(), hub.epoch(), subscribers);
    }
}
