package io.mcastgateway.passthrough;

import java.util.List;

import io.mcastgateway.multicast.KernelWatch;
import io.mcastgateway.stats.SourceView;

/**
 * {@code GET /api/passthrough}: the raw streams for players, their groups and clients.
 *
 * @param joinsOnDemand whether {@code /udp/} and {@code /rtp/} are on ({@code mcast.passthrough.allow} is set)
 * @param allow the group ranges players may make the gateway join
 * @param interfaceName where groups are joined
 * @param joinedGroups groups joined for players now (lingering ones too; not the channels' sockets)
 * @param clients raw-stream clients now, over every group
 * @param rejected requests refused for a limit (max-groups, max-clients) since start
 */
public record PassthroughInfo(boolean joinsOnDemand, List<String> allow, String interfaceName, int maxGroups,
        int maxClients, long lingerMillis, int joinedGroups, int clients, long rejected, List<GroupInfo> groups) {

    /**
     * One group with players, or one lingering after its last left.
     *
     * @param target as in the URL: [source@]group:port
     * @param channel the configured channel whose socket it shares, or null (joined for players)
     * @param state joining, joined, waiting (interface down), failed, lingering (no client; leaves at lingerUntil)
     * @param received datagrams the group's socket received (a channel's: the channel's count)
     * @param sent payload bytes written to clients
     * @param dropped datagrams dropped for clients that did not keep up, over all of them
     * @param rtpSkipped /rtp/: packets given up on (missing when the reorder window filled)
     * @param rtpLate /rtp/: packets dropped because they came after their turn
     * @param kernel what the kernel says of the group's socket (its drops, the buffer granted), as /api/channels has it
     * @param sources the senders with their integrity figures (loss, MPEG-TS checks, jitter), as /api/sources has them
     */
    public record GroupInfo(String target, String channel, String state, String since, String lingerUntil,
            long received, long sent, long dropped, long rtpSkipped, long rtpLate, KernelWatch.KernelView kernel,
            List<SourceView> sources, List<ClientInfo> clients) {
    }

    /**
     * One client.
     *
     * @param kind udp (payloads as they are) or rtp (RTP payloads in order)
     * @param bytes payload bytes written to it
     * @param datagrams datagrams written to it
     * @param dropped datagrams dropped for it (it did not read fast enough)
     * @param behind whether it is losing datagrams now
     */
    public record ClientInfo(String address, String path, String kind, String since, long bytes, long datagrams,
            long dropped, long droppedBytes, boolean behind) {
    }
}
