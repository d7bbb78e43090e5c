package io.mcastgateway.bench;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one passthrough run delivered, from {@code bench/stream-clients.c}'s results: every group's sender sent
 * {@code sent} datagrams of {@code size} bytes under its own tag, each of its clients should have got them all.
 * Only the sent tags count (the warm-up's are left out), and a client that got none of a tag counts as 0;
 * datagrams of a tag that was not sent to the group (another group's) are counted apart.
 *
 * @param datagramsSent over all groups
 * @param bytesToDeliver every group's bytes sent times its clients
 * @param bytesDelivered the payload bytes of the sent tags' datagrams the clients got (no chunk framing)
 * @param worstClientPercent the fewest bytes a client got, as a share of what its group's sender sent
 * @param missing datagrams sent that a client did not get, over all clients
 * @param gaps seqs a client skipped (a datagram lost between two it got)
 * @param disorder datagrams that came again or before one sent earlier
 * @param foreign datagrams the clients of a group got that were sent to another group
 * @param seconds how long the load lasted (the slowest sender's)
 * @param cpuNanos the server process's CPU time (user and system) over the run
 */
record PassthroughFigures(long datagramsSent, long bytesToDeliver, long bytesDelivered, double worstClientPercent,
        long missing, long gaps, long disorder, long foreign, double seconds, long cpuNanos) {

    /**
     * One group's stream: its clients' path, its sender's tag and how many datagrams it sent, and the tag
     * its warm-up was sent under (not counted, not another group's either).
     */
    record Stream(String path, int tag, long sent, int warmUpTag) {
    }

    static PassthroughFigures of(JsonNode clients, List<Stream> streams, int clientsPerGroup, int size, double seconds,
            long cpuNanos) {
        long sent = 0, toDeliver = 0, delivered = 0, missing = 0, gaps = 0, disorder = 0, foreign = 0;
        double worst = streams.isEmpty() ? 0 : Double.MAX_VALUE;
        for (Stream s : streams) {
            JsonNode tags = clients.path("paths").path(s.path()).path("tags");
            JsonNode tag = tags.path(Integer.toString(s.tag()));
            for (var t : (Iterable<java.util.Map.Entry<String, JsonNode>>) tags::fields) {
                if (!t.getKey().equals(Integer.toString(s.tag())) && !t.getKey().equals(Integer.toString(s.warmUpTag()))) {
                    foreign += t.getValue().path("sum").asLong();
                }
            }
            long bytesSent = s.sent() * size;
            sent += s.sent();
            toDeliver += bytesSent * clientsPerGroup;
            delivered += tag.path("bytes").asLong();
            missing += s.sent() * clientsPerGroup - tag.path("sum").asLong();
            gaps += tag.path("gaps").asLong();
            disorder += tag.path("disorder").asLong();
            worst = Math.min(worst, bytesSent == 0 ? 100 : 100.0 * tag.path("minBytes").asLong() / bytesSent);
        }
        return new PassthroughFigures(sent, toDeliver, delivered, worst, missing, gaps, disorder, foreign, seconds,
                cpuNanos);
    }

    /** Gigabits a second delivered to the clients, over the load's seconds. */
    double gbitsPerSecond() {
        return seconds <= 0 ? 0 : bytesDelivered * 8 / 1e9 / seconds;
    }

    double cpuSeconds() {
        return cpuNanos / 1e9;
    }

    /** CPU seconds per gigabit delivered: the same figure as CPUs busy per Gbit/s. */
    double cpuSecondsPerGbit() {
        return bytesDelivered == 0 ? 0 : cpuSeconds() / (bytesDelivered * 8 / 1e9);
    }

    /** Every byte sent reached every client of its group, and nothing else. */
    boolean allDelivered() {
        return bytesDelivered == bytesToDeliver && missing == 0 && foreign == 0;
    }
}
