package io.mcastgateway.health;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.config.Channels;
import io.mcastgateway.multicast.GroupReceiver;
import io.mcastgateway.multicast.MulticastReceiver;

/**
 * Ready while every receiving channel is bound and joined. The data lists each channel as
 * {@code <name>.state}, {@code <name>.group}, ... and, when DOWN, {@code reason} names every channel
 * that is not joined and why.
 */
@Readiness
@ApplicationScoped
public class ReceiverReadinessCheck implements HealthCheck {

    public static final String NAME = "multicast-receiver";

    private final Channels channels;
    private final MulticastReceiver receiver;

    public ReceiverReadinessCheck(Channels channels, MulticastReceiver receiver) {
        this.channels = channels;
        this.receiver = receiver;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).up();
        if (receiver.receivers().isEmpty()) {
            return response.withData("receiver", "disabled").build();
        }
        List<String> down = new ArrayList<>();
        for (ChannelSpec channel : channels.all()) {
            String prefix = channel.name() + ".";
            response.withData(prefix + "group", channel.endpoint())
                    .withData(prefix + "interface", channel.interfaceName())
                    .withData(prefix + "bind", channel.bindAddress());
            if (channel.sourceSpecific()) {
                response.withData(prefix + "source", channel.sourceText());
            }
            GroupReceiver r = receiver.receiver(channel.name());
            if (r == null) {
                response.withData(prefix + "state", "not receiving");
                continue;
            }
            response.withData(prefix + "state", r.state().name().toLowerCase());
            if (r.state() != GroupReceiver.State.JOINED) {
                String reason = r.failure() != null ? r.failure() : "receiver is " + r.state().name().toLowerCase();
                response.withData(prefix + "reason", reason);
                if (r.state() == GroupReceiver.State.FAILED) {
                    response.withData(prefix + "retryEvery", r.retryInterval().toString());
                }
                down.add("channel " + channel.name() + ": " + reason);
            }
        }
        if (!down.isEmpty()) {
            response.down().withData("reason", String.join("; ", down));
        }
        return response.build();
    }
}
