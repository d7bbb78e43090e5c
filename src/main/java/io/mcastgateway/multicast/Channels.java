package io.mcastgateway.multicast;

import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import io.mcastgateway.config.ConfigValidator;
import io.mcastgateway.config.GatewayConfig;
import io.quarkus.runtime.StartupEvent;

/** The channels this gateway serves, checked at startup before any socket opens. */
@ApplicationScoped
public class Channels {

    private final List<ChannelSpec> channels;

    public Channels(GatewayConfig config) {
        this.channels = List.of(ConfigValidator.defaultChannel(config));
    }

    /** Fails startup early, before any socket is opened, when a setting is invalid. */
    void validate(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        all();
    }

    public List<ChannelSpec> all() {
        return channels;
    }

    public ChannelSpec defaultChannel() {
        return channels.get(0);
    }
}
