package io.mcastgateway.hub;

import io.vertx.core.json.JsonObject;

/**
 * One received datagram as subscribers see it. Exactly one of {@code text} (the payload was valid
 * UTF-8) and {@code base64} is set.
 */
public record DatagramEvent(String id, String channel, String group, int port, String source, String receivedAt,
        int size, String text, String base64) {

    /** The JSON form, published on the event bus and sent as the SSE data line. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("id", id)
                .put("channel", channel)
                .put("group", group)
                .put("port", port)
                .put("source", source)
                .put("receivedAt", receivedAt)
                .put("size", size);
        return text != null ? json.put("text", text) : json.put("base64", base64);
    }
}
