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

    private final int max;

    public SourceRegistry(Channels channels, GatewayConfig config) {
        this.max = config.sources().max();
        for (ChannelSpec channel : channels.all()) {
            byChannel.put(channel.name(), new ChannelSources(channel.name(), config.sources().max(),
                    channel.checks().rtpClockRate()));
        }
    }

    /**
     * The statistics of a group that is not a channel (one joined for players), kept by its owner, not here:
     * the same figures as a channel's, with the default clock for dynamic RTP payload types.
     */
    public ChannelSources unlisted(String name) {
        return new ChannelSources(name, max, 90_000);
    }

    public ChannelSources of(String channel) {
        return byChannel.get(channel);
    }

    public Map<String, ChannelSources> all() {
        return byChannel;
    }
}
