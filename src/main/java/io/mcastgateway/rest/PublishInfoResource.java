package io.mcastgateway.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.config.GatewayConfig;
import io.mcastgateway.security.AccessControl;

/** {@code GET /api/publish}: whether publishing over HTTP is on (200) or off (404); the page asks before it offers its send box. */
@Path("/api/publish")
@Tag(name = "channels")
public class PublishInfoResource {

    /**
     * @param enabled whether POST /api/channels/{name}/messages is on (mcast.publish.token or mcast.jwt.public-key-location is set)
     * @param ratePerClient messages a client may publish a second (mcast.publish.rate)
     * @param maxBytes the largest payload
     */
    public record PublishInfo(boolean enabled, int ratePerClient, int maxBytes) {
    }

    private final PublishInfo info;

    public PublishInfoResource(GatewayConfig config, AccessControl access) {
        this.info = new PublishInfo(access.publishing(), config.publish().rate(),
                ChannelSpec.MAX_PAYLOAD);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "publishInfo", summary = "Whether publishing over HTTP is on (200) or off (404)")
    public Response info() {
        return Response.status(info.enabled() ? 200 : 404).entity(info).build();
    }
}
