package io.mcastgateway.rest;

import java.util.Map;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.mcastgateway.security.AccessControl;
import io.mcastgateway.security.ChannelAccess;
import io.mcastgateway.security.SessionCookies;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * {@code POST /api/session}: trades a credential that may watch (the read token, or a JWT with
 * {@code mcast.subscribe}) for the page's session cookie, because {@code EventSource} cannot send
 * headers; a token never travels in a URL. The cookie carries the channels the credential may watch
 * and its end (the JWT's {@code exp}, at most {@code mcast.session.max-age}) under an HMAC; HttpOnly,
 * SameSite=Strict, path /api, and Secure when the request came over TLS, directly or through a
 * trusted proxy ({@code quarkus.http.proxy.*}).
 */
@Path("/api/session")
@Tag(name = "stream")
public class SessionResource {

    private final AccessControl access;
    private final SecurityIdentity identity;

    public SessionResource(AccessControl access, SecurityIdentity identity) {
        this.access = access;
        this.identity = identity;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "session", summary = "Trade the bearer credential for the page's session cookie")
    @APIResponse(responseCode = "204", description = "The cookie is set")
    @APIResponse(responseCode = "401", description = "No or a wrong credential")
    @APIResponse(responseCode = "403", description = "The credential may watch no channel")
    @APIResponse(responseCode = "404", description = "Watching needs no credential on this gateway")
    @APIResponse(responseCode = "429", description = "Too many failed authentications from this address; see Retry-After")
    public Response session(HttpServerRequest request, HttpServerResponse response) {
        if (!access.readProtected()) {
            return Response.status(404).entity(Map.of("error",
                    "watching needs no credential here (neither mcast.read.token nor mcast.jwt.public-key-location is set)"))
                    .build();
        }
        ChannelAccess allowed = Access.toRead(access, identity);
        long now = System.currentTimeMillis() / 1000;
        long end = access.sessionEnd(allowed, now);
        response.addCookie(Cookie.cookie(SessionCookies.NAME, access.sessions().encode(allowed, end)).setPath("/api")
                .setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setMaxAge(end - now)
                .setSecure("https".equalsIgnoreCase(request.scheme())));
        return Response.noContent().build();
    }
}
