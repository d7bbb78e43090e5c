package io.mcastgateway.stats;

import java.util.List;

/**
 * The senders of one channel as the API shows them ({@code GET /api/sources}); with the Redis
 * transport, also what the channel's writer shares with the SSE replicas.
 *
 * @param channel the channel
 * @param evicted senders forgotten because more than mcast.sources.max were seen (the one idle longest goes)
 * @param sources its senders, the most recently seen last
 */
public record ChannelSourcesView(String channel, long evicted, List<SourceView> sources) {

    /** What the API shows of a channel whose senders nobody counts now (no gateway receives it). */
    public static ChannelSourcesView none(String channel) {
        return new ChannelSourcesView(channel, 0, List.of());
    }
}
