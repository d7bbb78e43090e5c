package io.mcastgateway.multicast;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.mcastgateway.config.GatewayConfig;
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
 * Sends to the default channel's group: {@code mcast.sender.message} on a periodic timer, and whatever
 * arrives on the event bus address {@value #SEND_ADDRESS} (a string, or JSON {@code {"text": "..."}}).
 */
@ApplicationScoped
public class MulticastSender {

    public static final String SEND_ADDRESS = "mcast.send";
    private static final Logger LOG = Logger.getLogger(MulticastSender.class);

    private final Vertx vertx;
    private final EventBus bus;
    private final Channels channels;
    private final GatewayConfig config;
    private final Traffic traffic;
    private DatagramSocket socket;
    private MessageConsumer<Object> consumer;
    private long timer = -1;

    public MulticastSender(Vertx vertx, EventBus bus, Channels channels, GatewayConfig config, Traffic traffic) {
        this.vertx = vertx;
        this.bus = bus;
        this.channels = channels;
        this.config = config;
        this.traffic = traffic;
    }

    void start(@Observes StartupEvent event) {
        ChannelSpec channel = channels.defaultChannel();
        socket = vertx.createDatagramSocket(new DatagramSocketOptions()
                .setIpV6(channel.ipv6())
                .setMulticastNetworkInterface(channel.interfaceName())
                .setMulticastTimeToLive(channel.ttl())
                // Netty's NIO channel passes this flag unchanged to IP_MULTICAST_LOOP: true means the
                // host's own receivers (this gateway's among them) hear what it sends
                .setLoopbackModeDisabled(true));
        consumer = bus.consumer(SEND_ADDRESS, this::onSendMessage);
        if (config.sender().enabled()) {
            byte[] message = config.sender().message().getBytes(StandardCharsets.UTF_8);
            timer = vertx.setPeriodic(config.sender().interval().toMillis(), id -> send(message)
                    .onSuccess(v -> LOG.infof("message send finish %s", Instant.now()))
                    .onFailure(e -> LOG.warnf("message send failed to %s: %s", channel, e.getMessage())));
            LOG.infof("Sending to %s every %s", channel, config.sender().interval());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (consumer != null) {
            consumer.unregister();
        }
        if (socket != null) {
            socket.close();
        }
    }

    /** Sends one datagram to the default channel's group. */
    public Future<Void> send(byte[] payload) {
        ChannelSpec channel = channels.defaultChannel();
        ChannelTraffic counters = traffic.of(channel);
        return socket.send(Buffer.buffer(payload), channel.port(), channel.groupText())
                .onSuccess(v -> counters.addSent(payload.length));
    }

    private void onSendMessage(Message<Object> message) {
        byte[] payload = payloadOf(message.body());
        if (payload == null) {
            message.fail(400, "expected a string or a JSON object {\"text\": \"...\"}");
            return;
        }
        send(payload).onComplete(ar -> {
            if (ar.succeeded()) {
                message.reply(new JsonObject().put("sent", payload.length));
            } else {
                message.fail(500, "send failed: " + ar.cause().getMessage());
            }
        });
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
}
