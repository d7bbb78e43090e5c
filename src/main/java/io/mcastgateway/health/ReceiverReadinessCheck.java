package io.mcastgateway.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.mcastgateway.multicast.GroupReceiver;
import io.mcastgateway.multicast.MulticastReceiver;

/** Ready while every channel's receiver is bound and joined; DOWN with the reason otherwise. */
@Readiness
@ApplicationScoped
public class ReceiverReadinessCheck implements HealthCheck {

    private final MulticastReceiver receiver;

    public ReceiverReadinessCheck(MulticastReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("multicast-receiver").up();
        if (receiver.receivers().isEmpty()) {
            return response.withData("receiver", "disabled").build();
        }
        for (GroupReceiver r : receiver.receivers()) {
            String prefix = receiver.receivers().size() == 1 ? "" : r.channel().name() + ".";
            response.withData(prefix + "channel", r.channel().name())
                    .withData(prefix + "group", r.channel().groupText())
                    .withData(prefix + "port", r.channel().port())
                    .withData(prefix + "interface", r.channel().interfaceName())
                    .withData(prefix + "bind", r.channel().bindAddress())
                    .withData(prefix + "state", r.state().name().toLowerCase());
            if (r.state() != GroupReceiver.State.JOINED) {
                response.down().withData(prefix + "reason",
                        r.failure() != null ? r.failure() : "receiver is " + r.state().name().toLowerCase());
                if (r.state() == GroupReceiver.State.FAILED) {
                    response.withData(prefix + "retryEvery", r.retryInterval().toString());
                }
            }
        }
        return response.build();
    }
}
