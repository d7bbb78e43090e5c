package io.mcastgateway.multicast;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.MulticastSocket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Multicast;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/** What the gateway sends reaches an independent receiver joined to the group. */
@QuarkusTest
class SenderTest {

    @Inject
    EventBus bus;

    @Test
    void shouldSendAStringFromTheEventBusToTheGroup() throws Exception {
        String text = "from the bus " + UUID.randomUUID();
        try (MulticastSocket receiver = Multicast.joinedReceiver()) {
            Message<Object> reply = bus.request(MulticastSender.SEND_ADDRESS, text).toCompletionStage()
                    .toCompletableFuture().get();

            assertThat(((JsonObject) reply.body()).getInteger("sent")).isEqualTo(text.length());
            assertThat(Multicast.receiveMatching(receiver, text.getBytes(StandardCharsets.UTF_8), 5000)).isNotNull();
        }
    }

    @Test
    void shouldSendAJsonTextFromTheEventBusToTheGroup() {
        String text = "json ✓ " + UUID.randomUUID();
        try (MulticastSocket receiver = Multicast.joinedReceiver()) {
            bus.send(MulticastSender.SEND_ADDRESS, new JsonObject().put("text", text));

            assertThat(Multicast.receiveMatching(receiver, text.getBytes(StandardCharsets.UTF_8), 5000)).isNotNull();
        }
    }

    @Test
    void shouldRefuseAnEventBusMessageWithoutText() throws Exception {
        var reply = bus.request(MulticastSender.SEND_ADDRESS, new JsonObject().put("txt", "typo"))
                .toCompletionStage().toCompletableFuture();

        assertThat(reply).failsWithin(java.time.Duration.ofSeconds(5))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOf(ReplyException.class)
                .withMessageContaining("text");
    }

    @Test
    void shouldSendThePeriodicMessageToAnIndependentReceiver() {
        try (MulticastSocket receiver = Multicast.joinedReceiver()) {
            // the test profile runs the sender every second
            assertThat(Multicast.receiveMatching(receiver,
                    "this message send via mcast !".getBytes(StandardCharsets.UTF_8), 5000)).isNotNull();
        }
    }
}
