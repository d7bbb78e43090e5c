package io.mcastgateway.hub;

import java.util.List;

/**
 * Where the events of this process go, and how that is going.
 *
 * @param kind {@code local} or {@code redis}
 * @param problem why the transport is not working now (Redis unreachable), null when it is
 * @param appended events this process appended to the shared stream
 * @param dropped received events lost because the transport could not take them (Redis slow or
 *        unreachable: the bounded queue was full or the append failed)
 * @param standby received events not appended because another gateway holds the channel's writer lease
 * @param writing channels this process appends (holds the writer lease of)
 * @param standingBy channels this process receives while another gateway writes them
 * @param retained events retained for replay (the ring, or the Redis stream's length)
 * @param skipped entries of the shared stream that are not events a gateway wrote (malformed, or data
 *        that is not one line of JSON), skipped
 * @param refusedSends relayed sends this writer did not send: unsigned, a signature that does not verify
 *        with mcast.redis.secret, too old, or a replay
 */
public record TransportInfo(String kind, String problem, long appended, long dropped, long standby,
        List<String> writing, List<String> standingBy, long retained, long skipped, long refusedSends) {

    public static TransportInfo local(long retained) {
        return new TransportInfo("local", null, 0, 0, 0, List.of(), List.of(), retained, 0, 0);
    }
}
