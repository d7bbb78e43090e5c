package io.mcastgateway.transport;

import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.transport.WriterLeases.Lease;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * What gateways do for the channels they do not receive: a publish goes into the stream
 * {@code <key>:sends}, signed with {@code mcast.redis.secret}, and the channel's writer sends it to the
 * group once the signature, its time and its novelty check out; and each writer shares the senders
 * it counts ({@code <key>:sources:<channel>}) for the replicas' {@code /api/sources}.
 * <p>
 * <b>Threads.</b> {@link #relay} and {@link #sharedSources} run on the caller's thread and touch no
 * state; the rest (what the reader delivers, sharing, the sender to send with) on the
 * {@link RedisLink#context()}.
 */
final class RelayedSends {

    private static final Logger LOG = Logger.getLogger(RelayedSends.class);
    private static final int SENDS_RETAINED = 1000;

    private final RedisLink link;
    private final WriterLeases leases;
    /** Signs relayed sends and checks them; null without mcast.redis.secret (no relaying either way). */
    private final RelaySignature signature;
    private final Function<String, String> sources;
    /** Relayed sends not sent. */
    private final PassedOver refused = new PassedOver("Refused relayed send", "transport.refusedSends");
    private BiFunction<String, byte[], Future<Void>> sender;

    /**
     * @param sources a channel's senders as JSON (what {@code /api/sources} shows of it), or null
     */
    RelayedSends(RedisLink link, WriterLeases leases, RelaySignature signature, Function<String, String> sources) {
        this.link = link;
        this.leases = leases;
        this.signature = signature;
        this.sources = sources;
    }

    /** Whether this gateway signs and checks relayed sends (mcast.redis.secret is set). */
    boolean signs() {
        return signature != null;
    }

    /** Hands a datagram to the channel's current writer; fails when nobody writes the channel. */
    Future<Void> relay(String channel, byte[] payload) {
        if (signature == null) {
            return Future.failedFuture("this gateway does not receive channel " + channel + " and cannot relay a publish to"
                    + " the one that does: mcast.redis.secret is not set");
        }
        return link.redis.send(Request.cmd(Command.GET).arg(link.writerKey(channel))).compose(owner -> {
            if (owner == null) {
                return Future.failedFuture("no gateway receives channel " + channel + " now (its writer lease in Redis is free)");
            }
            long at = System.currentTimeMillis();
            return link.redis.send(Request.cmd(Command.XADD).arg(link.sendsKey).arg("MAXLEN").arg("~").arg(SENDS_RETAINED)
                    .arg("*").arg(Entries.CHANNEL).arg(channel).arg(Entries.PAYLOAD).arg(Buffer.buffer(payload))
                    .arg(Entries.SENT_AT).arg(at).arg(Entries.SIGNATURE).arg(signature.sign(channel, at, payload)))
                    .mapEmpty();
        });
    }

    Future<String> sharedSources(String channel) {
        return link.redis.send(Request.cmd(Command.GET).arg(link.sourcesKey(channel))).map(r -> r == null ? null : r.toString());
    }

    /** The senders of a channel this gateway writes, for the replicas, kept for three failover times. */
    void share(String channel) {
        String shared = sources.apply(channel);
        if (shared != null) {
            link.redis.send(Request.cmd(Command.SET).arg(link.sourcesKey(channel)).arg(shared).arg("PX")
                    .arg(leases.failoverMillis() * 3));
        }
    }

    /** Who sends what others relay here. */
    void sendWith(BiFunction<String, byte[], Future<Void>> sender) {
        this.sender = sender;
    }

    /** An entry of the sends stream; sent when this gateway writes its channel and it checks out. */
    void received(Response entry) {
        Map<String, Response> fields = Entries.fields(entry.get(1));
        Response channel = fields.get(Entries.CHANNEL);
        Response payload = fields.get(Entries.PAYLOAD);
        if (channel == null || payload == null) {
            refused.add(entry.get(0).toString(), link.sendsKey, "no " + Entries.CHANNEL + " or " + Entries.PAYLOAD + " field");
            return;
        }
        String name = channel.toString();
        Lease lease = leases.of(name);
        if (lease == null || !lease.held() || sender == null) {
            return; // another gateway's to send
        }
        byte[] bytes = payload.toBytes();
        String refusal = signature == null ? "this gateway has no mcast.redis.secret to check it with"
                : bytes.length > ChannelSpec.MAX_PAYLOAD ? "a payload of " + bytes.length + " bytes"
                : signature.refuse(name, Entries.text(fields.get(Entries.SENT_AT)), bytes,
                        Entries.text(fields.get(Entries.SIGNATURE)), System.currentTimeMillis());
        if (refusal != null) {
            refused.add(entry.get(0).toString(), link.sendsKey, refusal);
            return;
        }
        sender.apply(name, bytes).onFailure(e -> LOG.warnf("Channel %s: a relayed send failed: %s", name, e.getMessage()));
    }

    long refused() {
        return refused.count();
    }
}
