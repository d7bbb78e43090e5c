package io.mcastgateway.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;

/** Plain JUnit on a real Vert.x: guards the look into the event bus against a Vert.x upgrade. */
class EventBusConsumersTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    @Test
    void shouldKnowWhenAnAddressHasAConsumer() {
        EventBusConsumers consumers = new EventBusConsumers(vertx.eventBus());
        assertThat(consumers.exact()).as("the handler map of this Vert.x version is readable").isTrue();
        assertThat(consumers.any("mcast.received")).isFalse();

        MessageConsumer<Object> consumer = vertx.eventBus().consumer("mcast.received", m -> {
        });
        assertThat(consumers.any("mcast.received")).isTrue();
        assertThat(consumers.any("other.address")).isFalse();

        consumer.unregister();
        await().atMost(Duration.ofSeconds(5)).until(() -> !consumers.any("mcast.received"));
    }
}
