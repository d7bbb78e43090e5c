package io.mcastgateway.multicast;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.config.Channels;

/** The {@link ChannelTraffic} of every channel, created once at startup. */
@ApplicationScoped
public class Traffic {

    private final Map<String, ChannelTraffic> byChannel = new LinkedHashMap<>();

    public Traffic(Channels channels) {
        for (ChannelSpec channel : channels.all()) {
            byChannel.put(channel.name(), new ChannelTraffic());
        }
    }

    public ChannelTraffic of(ChannelSpec channel) {
        return byChannel.get(channel.name());
    }

    public ChannelTraffic of(String channel) {
        return byChannel.get(channel);
    }
}
