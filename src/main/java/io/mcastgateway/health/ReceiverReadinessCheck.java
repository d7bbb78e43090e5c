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
import io.mcastgateway.security.AccessControl;

/**
 * Ready while every receiving channel is bound and joined. The data lists each channel as
 * {@code <name>.state}, {@code <name>.group}, ... and, when DOWN, {@code reason} names every channel
 * that is not joined and why. With read protection on (a read token or a JWT key) it gives each
 * channel's state only: readiness is open to all, the groups and interfaces are not.
 */
@Readiness
@ApplicationScoped
public class ReceiverReadinessCheck implements HealthCheck {

    public static final String NAME = "multicast-receiver";

    private final Channels channels;
    private final MulticastReceiver receiver;
    /** Readiness is open to all: with read protection it tells states only, not groups, interfaces or senders. */
    private final boolean detailed;

    public ReceiverReadinessCheck(Channels channels, MulticastReceiver receiver, AccessControl access) {
        this.channels = channels;
        this.receiver = receiver;
        this.detailed = !access.readProtected();
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
            if (detailed) {
                response.withData(prefix + "group", channel.endpoint())
                        .withData(prefix + "interface", channel.interfaceName())
                        .withData(prefix + "bind", channel.bindAddress());
                if (channel.sourceSpecific()) {
                    response.withData(prefix + "source", channel.sourceText());
                }
            }
            GroupReceiver r = receiver.receiver(channel.name());
            if (r == null) {
                response.withData(prefix + "state", "not receiving");
                continue;
            }
            response.withData(prefix + "state", r.state().name().toLowerCase());
            if (r.state() != GroupReceiver.State.JOINED) {
                String reason = !detailed ? "not joined (the reason: the log, or /api/channels with a credential)"
                        : r.failure() != null ? r.failure() : "receiver is " + r.state().name().toLowerCase();
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
