package io.mcastgateway.rest;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.mcastgateway.passthrough.Passthrough;
import io.mcastgateway.passthrough.PassthroughInfo;
import io.mcastgateway.passthrough.Target;
import io.mcastgateway.security.AccessControl;
import io.mcastgateway.security.ChannelAccess;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * {@code GET /api/passthrough}: the players' raw streams: the groups joined for them (and channels shared
 * with them), each with its integrity figures and clients. A caller sees the groups it may watch; the
 * clients' addresses only when it may watch every channel.
 */
@Path("/api/passthrough")
@Tag(name = "passthrough")
public class PassthroughResource {

    private final Passthrough passthrough;
    private final AccessControl access;
    private final SecurityIdentity identity;

    public PassthroughResource(Passthrough passthrough, AccessControl access, SecurityIdentity identity) {
        this.passthrough = passthrough;
        this.access = access;
        this.identity = identity;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "passthrough", summary = "The raw streams for players: groups joined on demand, clients, drops")
    public PassthroughInfo passthrough() {
        ChannelAccess allowed = Access.toRead(access, identity);
        PassthroughInfo info = passthrough.info();
        if (allowed.subscribesAll()) {
            return info;
        }
        List<PassthroughInfo.GroupInfo> visible = info.groups().stream()
                // as the raw routes decide: a channel's group by the channel, other groups by the ranges
                .filter(g -> g.channel() != null ? allowed.maySubscribe(g.channel())
                        : allowed.maySubscribeGroup(Target.parse(g.target()).group()))
                .map(g -> new PassthroughInfo.GroupInfo(g.target(), g.channel(), g.state(), g.since(), g.lingerUntil(),
                        g.received(), g.sent(), g.dropped(), g.rtpSkipped(), g.rtpLate(), g.kernel(), g.sources(),
                        g.clients().stream().map(c -> new PassthroughInfo.ClientInfo(null, c.path(), c.kind(), c.since(),
                                c.bytes(), c.datagrams(), c.dropped(), c.droppedBytes(), c.behind())).toList()))
                .toList();
        return new PassthroughInfo(info.joinsOnDemand(), info.allow(), info.interfaceName(), info.maxGroups(),
                info.maxClients(), info.lingerMillis(), info.joinedGroups(), info.clients(), info.rejected(), visible);
    }
}
