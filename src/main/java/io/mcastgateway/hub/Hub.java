package io.mcastgateway.hub;

import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.mcastgateway.channel.ChannelSpec;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Turns received datagrams into numbered events and fans them out: to the {@link Transport} (SSE
 * subscribers, replay) and, while it has a consumer, to the event bus address
 * {@value #RECEIVED_ADDRESS}. With a transport that numbers events itself (Redis Streams), the hub
 * writes each event's JSON without id and the transport's reader builds the frame.
 * <p>
 * An event's SSE frame (its JSON inside) is written once, by {@link DatagramFrames}, and shared by
 * every subscriber and the replay ring. Event ids are {@code <epoch>-<seq>}: the epoch is fixed per
 * run (and per dev-mode reload), the sequence number counts from 1, so an id from an earlier run is
 * recognised as such.
 */
@ApplicationScoped
public class Hub {

    public static final String RECEIVED_ADDRESS = "mcast.received";

    private final Transport transport;
    private final EventBus bus;
    private final EventBusConsumers consumers;
    private final StreamStats stats;
    private final String epoch = Long.toString(System.currentTimeMillis(), 36);
    // guarded by this
    private final DatagramFrames frames = new DatagramFrames();
    private final boolean numbered;
    private long seq;

    public Hub(Transport transport, EventBus bus, StreamStats stats) {
        this.transport = transport;
        this.numbered = transport.numbersEvents();
        this.bus = bus;
        this.consumers = new EventBusConsumers(bus);
        this.stats = stats;
    }

    /**
     * Publishes one received datagram (its readable bytes; not consumed); called on the receiving
     * socket's event loop. The sender comes as {@code sourceIp} (what filters match) and
     * {@code source} ({@code ip:port}, what events show), both formatted once per sender by the caller;
     * {@code datagramSeq} is the sequence number the datagram carries (JSON format or RTP; -1: none),
     * which its event shows as {@code seq}. Allocates the frame, the event and nothing else.
     */
    public StreamEvent publish(ChannelSpec channel, ByteBuf payload, String sourceIp, String source,
            long receivedAtMillis, long datagramSeq) {
        StreamEvent event;
        JsonObject json = null;
        boolean toBus = consumers.any(RECEIVED_ADDRESS);
        stats.addReceived(); // before the transport counts it (appended, dropped, left to another writer)
        synchronized (this) {
            if (numbered) {
                // the transport numbers events (Redis stream ids): the JSON without id, no SSE frame here
                byte[] data = frames.writeJson(channel.name(), channel.groupText(), channel.port(), source,
                        receivedAtMillis, payload, datagramSeq);
                event = new StreamEvent(0, null, channel.name(), channel.groupText(), sourceIp, source, data);
                transport.append(event);
                if (toBus) {
                    json = new JsonObject(Buffer.buffer(data));
                }
            } else {
                long n = ++seq;
                byte[] frame = frames.write(epoch, n, channel.name(), channel.groupText(), channel.port(), source,
                        receivedAtMillis, payload, datagramSeq);
                event = new StreamEvent(n, epoch, channel.name(), channel.groupText(), sourceIp, source, frame);
                transport.append(event);
                if (toBus) {
                    json = new JsonObject(Buffer.buffer(Arrays.copyOfRange(frame, frames.dataStart(), frame.length - 2)));
                }
            }
        }
        if (json != null) {
            bus.publish(RECEIVED_ADDRESS, json);
        }
        return event;
    }

    /** The end of a batch of {@link #publish}es (one wake-up of a receiving socket): subscribers write now. */
    public void flush() {
        transport.flush();
    }

    /**
     * Subscribes to the stream. With a Last-Event-ID from this run, replay starts after it; with one
     * from another run (or unreadable), the subscriber is told with a reset event and gets every
     * retained event.
     */
    public void subscribe(Subscriber subscriber, String lastEventId) {
        if (numbered) {
            transport.subscribe(subscriber, lastEventId);
            return;
        }
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

    /** The id prefix of this run's events; null when the transport numbers them (Redis stream ids). */
    public String epoch() {
        return numbered ? null : epoch;
    }

    /** Where events go and how that is going. */
    public TransportInfo transportInfo() {
        return transport.status();
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
