package io.mcastgateway.config;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.mcastgateway.channel.ChannelSpec;
import io.quarkus.runtime.StartupEvent;

/** The channels this gateway serves, checked at startup before any socket opens. */
@ApplicationScoped
public class Channels {

    private static final Logger LOG = Logger.getLogger(Channels.class);

    private final List<ChannelSpec> channels;
    private final List<String> warnings;
    private final PassthroughSettings passthrough;

    public Channels(GatewayConfig config) {
        ConfigValidator.Result result = ConfigValidator.validate(config);
        this.channels = result.channels();
        this.warnings = result.warnings();
        this.passthrough = result.passthrough();
    }

    /** The raw streams for players ({@code mcast.passthrough.*}). */
    public PassthroughSettings passthrough() {
        return passthrough;
    }

    /** Fails startup early, before any socket is opened, when a setting is invalid; logs the warnings. */
    void validate(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        warnings.forEach(LOG::warn);
        LOG.infof("Channels: %s", channels.stream().map(ChannelSpec::toString).collect(Collectors.joining(", ")));
    }

    /** Every channel, the default one (when enabled) first, then the named ones by name. */
    public List<ChannelSpec> all() {
        return channels;
    }

    public Optional<ChannelSpec> byName(String name) {
        return channels.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /**
     * Where a message without a channel goes: the channel {@code default} when enabled, else the only
     * channel; empty when there are several named channels and no default.
     */
    public Optional<ChannelSpec> defaultChannel() {
        Optional<ChannelSpec> named = byName(ChannelSpec.DEFAULT_NAME);
        return named.isPresent() || channels.size() != 1 ? named : Optional.of(channels.get(0));
    }

    public List<String> names() {
        return channels.stream().map(ChannelSpec::name).toList();
    }
}
