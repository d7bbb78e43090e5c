package io.mcastgateway.hub;

import java.util.Base64;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.mcastgateway.channel.Addresses;
import io.mcastgateway.channel.ChannelSpec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Turns received datagrams into numbered events and fans them out: to the {@link Transport} (SSE
 * subscribers, replay) and to the event bus address {@value #RECEIVED_ADDRESS}.
 * <p>
 * Event ids are {@code <epoch>-<seq>}: the epoch is fixed per run (and per dev-mode reload), the
 * sequence number counts from 1, so an id from an earlier run is recognised as such.
 */
@ApplicationScoped
public class Hub {

    public static final String RECEIVED_ADDRESS = "mcast.received";

    private final Transport transport;
    private final EventBus bus;
    private final EventBusConsumers consumers;
    private final StreamStats stats;
    private final String epoch = Long.toString(System.currentTimeMillis(), 36);
    private long seq;

    public Hub(Transport transport, EventBus bus, StreamStats stats) {
        this.transport = transport;
        this.bus = bus;
        this.consumers = new EventBusConsumers(bus);
        this.stats = stats;
    }

    /** Publishes one received datagram; called on the receiving socket's event loop. */
    public DatagramEvent publish(ChannelSpec channel, String sourceIp, int sourcePort, byte[] payload,
            long receivedAtMillis) {
        String text = Payloads.textOrNull(payload);
        sourceIp = Addresses.canonical(sourceIp);
        String source = sourceIp.indexOf(':') >= 0 ? "[" + sourceIp + "]:" + sourcePort : sourceIp + ":" + sourcePort;
        DatagramEvent event;
        JsonObject json;
        synchronized (this) {
            long n = ++seq;
            String id = epoch + "-" + n;
            event = new DatagramEvent(id, channel.name(), channel.groupText(), channel.port(), source,
                    Timestamps.format(receivedAtMillis), payload.length, text,
                    text == null ? Base64.getEncoder().encodeToString(payload) : null);
            json = event.toJson();
            Buffer frame = SseFrames.event(id, SseFrames.DATAGRAM, json);
            transport.append(new StreamEvent(n, id, channel.name(), event.group(), sourceIp, source, frame));
        }
        stats.addReceived();
        if (consumers.any(RECEIVED_ADDRESS)) {
            bus.publish(RECEIVED_ADDRESS, json);
        }
        return event;
    }

    /**
     * Subscribes to the stream. With a Last-Event-ID from this run, replay starts after it; with one
     * from another run (or unreadable), the subscriber is told with a reset event and gets every
     * retained event.
     */
    public void subscribe(Subscriber subscriber, String lastEventId) {
        Long after = null;
        if (lastEventId != null && !lastEventId.isBlank()) {
            after = seqOf(lastEventId.trim());
            if (after == null) {
                subscriber.offer(SseFrames.reset(epoch, lastEventId));
                after = 0L;
            }
        }
        transport.subscribe(subscriber, after);
    }

    public void unsubscribe(Subscriber subscriber) {
        transport.unsubscribe(subscriber);
    }

    public String epoch() {
        return epoch;
    }

    public long received() {
        return stats.received();
    }

    public List<SubscriberInfo> subscribers() {
        return transport.subscribers().stream().map(Subscriber::info).toList();
    }

    public int subscriberCount() {
        return transport.subscriberCount();
    }

    public int replaySize() {
        return transport.replaySize();
    }

    /** The sequence number of an id of this run, or null for an id of another run. */
    Long seqOf(String id) {
        int dash = id.lastIndexOf('-');
        if (dash <= 0 || !id.substring(0, dash).equals(epoch)) {
            return null;
        }
        try {
            long n = Long.parseLong(id.substring(dash + 1));
            synchronized (this) {
                return n >= 0 && n <= seq ? n : null;
            }
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
