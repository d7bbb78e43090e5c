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
import io.mcastgateway.hub.TransportInfo;
import io.mcastgateway.platform.VertxInternals;
import io.mcastgateway.security.AccessControl;
import io.mcastgateway.security.ChannelAccess;
import io.mcastgateway.sse.EventStreamRoute;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.Vertx;

/** {@code GET /api/stats}: counts of the event stream since start. */
@Path("/api/stats")
@Tag(name = "stream")
public class StatsResource {

    /**
     * @param received datagrams received
     * @param delivered events written to subscribers, summed over subscribers
     * @param dropped events subscribers lost because they did not keep up, summed over subscribers
     * @param subscribers subscribers connected now
     * @param maxSubscribers the most subscribers connected at once (mcast.stream.max-subscribers)
     * @param rejected streams refused (503) because maxSubscribers were connected
     * @param replaySize events retained for Last-Event-ID replay
     * @param replayCapacity the most events retained
     * @param epoch the id prefix of this run; null with the Redis transport (ids are the stream's)
     * @param transport where events go (local or redis) and, with redis, what was appended, dropped
     *        (Redis slow or unreachable) or left to another writer
     * @param ioTransport the Netty transport of the event loops and sockets: nio (the JDK's) or a native one
     *        (epoll, io_uring, kqueue)
     * @param subscriberDetails each connected subscriber's counts, with its address (only for a caller that
     *        may watch every channel)
     */
    public record Stats(long received, long delivered, long dropped, int subscribers, int maxSubscribers,
            long rejected, int replaySize,
            int replayCapacity, String epoch, TransportInfo transport, String ioTransport,
            List<SubscriberInfo> subscriberDetails) {
    }

    private final Hub hub;
    private final StreamStats stats;
    private final GatewayConfig config;
    private final EventStreamRoute stream;
    private final AccessControl access;
    private final SecurityIdentity identity;
    private final String ioTransport;

    public StatsResource(Hub hub, StreamStats stats, GatewayConfig config, EventStreamRoute stream, AccessControl access,
            SecurityIdentity identity, Vertx vertx) {
        this.ioTransport = VertxInternals.ioTransport(vertx);
        this.access = access;
        this.identity = identity;
        this.hub = hub;
        this.stats = stats;
        this.config = config;
        this.stream = stream;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "streamStats", summary = "Counts of the event stream since start, and each subscriber's")
    public Stats stats() {
        ChannelAccess allowed = Access.toRead(access, identity);
        List<SubscriberInfo> subscribers = hub.subscribers();
        // the transport's counts first: an event is counted received before the transport counts it, so
        // received >= appended + dropped + standby holds in what this returns
        TransportInfo transport = hub.transportInfo();
        return new Stats(stats.received(), stats.delivered(), stats.dropped(), subscribers.size(),
                stream.maxSubscribers(), stats.rejected(), hub.replaySize(),
                config.stream().replaySize(), hub.epoch(), transport, ioTransport, allowed.subscribesAll() ? subscribers : List.of());
    }
}
