package io.mcastgateway.transport;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.config.Channels;
import io.mcastgateway.config.GatewayConfig;
import io.mcastgateway.hub.LocalTransport;
import io.mcastgateway.hub.Transport;
import io.mcastgateway.stats.ChannelSources;
import io.mcastgateway.stats.ChannelSourcesView;
import io.mcastgateway.stats.SourceRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

/**
 * The {@link Transport} of this process, by {@code mcast.transport}: the in-memory
 * {@link LocalTransport}, or the {@link RedisTransport} on the Redis client Quarkus configures from
 * {@code quarkus.redis.*} (which is not created, nor connected, with {@code local}).
 */
@ApplicationScoped
public class Transports {

    private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(2);

    private final GatewayConfig config;
    private volatile RedisTransport redis;

    public Transports(GatewayConfig config) {
        this.config = config;
    }

    /**
     * A singleton, not a normal-scoped bean: injected as itself rather than a client proxy that
     * implements {@link Transport} alone, so its optional abilities ({@link io.mcastgateway.hub.Relay})
     * are seen by {@code instanceof}.
     */
    @Produces
    @Singleton
    Transport transport(Instance<LocalTransport> local, Instance<Redis> client, Vertx vertx, Channels channels,
            SourceRegistry registry, ObjectMapper json) {
        if (config.transport() == GatewayConfig.TransportKind.LOCAL) {
            return local.get();
        }
        List<String> received = channels.all().stream().filter(ChannelSpec::receive).map(ChannelSpec::name).toList();
        RedisTransport transport = new RedisTransport(vertx, client.get(), server(), config, received,
                channel -> sourcesJson(registry, json, channel));
        transport.start();
        redis = transport;
        return transport;
    }

    /** A replica reads the stream from startup on, not from its first subscriber on. */
    void start(@Observes StartupEvent event, Transport transport) {
        if (config.transport() == GatewayConfig.TransportKind.REDIS) {
            transport.status(); // creates (and so starts) it
        }
    }

    /** Leases go first on shutdown, so a standby gateway takes the channels over at once. */
    void stop(@Observes ShutdownEvent event) {
        RedisTransport transport = redis;
        if (transport != null) {
            transport.stop(RELEASE_TIMEOUT);
        }
    }

    private static String sourcesJson(SourceRegistry registry, ObjectMapper json, String channel) {
        ChannelSources sources = registry.of(channel);
        if (sources == null) {
            return null;
        }
        try {
            return json.writeValueAsString(new ChannelSourcesView(channel, sources.evicted(),
                    sources.snapshot(System.currentTimeMillis())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** quarkus.redis.hosts without credentials, for messages. */
    private static String server() {
        return ConfigProvider.getConfig().getOptionalValue("quarkus.redis.hosts", String.class)
                .map(h -> h.replaceAll("//[^@/]*@", "//"))
                .orElse("(quarkus.redis.hosts unset)");
    }
}
