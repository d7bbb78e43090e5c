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
    private final int rtpClockRate;
    private final long[] parsed = new long[Sequence.FIELDS];
    private long evicted;
    private final Totals totals = new Totals();
    private long lastSeen;
    private final LinkedHashMap<InetSocketAddress, SourceStats> sources;

    /**
     * The channel's totals over all its senders, also of those forgotten since (what metrics count):
     * written with the owner's lock held.
     */
    static final class Totals {
        long tsPackets;
        long syncLosses;
        long syncByteErrors;
        long continuityErrors;
        long patErrors;
        long pmtErrors;
    }

    /** The channel's MPEG-TS totals as metrics read them. */
    public record Health(long tsPackets, long syncLosses, long syncByteErrors, long continuityErrors, long patErrors,
            long pmtErrors) {
    }

    ChannelSources(String channel, int max) {
        this(channel, max, 90_000);
    }

    /** {@code rtpClockRate}: the clock of RTP payload types without a static rate (dynamic ones). */
    ChannelSources(String channel, int max, int rtpClockRate) {
        this.channel = channel;
        this.max = max;
        this.rtpClockRate = rtpClockRate;
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
    public SourceStats record(InetSocketAddress sender, ByteBuf payload, long now) {
        return record(sender, payload, now, NOW);
    }

    /** Read the clock when the arrival time is needed (RTP only). */
    private static final long NOW = Long.MIN_VALUE;

    /** {@link #record(InetSocketAddress, ByteBuf, long)} arrived at {@code arrivalNanos} ({@link System#nanoTime()}). */
    public synchronized SourceStats record(InetSocketAddress sender, ByteBuf payload, long now, long arrivalNanos) {
        SourceStats s = sources.get(sender);
        if (s == null) {
            s = new SourceStats(Addresses.canonical(sender.getAddress().getHostAddress()), Addresses.socketText(sender),
                    now);
            sources.put(sender, s);
        }
        int size = payload.readableBytes();
        s.count(size, now);
        lastSeen = now;
        Sequence.Format format = Sequence.parse(payload, parsed);
        int tsAt = payload.readerIndex();
        int tsLength = size;
        if (format != null) {
            s.sequence(format, parsed[0], parsed[1]);
            if (format == Sequence.Format.RTP) {
                int payloadType = (int) parsed[3];
                s.rtpTimestamp(parsed[2], arrivalNanos == NOW ? System.nanoTime() : arrivalNanos,
                        RtpClock.rate(payloadType, rtpClockRate));
                tsAt += (int) parsed[4];
                tsLength = payloadType == MP2T && parsed[4] >= 0 ? (int) parsed[5] : 0;
            }
        }
        if (s.ts != null ? TsAnalyser.fits(tsLength) : TsAnalyser.isTs(payload, tsAt, tsLength)) {
            if (s.ts == null) {
                s.ts = new TsAnalyser(now, totals);
            }
            s.ts.packets(payload, tsAt, tsLength, now);
        }
        return s;
    }

    /** RTP's payload type for MPEG-TS (RFC 3551, MP2T). */
    private static final int MP2T = 33;

    /** The channel's senders now, the most recently seen last. */
    public List<SourceView> snapshot(long now) {
        return snapshot(now, false);
    }

    /** {@link #snapshot(long)}, with each sender's last five minutes when {@code withHistory}. */
    public synchronized List<SourceView> snapshot(long now, boolean withHistory) {
        List<SourceView> views = new ArrayList<>(sources.size());
        for (SourceStats s : sources.values()) {
            views.add(view(s, now, false, withHistory));
        }
        return views;
    }

    /** One sender, with its PID table when it sends MPEG-TS; null when it is not (or no longer) known. */
    public synchronized SourceView source(String source, long now) {
        for (SourceStats s : sources.values()) {
            if (s.source.equals(source)) {
                return view(s, now, true, true);
            }
        }
        return null;
    }

    private SourceView view(SourceStats s, long now, boolean withPids, boolean withHistory) {
        boolean sequenced = s.format != null;
        double jitterMs = s.jitterMs();
        boolean rtp = s.jitter != null && s.format == Sequence.Format.RTP;
        return new SourceView(channel, s.source, s.datagrams, s.bytes, s.rate(now),
                sequenced ? s.format.name().toLowerCase() : null, sequenced ? s.lastSeq : null,
                sequenced ? s.lost : null, sequenced ? s.duplicated : null, sequenced ? s.reordered : null,
                sequenced ? s.restarts : null, s.bitrate(now), Double.isNaN(jitterMs) ? null : round3(jitterMs),
                rtp ? s.jitter.rate() : null, s.ts == null ? null : s.ts.view(now, withPids),
                Instant.ofEpochMilli(s.firstSeen), Instant.ofEpochMilli(s.lastSeen), withHistory ? s.history(now) : null);
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** The channel's MPEG-TS totals (metrics, on a scrape): a copy, nothing iterated. */
    public synchronized Health health() {
        return new Health(totals.tsPackets, totals.syncLosses, totals.syncByteErrors, totals.continuityErrors,
                totals.patErrors, totals.pmtErrors);
    }

    /** The largest RTP jitter among the channel's senders now, in milliseconds; 0 without any (metrics). */
    public synchronized double maxJitterMs() {
        double max = 0;
        for (SourceStats s : sources.values()) {
            double j = s.jitterMs();
            if (!Double.isNaN(j)) {
                max = Math.max(max, j);
            }
        }
        return max;
    }

    /** When the channel's latest datagram arrived (epoch millis), 0 = none yet. */
    public synchronized long lastSeen() {
        return lastSeen;
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
