package io.mcastgateway.multicast;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.config.Channels;
import io.mcastgateway.config.GatewayConfig;
import io.mcastgateway.hub.Relay;
import io.mcastgateway.hub.Transport;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * Sends to the channels' groups: each channel's periodic message when its sender is enabled, and
 * whatever arrives on the event bus address {@value #SEND_ADDRESS}: a string (to the default channel)
 * or JSON {@code {"text": "...", "channel": "name"}} ({@code channel} optional).
 * <p>
 * Each channel has its own sending socket (its interface, TTL and address family), opened at the
 * first send: a named channel's interface may appear only later. A send that fails closes the socket,
 * so the next one starts afresh (an interface that was re-created has a new index).
 */
@ApplicationScoped
public class MulticastSender {

    public static final String SEND_ADDRESS = "mcast.send";
    private static final Logger LOG = Logger.getLogger(MulticastSender.class);

    private final Vertx vertx;
    private final EventBus bus;
    private final Channels channels;
    private final Traffic traffic;
    private final GatewayConfig.SenderFormat format;
    private final Map<String, ChannelSender> senders = new LinkedHashMap<>();
    private final List<Long> timers = new ArrayList<>();
    private MessageConsumer<Object> consumer;

    /** The transport's relaying, when it has it (a shared transport); else null. */
    private final Relay relay;

    public MulticastSender(Vertx vertx, EventBus bus, Channels channels, Traffic traffic, GatewayConfig config,
            Transport transport) {
        this.relay = transport instanceof Relay r ? r : null;
        this.format = config.sender().format();
        this.vertx = vertx;
        this.bus = bus;
        this.channels = channels;
        this.traffic = traffic;
    }

    void start(@Observes StartupEvent event) {
        for (ChannelSpec channel : channels.all()) {
            ChannelSender sender = new ChannelSender(channel, traffic.of(channel));
            senders.put(channel.name(), sender);
            ChannelSpec.Sender periodic = channel.sender();
            if (periodic.enabled()) {
                String on = channel.name().equals(ChannelSpec.DEFAULT_NAME) ? "" : " on channel " + channel.name();
                java.util.concurrent.atomic.AtomicLong seq = new java.util.concurrent.atomic.AtomicLong();
                timers.add(vertx.setPeriodic(periodic.interval().toMillis(), id -> sender
                        .send(periodicPayload(periodic.message(), seq.incrementAndGet()))
                        .onSuccess(v -> LOG.infof("message send finish %s%s", Instant.now(), on))
                        .onFailure(e -> LOG.warnf("message send failed to %s: %s", channel, e.getMessage()))));
                LOG.infof("Sending to %s every %s", channel, periodic.interval());
            }
        }
        consumer = bus.consumer(SEND_ADDRESS, this::onSendMessage);
        if (relay != null) {
            // other gateways' sends for the channels this one writes
            relay.onRelayed((channel, payload) -> {
                ChannelSender sender = senders.get(channel);
                return sender == null ? Future.failedFuture(unknown(channel)) : sender.send(payload);
            });
        }
    }

    void stop(@Observes ShutdownEvent event) {
        timers.forEach(vertx::cancelTimer);
        timers.clear();
        if (consumer != null) {
            consumer.unregister();
        }
        senders.values().forEach(ChannelSender::close);
        senders.clear();
    }

    /**
     * The periodic datagram: the message as it is ({@code mcast.sender.format=text}), or
     * {@code {"seq":N,"sentAt":"<ISO-8601>","text":"<message>"}} ({@code json}), N counting from 1 per run.
     */
    private byte[] periodicPayload(String message, long seq) {
        if (format == GatewayConfig.SenderFormat.TEXT) {
            return message.getBytes(StandardCharsets.UTF_8);
        }
        // field order matters: receivers find the sequence number at the start
        return new JsonObject().put("seq", seq).put("sentAt", Instant.now().toString()).put("text", message)
                .toBuffer().getBytes();
    }

    /** Sends one datagram to the default channel's group. */
    public Future<Void> send(byte[] payload) {
        return channels.defaultChannel().map(c -> send(c.name(), payload))
                .orElseGet(() -> Future.failedFuture(noDefault()));
    }

    /**
     * Sends one datagram to the group of the named channel: from this process when it receives the
     * channel (it is on the channel's network), else, with a shared transport, through the gateway
     * that writes the channel ({@link #relays(String)}).
     */
    public Future<Void> send(String channel, byte[] payload) {
        ChannelSender sender = senders.get(channel);
        if (sender == null) {
            return Future.failedFuture(unknown(channel));
        }
        if (relays(channel)) {
            return relay.relay(channel, payload);
        }
        return sender.send(payload);
    }

    /** Whether a send to this channel goes through the gateway that writes it (an SSE replica's case). */
    public boolean relays(String channel) {
        ChannelSender sender = senders.get(channel);
        return sender != null && !sender.channel.receive() && relay != null;
    }

    private void onSendMessage(Message<Object> message) {
        Object body = message.body();
        byte[] payload = payloadOf(body);
        if (payload == null) {
            message.fail(400, "expected a string or a JSON object {\"text\": \"...\", \"channel\": \"...\"}");
            return;
        }
        String channel = body instanceof JsonObject json ? json.getString("channel") : null;
        String name = channel != null ? channel : channels.defaultChannel().map(ChannelSpec::name).orElse(null);
        if (name == null) {
            message.fail(400, noDefault());
            return;
        }
        if (!senders.containsKey(name)) {
            message.fail(404, unknown(name));
            return;
        }
        send(name, payload).onComplete(ar -> {
            if (ar.succeeded()) {
                message.reply(new JsonObject().put("sent", payload.length).put("channel", name));
            } else {
                message.fail(500, "send failed: " + ar.cause().getMessage());
            }
        });
    }

    private String unknown(String channel) {
        return "no channel " + channel + " (channels: " + String.join(", ", channels.names()) + ")";
    }

    private String noDefault() {
        return "the channel default is off and there are several channels: name one (channels: "
                + String.join(", ", channels.names()) + ")";
    }

    private static byte[] payloadOf(Object body) {
        if (body instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (body instanceof JsonObject json && json.getValue("text") instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (body instanceof Buffer buffer) {
            return buffer.getBytes();
        }
        return null;
    }

    /** The sending socket of one channel. */
    private final class ChannelSender {

        private final ChannelSpec channel;
        private final ChannelTraffic counters;
        private final DatagramSocketOptions options;
        private DatagramSocket socket;

        ChannelSender(ChannelSpec channel, ChannelTraffic counters) {
            this.channel = channel;
            this.counters = counters;
            this.options = new DatagramSocketOptions()
                    .setIpV6(channel.ipv6())
                    .setMulticastNetworkInterface(channel.interfaceName())
                    .setMulticastTimeToLive(channel.ttl())
                    // Netty's NIO channel passes this flag unchanged to IP_MULTICAST_LOOP: true means the
                    // host's own receivers (this gateway's among them) hear what it sends
                    .setLoopbackModeDisabled(true);
        }

        synchronized Future<Void> send(byte[] payload) {
            if (socket == null) {
                try {
                    socket = vertx.createDatagramSocket(options);
                } catch (RuntimeException e) {
                    return Future.failedFuture("cannot send on interface " + channel.interfaceName() + ": "
                            + (GroupReceiver.interfaceStatus(channel.interfaceName()).usable() ? e.toString()
                                    : GroupReceiver.interfaceStatus(channel.interfaceName()).problem()));
                }
            }
            DatagramSocket s = socket;
            return s.send(Buffer.buffer(payload), channel.port(), channel.groupText())
                    .onSuccess(v -> counters.addSent(payload.length))
                    .onFailure(e -> discard(s));
        }

        private synchronized void discard(DatagramSocket s) {
            if (socket == s) {
                socket = null;
                s.close();
            }
        }

        synchronized void close() {
            if (socket != null) {
                socket.close();
                socket = null;
            }
        }
    }
}
