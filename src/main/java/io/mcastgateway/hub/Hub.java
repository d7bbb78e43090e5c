package io.mcastgateway.hub;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.mcastgateway.channel.ChannelSpec;
import io.netty.buffer.ByteBuf;
import io.quarkus.arc.ClientProxy;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Turns received datagrams into events and fans them out: to the {@link Transport} (SSE subscribers,
 * replay) and, while it has a consumer, to the event bus address {@value #RECEIVED_ADDRESS}.
 * <p>
 * The transport numbers the events ({@link Transport#ids()}): the hub asks it for each event's id,
 * then writes the event's bytes once with that id inside, by {@link DatagramFrames}: an SSE frame
 * shared by every subscriber and the replay ring, or, when the transport's store assigns ids itself
 * (Redis), the event's JSON without id, from which the transport builds the frame. Publishing holds
 * the hub's lock (numbering and writing are one step, in the order the transport then appends).
 */
@ApplicationScoped
public class Hub {

    public static final String RECEIVED_ADDRESS = "mcast.received";

    private final Transport transport;
    private final EventIds ids;
    private final String epoch;
    private final EventBus bus;
    private final EventBusConsumers consumers;
    private final StreamStats stats;
    // guarded by this
    private final DatagramFrames frames = new DatagramFrames();
    /** The channels that are silent now, with their status frame. */
    private final java.util.Map<String, Status> statuses = new java.util.concurrent.ConcurrentHashMap<>();
    // (changed with its own lock held: see status())

    public Hub(Transport transport, EventBus bus, StreamStats stats) {
        // called per datagram: the instances, not their client proxies (a lookup in the context per call)
        this.transport = ClientProxy.unwrap(transport);
        this.ids = this.transport.ids();
        this.epoch = ids.epoch();
        this.bus = bus;
        this.consumers = new EventBusConsumers(bus);
        this.stats = ClientProxy.unwrap(stats);
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
            long seq = ids.next();
            byte[] frame = frames.write(epoch, seq, channel.name(), channel.groupText(), channel.port(), source,
                    receivedAtMillis, payload, datagramSeq);
            event = new StreamEvent(seq, epoch, channel.name(), channel.groupText(), sourceIp, source, frame);
            transport.append(event);
            if (toBus) {
                json = new JsonObject(Buffer.buffer(frames.json(frame)));
            }
        }
        if (json != null) {
            bus.publish(RECEIVED_ADDRESS, json);
        }
        return event;
    }

    /**
     * Tells the subscribers that follow {@code channel} that its state changed ({@code silent} or
     * {@code flowing}), with a {@code status} frame written after what they were given before. A silent
     * channel's frame is also what a subscriber gets when it subscribes while the silence lasts.
     */
    public void status(ChannelSpec channel, String state, long sinceMillis, String reason) {
        byte[] frame = SseFrames.status(channel.name(), channel.groupText(), state, Timestamps.format(sinceMillis),
                reason);
        // one change at a time, and none between a new subscriber's subscription and what it is told of
        // the silences: a subscriber never gets a stale "silent" after "flowing"
        synchronized (statuses) {
            if (state.equals("silent")) {
                statuses.put(channel.name(), new Status(channel, frame));
            } else {
                statuses.remove(channel.name());
            }
            for (Subscriber s : transport.subscribers()) {
                if (s.wantsStatus(channel.name(), channel.groupText())) {
                    tell(s, frame);
                }
            }
        }
    }

    private static void tell(Subscriber s, byte[] frame) {
        s.context().runOnContext(v -> {
            if (s.offer(frame)) {
                s.flush();
            }
        });
    }

    private record Status(ChannelSpec channel, byte[] frame) {
    }

    /** The end of a batch of {@link #publish}es (one wake-up of a receiving socket): subscribers write now. */
    public void flush() {
        transport.flush();
    }

    /**
     * Subscribes to the stream with the client's Last-Event-ID as it came (null: none); the transport
     * decides what is replayed ({@link Transport#subscribe}).
     */
    public void subscribe(Subscriber subscriber, String lastEventId) {
        transport.subscribe(subscriber, lastEventId);
        if (statuses.isEmpty()) {
            return;
        }
        synchronized (statuses) {
            for (Status s : statuses.values()) {
                if (subscriber.wantsStatus(s.channel().name(), s.channel().groupText())) {
                    tell(subscriber, s.frame());
                }
            }
        }
    }

    public void unsubscribe(Subscriber subscriber) {
        transport.unsubscribe(subscriber);
    }

    /** The id prefix of this run's events; null when the transport's store assigns ids (Redis stream ids). */
    public String epoch() {
        return epoch;
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

    /** How many subscribers this process has (read on a metrics scrape). */
    public int subscriberCount() {
        return transport.subscriberCount();
    }

    public int replaySize() {
        return (int) Math.min(Integer.MAX_VALUE, transport.status().retained());
    }
}
