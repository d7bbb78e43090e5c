package io.mcastgateway.transport;

import io.mcastgateway.hub.StreamEvent;

/**
 * One entry of the event stream as the reader delivered it.
 *
 * @param event the event, its frame built with the entry's id; null when the entry is not an event a
 *        gateway wrote (skipped, counted)
 */
record StreamEntry(StreamId id, StreamEvent event) {
}
