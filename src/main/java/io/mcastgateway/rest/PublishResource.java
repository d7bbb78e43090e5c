package io.mcastgateway.rest;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.config.Channels;
import io.mcastgateway.config.GatewayConfig;
import io.mcastgateway.multicast.MulticastSender;
import io.mcastgateway.security.AccessControl;
import io.mcastgateway.security.ChannelAccess;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * Sending to a channel over HTTP, for an identity that may publish on it (the publish token, or a JWT
 * whose {@code mcast.publish} claim names the channel; Quarkus Security authenticates the request
 * before its body is read, and {@code quarkus.http.limits.max-body-size} bounds the body). Each client
 * may publish {@code mcast.publish.rate} messages a second. Every publish is logged with the client's
 * address, the channel and the size.
 */
@Path("/api/channels/{name}/messages")
@Tag(name = "channels")
public class PublishResource {

    private static final Logger LOG = Logger.getLogger(PublishResource.class);

    /**
     * @param channel the channel sent to
     * @param sent payload bytes sent
     * @param relayed true when another gateway sent it: the one that writes the channel to the shared
     *        Redis stream (this one does not receive the channel)
     */
    public record Published(String channel, int sent, boolean relayed) {
    }

    private final AccessControl access;
    private final SecurityIdentity identity;
    private final Channels channels;
    private final MulticastSender sender;
    private final ObjectMapper json;
    private final PublishLimiter limiter;
    private final int rate;

    public PublishResource(GatewayConfig config, Channels channels, MulticastSender sender, ObjectMapper json,
            AccessControl access, SecurityIdentity identity) {
        this.access = access;
        this.identity = identity;
        this.channels = channels;
        this.sender = sender;
        this.json = json;
        this.rate = config.publish().rate();
        this.limiter = new PublishLimiter(rate);
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "publish", summary = "Send the body (text, or JSON {\"text\": ...}) to the channel's group")
    @APIResponse(responseCode = "200", description = "Sent; the body says how many bytes")
    @APIResponse(responseCode = "400", description = "A JSON body without a text field")
    @APIResponse(responseCode = "401", description = "No or a wrong credential (publishing is off: no credential can publish)")
    @APIResponse(responseCode = "403", description = "The credential may not publish on this channel")
    @APIResponse(responseCode = "404", description = "No such channel")
    @APIResponse(responseCode = "413", description = "The payload is larger than 65,507 bytes, or the body than quarkus.http.limits.max-body-size")
    @APIResponse(responseCode = "429", description = "This client published more than mcast.publish.rate a second, or failed to authenticate too often; see Retry-After")
    @APIResponse(responseCode = "502", description = "The datagram could not be sent (the interface is down, ...)")
    public Uni<Response> publish(@PathParam("name") String name,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, HttpServerRequest request) {
        ChannelAccess allowed = access.access(identity);
        if (!allowed.mayPublish(name)) {
            if (identity.isAnonymous()) {
                return done(Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"mcast-gateway\"")
                        .entity(Map.of("error", "a credential that may publish is needed: Authorization: Bearer <token>"))
                        .build());
            }
            return done(error(403, "this credential may not publish on channel " + name));
        }
        String client = request.remoteAddress() == null ? "?" : request.remoteAddress().host();
        long wait = limiter.take(client, System.nanoTime());
        if (wait > 0) {
            return done(Response.status(429).header("Retry-After", Long.toString(wait))
                    .entity(Map.of("error", "more than " + rate + " messages a second (mcast.publish.rate)")).build());
        }
        if (channels.byName(name).isEmpty()) {
            return done(error(404, "no channel " + name + " (channels: " + String.join(", ", channels.names()) + ")"));
        }
        byte[] payload = body == null ? new byte[0] : body;
        if (contentType != null && contentType.toLowerCase().startsWith(MediaType.APPLICATION_JSON)) {
            try {
                JsonNode text = json.readTree(payload).get("text");
                if (text == null || !text.isTextual()) {
                    return done(error(400, "a JSON body needs a text field: {\"text\": \"...\"}"));
                }
                payload = text.asText().getBytes(StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return done(error(400, "not JSON: " + e.getMessage()));
            }
        }
        if (payload.length > ChannelSpec.MAX_PAYLOAD) {
            return done(error(413, "the payload has " + payload.length + " bytes; a datagram carries at most "
                    + ChannelSpec.MAX_PAYLOAD));
        }
        int size = payload.length;
        byte[] datagram = payload;
        return Uni.createFrom().completionStage(() -> sender.send(name, datagram).toCompletionStage())
                .map(v -> {
                    boolean relayed = sender.relays(name);
                    LOG.infof("Published %d bytes to channel %s for %s%s", size, name, client,
                            relayed ? " (relayed to the channel's writer)" : "");
                    return Response.ok(new Published(name, size, relayed)).build();
                })
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("Publishing %d bytes to channel %s for %s failed: %s", size, name, client, e.getMessage());
                    return error(502, "not sent: " + e.getMessage());
                });
    }

    private static Response error(int status, String message) {
        return Response.status(status).entity(Map.of("error", message)).build();
    }

    private static Uni<Response> done(Response response) {
        return Uni.createFrom().item(response);
    }
}
