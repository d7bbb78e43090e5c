package io.mcastgateway.hub;

import java.util.Map;

import org.jboss.logging.Logger;

import io.mcastgateway.platform.VertxInternals;
import io.vertx.core.eventbus.EventBus;

/**
 * Whether an event-bus address has a consumer in this process.
 * <p>
 * Vert.x 4 builds a {@code ReplyException}, stack trace included, for every message published to an
 * address without consumers: at 100,000 datagrams/s that alone costs more than the rest of the
 * receive path. The hub therefore publishes only while someone consumes. Vert.x exposes no public
 * check, so this reads the event bus's handler map; if that field ever moves, it answers "yes"
 * (always publish, as before) and says so once.
 */
public final class EventBusConsumers {

    private static final Logger LOG = Logger.getLogger(EventBusConsumers.class);

    private final Map<?, ?> handlers;

    public EventBusConsumers(EventBus bus) {
        this.handlers = handlerMap(bus);
    }

    /** True when {@code address} has at least one consumer, or when that cannot be known. */
    public boolean any(String address) {
        return handlers == null || handlers.containsKey(address);
    }

    /** Whether the check works (false: every publish goes out). */
    public boolean exact() {
        return handlers != null;
    }

    private static Map<?, ?> handlerMap(EventBus bus) {
        Map<?, ?> map = VertxInternals.consumers(bus);
        if (map != null) {
            return map;
        }
        LOG.warnf("Cannot tell whether event-bus addresses have consumers (%s): publishing every datagram on %s",
                bus.getClass().getName(), Hub.RECEIVED_ADDRESS);
        return null;
    }
}
