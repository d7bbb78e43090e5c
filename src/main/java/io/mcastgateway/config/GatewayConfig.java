package io.mcastgateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.mcastgateway.channel.Bind;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Every setting of the gateway. Each key can be overridden by an environment variable
 * ({@code mcast.sender.interval} = {@code MCAST_SENDER_INTERVAL},
 * {@code mcast.channels.video.group} = {@code MCAST_CHANNELS_VIDEO_GROUP}). Values are checked at
 * startup by {@link ConfigValidator}; an invalid one stops the application with a line naming the key.
 * <p>
 * The flat keys ({@code mcast.group}, {@code mcast.port}, ...) define the channel {@code default};
 * {@code mcast.channels.<name>.*} define more channels, whose unset keys fall back to the flat ones.
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

    /** Source address for a source-specific join (SSM): only datagrams from it are received; unset = any source. */
    Optional<String> source();

    /** Multicast TTL of sent datagrams, 0-255. */
    @WithDefault("1")
    int ttl();

    /** Receiver bind address: group = bind the group address (only group traffic arrives), any = bind the wildcard address. */
    @WithDefault("group")
    Bind bind();

    /** Clock rate (Hz) of the timestamps of RTP payload types without a static rate (dynamic types 96-127), for the jitter; static types use RFC 3551's. */
    @WithDefault("90000")
    int rtpClockRate();

    /** The silence watchdog: traffic is expected at least this often, or the channel re-joins once and turns silent; unset = off. */
    Optional<Duration> expectWithin();

    /** The channel {@code default}, made of the flat keys above. */
    DefaultChannel defaultChannel();

    /** Named channels, {@code mcast.channels.<name>.*}; a name is lower-case letters, digits and '-'. */
    Map<String, Channel> channels();

    /** Leave and re-join every group this often, so that IGMP-snooping switches without a querier keep forwarding; 0 = never. */
    @WithDefault("60s")
    Duration rejoinInterval();

    /** The periodic sender. */
    Sender sender();

    /** The group receiver. */
    Receiver receiver();

    /** The Server-Sent Events stream. */
    Stream stream();

    /** Per-sender statistics. */
    Sources sources();

    /**
     * Where events go: local (this process's subscribers, replay in memory) or redis (one Redis stream
     * shared by receiving gateways and SSE replicas; the server is quarkus.redis.hosts).
     */
    @WithDefault("local")
    TransportKind transport();

    /** The Redis transport (mcast.transport=redis). */
    Redis redis();

    enum TransportKind {
        LOCAL,
        REDIS
    }

    interface Redis {
        /** The Redis stream that holds the events of every channel (its writer leases and sends use it as prefix). */
        @WithDefault("mcast:events")
        String key();

        /** How long a channel's writer lease lasts unrenewed: a standby receiver takes the channel over within it. */
        @WithDefault("3s")
        Duration failover();

        /** Events waiting to be appended at most; beyond (Redis slow or gone) new events are dropped and counted. */
        @WithDefault("10000")
        int maxPending();

        /** How long to wait before connecting again after Redis failed. */
        @WithDefault("1s")
        Duration retryInterval();

        /**
         * The secret the gateways share to sign relayed publishes ({@code <key>:sends}), at least 16
         * characters; unset = this gateway neither relays publishes nor sends relayed ones.
         */
        Optional<String> secret();
    }

    interface Sources {
        /** Senders remembered per channel; beyond, the one idle longest is forgotten (counted as evicted). */
        @WithDefault("1000")
        int max();
    }

    /** Sending to a channel over HTTP ({@code POST /api/channels/<name>/messages}). */
    Publish publish();

    /** Who may watch: the stream and the data behind the page. */
    Read read();

    /** JSON Web Tokens with per-channel claims ({@code mcast.subscribe}, {@code mcast.publish}). */
    Jwt jwt();

    /** The page's session cookie ({@code POST /api/session}). */
    Session session();

    /** Failed authentications per client address. */
    Auth auth();

    /** Raw streams for media players ({@code /udp/<group>:<port>}, {@code /rtp/...}, udpxy's URLs), groups joined on demand. */
    Passthrough passthrough();

    interface Passthrough {
        /**
         * The groups players may make the gateway join, as CIDR ranges (239.255.0.0/16, ff3e::/16), separated
         * by commas; unset = /udp/ and /rtp/ are off (a configured channel's /api/channels/<name>/raw is not).
         */
        Optional<List<String>> allow();

        /** The interface groups are joined on, by name; default: the channel default's (else the first channel's). */
        @WithName("interface")
        Optional<String> networkInterface();

        /** How long a group stays joined after its last client left (a player switching back finds it still there). */
        @WithDefault("10s")
        Duration linger();

        /** Groups joined on demand at most (a configured channel's socket is shared and not counted); beyond, 503. */
        @WithDefault("16")
        int maxGroups();

        /** Raw-stream clients at most, over every group and channel; beyond, 503. */
        @WithDefault("256")
        int maxClients();

        /** Raw-stream clients at most from one client address (behind a trusted proxy: the forwarded one); beyond, 429. */
        @WithDefault("8")
        int maxPerClient();

        /** Bytes a client may have waiting to be written; beyond, whole datagrams are dropped for it and counted. */
        @WithDefault("4194304")
        int clientBuffer();

        /** A client that keeps losing datagrams (it does not read fast enough) for this long is disconnected. */
        @WithDefault("10s")
        Duration maxBehind();

        /** /rtp/: datagrams held to put RTP packets that arrive out of order back in order; 0 = none held. */
        @WithDefault("8")
        int reorderWindow();
    }

    interface Jwt {
        /** Where the RSA key that verifies tokens (RS256/384/512, PS256/384/512) is: a PEM file, a JWK set file, or an https URL of either (a JWKS endpoint); unset = JWTs are not accepted. */
        Optional<String> publicKeyLocation();

        /** The issuer ({@code iss}) a token must name; required with public-key-location. */
        Optional<String> issuer();

        /** The audience ({@code aud}) a token must name; unset = not checked. */
        Optional<String> audience();
    }

    interface Session {
        /** How long a session cookie is valid when the credential it was made from has no expiry (the static read token). */
        @WithDefault("12h")
        Duration maxAge();

        /**
         * The key that signs session cookies (at least 16 characters; replicas behind one address need the
         * same); unset = derived from the read token, or without one a random key per process.
         */
        Optional<String> secret();
    }

    interface Auth {
        /** Failed authentications a client address may make per minute; beyond, a failure is 429 with Retry-After (a right credential still passes). */
        @WithDefault("10")
        int maxFailuresPerMinute();
    }

    interface Publish {
        /** The secret a publisher presents as {@code Authorization: Bearer <token>}: publishes on every channel; with neither it nor a JWT key, publishing over HTTP is off. */
        Optional<String> token();

        /** Messages each client (by address) may publish per second, with a burst of as many. */
        @WithDefault("10")
        int rate();
    }

    interface Read {
        /** The read token ({@code Authorization: Bearer}, or the page's session cookie): watches every channel; with it or a JWT key set, the data needs a credential; health and metrics stay open. */
        Optional<String> token();
    }

    interface DefaultChannel {
        /** Serve the channel {@code default} (false: only the named channels). */
        @WithDefault("true")
        boolean enabled();
    }

    /** A named channel; every unset key but the sender's {@code enabled} takes the flat key's value. */
    interface Channel {
        /** Multicast group address (IPv4 or IPv6); required. */
        Optional<String> group();

        /** UDP port; default: mcast.port. */
        OptionalInt port();

        /** Network interface by name; default: mcast.interface. It may appear after startup: the channel waits for it. */
        @WithName("interface")
        Optional<String> networkInterface();

        /** Source address for a source-specific join (SSM); default: any source. */
        Optional<String> source();

        /** Multicast TTL of sent datagrams; default: mcast.ttl. */
        OptionalInt ttl();

        /** Receiver bind address, group or any; default: mcast.bind. */
        Optional<Bind> bind();

        /** Clock rate (Hz) of dynamic RTP payload types, for the jitter; default: mcast.rtp-clock-rate. */
        OptionalInt rtpClockRate();

        /** The silence watchdog: traffic expected at least this often; default: mcast.expect-within (off). */
        Optional<Duration> expectWithin();

        /** The channel's periodic sender. */
        ChannelSender sender();

        /** The channel's receiver. */
        ChannelReceiver receiver();
    }

    interface ChannelSender {
        /** Send periodically to this channel's group (off unless set: a watching gateway sends nothing by itself). */
        @WithDefault("false")
        boolean enabled();

        /** Period of the sender timer; default: mcast.sender.interval. */
        Optional<Duration> interval();

        /** Payload text of each periodic datagram; default: mcast.sender.message. */
        Optional<String> message();
    }

    interface ChannelReceiver {
        /** Join and receive on this channel (mcast.receiver.enabled=false turns every channel's receiver off). */
        @WithDefault("true")
        boolean enabled();
    }

    enum LogMode {
        /** One INFO line per received datagram, up to {@code log-rate} per second; beyond, a count per log-interval. */
        EACH,
        /** One INFO line per interval with the count received. */
        SUMMARY,
        /** No log line for received datagrams. */
        OFF
    }

    interface Sender {
        /** Run the periodic sender of the channel default. */
        @WithDefault("true")
        boolean enabled();

        /** Period of the sender timer. */
        @WithDefault("10s")
        Duration interval();

        /** Payload text of each periodic datagram (sent as UTF-8). */
        @WithDefault("this message send via mcast !")
        String message();

        /** text = the message as it is; json = {"seq":N,"sentAt":"...","text":"<message>"}, so receivers can count loss. */
        @WithDefault("text")
        SenderFormat format();
    }

    enum SenderFormat {
        /** The message text as it is (the seed's datagram). */
        TEXT,
        /** {@code {"seq":N,"sentAt":"<ISO-8601>","text":"<message>"}}, N counting from 1 per run. */
        JSON
    }

    interface Receiver {
        /** Join the group and receive. */
        @WithDefault("true")
        boolean enabled();

        /** Kernel receive buffer (SO_RCVBUF) of the receiving socket in bytes; Linux caps it at net.core.rmem_max. */
        @WithDefault("4194304")
        int receiveBufferSize();

        /** Logging of received datagrams: each (up to log-rate lines a second), summary (one line per log-interval) or off. */
        @WithDefault("each")
        LogMode log();

        /** With log=each: at most this many lines per second; the datagrams beyond are counted in one line per log-interval. */
        @WithDefault("100")
        int logRate();

        /** Interval of the summary log line when log=summary. */
        @WithDefault("10s")
        Duration logInterval();

        /** How long to wait before binding and joining again after an attempt failed. */
        @WithDefault("5s")
        Duration retryInterval();

        /** How often each channel's interface is checked: down or gone turns the channel not ready, up again re-joins. */
        @WithDefault("1s")
        Duration interfaceCheckInterval();

        /** How often each receiving socket's kernel counters are read from /proc/net/udp (drops, buffer). */
        @WithDefault("5s")
        Duration kernelCheckInterval();
    }

    interface Stream {
        /** How many of the latest events are kept for Last-Event-ID replay. */
        @WithDefault("1000")
        int replaySize();

        /** Events a subscriber may have queued before its oldest ones are dropped. */
        @WithDefault("1024")
        int buffer();

        /** A comment heartbeat on a stream that nothing was written to for this long (idle proxies keep it open). */
        @WithDefault("15s")
        Duration heartbeat();

        /**
         * Most SSE streams open at once; beyond, a new one gets 503 with Retry-After. Unset: the smaller of three
         * quarters of the process's open-file limit and what the heap holds (both logged at startup).
         */
        OptionalInt maxSubscribers();

        /** Most SSE streams open at once from one client address (behind a trusted proxy: the forwarded address); beyond, 429. */
        @WithDefault("64")
        int maxPerClient();

        /** Reconnection delay the stream advises clients (SSE retry field). */
        @WithDefault("2s")
        Duration retry();
    }
}
