package io.mcastgateway.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;

/** Alive while every Vert.x event loop runs a task within {@link #TIMEOUT}. */
@Liveness
@ApplicationScoped
public class EventLoopLivenessCheck implements AsyncHealthCheck {

    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Vertx vertx;

    public EventLoopLivenessCheck(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    @SuppressWarnings("deprecation") // nettyEventLoopGroup(): the only public handle on every loop in Vert.x 4.5
    public Uni<HealthCheckResponse> call() {
        List<Uni<Void>> pings = new ArrayList<>();
        for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
            pings.add(Uni.createFrom().emitter(emitter -> loop.execute(() -> emitter.complete(null))));
        }
        int loops = pings.size();
        return Uni.join().all(pings).andFailFast()
                .ifNoItem().after(TIMEOUT).fail()
                .map(done -> HealthCheckResponse.named("event-loops").up().withData("loops", loops).build())
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("event-loops").down()
                        .withData("loops", loops)
                        .withData("reason", "an event loop did not run a task within " + TIMEOUT.toSeconds() + " s")
                        .build());
    }
}
