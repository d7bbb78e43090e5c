package io.mcastgateway.rest;

import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.ForbiddenException;

import io.mcastgateway.security.AccessControl;
import io.mcastgateway.security.ChannelAccess;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * What the REST resources ask of the request's identity. The HTTP policies have let the request in
 * already; this holds also if a path ever reached a resource past them.
 */
final class Access {

    private Access() {
    }

    /** The identity's access; 401 when anonymous and it may watch nothing, 403 when identified and it may not. */
    static ChannelAccess toRead(AccessControl control, SecurityIdentity identity) {
        ChannelAccess access = control.access(identity);
        if (!access.readsAny()) {
            if (identity == null || identity.isAnonymous()) {
                throw new NotAuthorizedException("Bearer realm=\"mcast-gateway\"");
            }
            throw new ForbiddenException("this credential may watch no channel");
        }
        return access;
    }
}
