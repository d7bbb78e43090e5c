package io.mcastgateway.stats;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.config.Channels;
import io.mcastgateway.config.GatewayConfig;

/** The {@link ChannelSources} of every channel, created at startup. */
@ApplicationScoped
public class SourceRegistry {

    private final Map<String, ChannelSources> byChannel = new LinkedHashMap<>();

    public SourceRegistry(Channels channels, GatewayConfig config) {
        for (ChannelSpec channel : channels.all()) {
            byChannel.put(channel.name(), new ChannelSources(channel.name(), config.sources().max(),
                    channel.checks().rtpClockRate()));
        }
    }

    public ChannelSources of(String channel) {
        return byChannel.get(channel);
    }

    public Map<String, ChannelSources> all() {
        return byChannel;
    }
}
