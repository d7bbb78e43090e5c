package io.mcastgateway.hub;

/** What one subscriber has received and lost so far. */
public record SubscriberInfo(long id, String remote, String filter, String connectedAt, long delivered, long dropped,
        int queued) {
}
