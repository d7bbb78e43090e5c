package io.mcastgateway.stats;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mcastgateway.channel.Addresses;
import io.netty.buffer.ByteBuf;

/**
 * The senders of one channel, at most {@code max}: beyond, the one idle longest is forgotten (and
 * counted). Recorded on the channel's receiving thread, read by the API; one lock, held briefly.
 */
public final class ChannelSources {

    private final String channel;
    private final int max;
    private final long[] parsed = new long[2];
    private long evicted;
    private final LinkedHashMap<InetSocketAddress, SourceStats> sources;

    ChannelSources(String channel, int max) {
        this.channel = channel;
        this.max = max;
        this.sources = new LinkedHashMap<>(Math.min(max, 1024) * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, SourceStats> eldest) {
                if (size() > ChannelSources.this.max) {
                    evicted++;
                    return true;
                }
                return false;
            }
        };
    }

    /**
     * Counts one datagram of {@code sender}, reading the payload in place. Returns the sender's
     * statistics, which also say how the sender is written ({@link SourceStats#text()}, formatted once
     * per sender) and the datagram's sequence number ({@link SourceStats#seq()}).
     */
    public synchronized SourceStats record(InetSocketAddress sender, ByteBuf payload, long now) {
        SourceStats s = sources.get(sender);
        if (s == null) {
            s = new SourceStats(Addresses.canonical(sender.getAddress().getHostAddress()), Addresses.socketText(sender),
                    now);
            sources.put(sender, s);
        }
        s.count(payload.readableBytes(), now);
        Sequence.Format format = Sequence.parse(payload, parsed);
        if (format != null) {
            s.sequence(format, parsed[0], parsed[1]);
        }
        return s;
    }

    /** The channel's senders now, the most recently seen last. */
    public synchronized List<SourceView> snapshot(long now) {
        List<SourceView> views = new ArrayList<>(sources.size());
        for (SourceStats s : sources.values()) {
            boolean sequenced = s.format != null;
            views.add(new SourceView(channel, s.source, s.datagrams, s.bytes, s.rate(now),
                    sequenced ? s.format.name().toLowerCase() : null, sequenced ? s.lastSeq : null,
                    sequenced ? s.lost : null, sequenced ? s.duplicated : null, sequenced ? s.reordered : null,
                    sequenced ? s.restarts : null, Instant.ofEpochMilli(s.firstSeen), Instant.ofEpochMilli(s.lastSeen)));
        }
        return views;
    }

    public synchronized long evicted() {
        return evicted;
    }

    public synchronized int size() {
        return sources.size();
    }

    public String channel() {
        return channel;
    }
}
