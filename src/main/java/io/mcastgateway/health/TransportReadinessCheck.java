package io.mcastgateway.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.mcastgateway.hub.Hub;
import io.mcastgateway.hub.TransportInfo;

/**
 * Ready while the transport works: always with {@code local}; with {@code redis} while Redis answers
 * (DOWN with the reason otherwise; the gateway reconnects by itself). The data says which channels
 * this gateway writes and for which it stands by.
 */
@Readiness
@ApplicationScoped
public class TransportReadinessCheck implements HealthCheck {

    public static final String NAME = "transport";

    private final Hub hub;

    public TransportReadinessCheck(Hub hub) {
        this.hub = hub;
    }

    @Override
    public HealthCheckResponse call() {
        TransportInfo info = hub.transportInfo();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).status(info.problem() == null)
                .withData("kind", info.kind());
        if (!info.kind().equals("local")) {
            response.withData("writing", String.join(",", info.writing()))
                    .withData("standingBy", String.join(",", info.standingBy()))
                    .withData("dropped", info.dropped());
        }
        if (info.problem() != null) {
            response.withData("reason", info.problem());
        }
        return response.build();
    }
}
