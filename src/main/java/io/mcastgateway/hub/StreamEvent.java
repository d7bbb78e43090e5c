package io.mcastgateway.hub;

import io.vertx.core.buffer.Buffer;

/**
 * An event as it travels through the hub: its position in the stream, what filters look at, and the
 * SSE frame bytes, built once and shared by every subscriber.
 */
public record StreamEvent(long seq, String id, String channel, String group, String sourceIp, String source, Buffer frame) {
}
