package io.mcastgateway.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Every setting of the gateway. Each key can be overridden by an environment variable
 * ({@code mcast.sender.interval} = {@code MCAST_SENDER_INTERVAL}). Values are checked at startup by
 * {@link ConfigValidator}; an invalid one stops the application with a line naming the key.
 */
@ConfigMapping(prefix = "mcast")
public interface GatewayConfig {

    /** Multicast group address (IPv4 or IPv6) the gateway joins and sends to. */
    @WithDefault("239.255.255.252")
    String group();

    /** UDP port of the group, 1-65535. */
    @WithDefault("23456")
    int port();

    /** Network interface to join and send on, by name (e.g. lo, eth0); unset = the interface the OS routes the group through. */
    @WithName("interface")
    Optional<String> networkInterface();

    /** Multicast TTL of sent datagrams, 0-255. */
    @WithDefault("1")
    int ttl();

    /** Receiver bind address: group = bind the group address (only group traffic arrives), any = bind the wildcard address. */
    @WithDefault("group")
    Bind bind();

    /** The periodic sender. */
    Sender sender();

    /** The group receiver. */
    Receiver receiver();

    /** The Server-Sent Events stream. */
    Stream stream();

    enum Bind {
        /** Bind the receiver to the group address: unicast datagrams to the host's port never arrive (Linux). */
        GROUP,
        /** Bind the receiver to 0.0.0.0 / ::, for systems that cannot bind a group address; unicast to the port arrives too. */
        ANY
    }

    enum LogMode {
        /** One INFO line per received datagram. */
        EACH,
        /** One INFO line per interval with the count received. */
        SUMMARY,
        /** No log line for received datagrams. */
        OFF
    }

    interface Sender {
        /** Run the periodic sender. */
        @WithDefault("true")
        boolean enabled();

        /** Period of the sender timer. */
        @WithDefault("10s")
        Duration interval();

        /** Payload text of each periodic datagram (sent as UTF-8). */
        @WithDefault("this message send via mcast !")
        String message();
    }

    interface Receiver {
        /** Join the group and receive. */
        @WithDefault("true")
        boolean enabled();

        /** Kernel receive buffer (SO_RCVBUF) of the receiving socket in bytes; Linux caps it at net.core.rmem_max. */
        @WithDefault("4194304")
        int receiveBufferSize();

        /** Logging of received datagrams: each, summary (one line per log-interval) or off. */
        @WithDefault("each")
        LogMode log();

        /** Interval of the summary log line when log=summary. */
        @WithDefault("10s")
        Duration logInterval();

        /** How long to wait before binding and joining again after an attempt failed. */
        @WithDefault("5s")
        Duration retryInterval();
    }

    interface Stream {
        /** How many of the latest events are kept for Last-Event-ID replay. */
        @WithDefault("1000")
        int replaySize();

        /** Events a subscriber may have queued before its oldest ones are dropped. */
        @WithDefault("1024")
        int buffer();

        /** Period of the comment heartbeat on every open stream. */
        @WithDefault("15s")
        Duration heartbeat();

        /** Reconnection delay the stream advises clients (SSE retry field). */
        @WithDefault("2s")
        Duration retry();
    }
}
