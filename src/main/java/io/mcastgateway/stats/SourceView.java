package io.mcastgateway.stats;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One sender of one channel as the API shows it. The sequence figures are null for a sender whose
 * datagrams carry no sequence number (neither the gateway's JSON format nor RTP).
 *
 * @param source the sender, ip:port
 * @param ratePerSecond datagrams per second over the last complete seconds (up to 4)
 * @param format json or rtp, or null
 * @param lastSeq the latest sequence number as sent (RTP: 0-65535)
 * @param lost numbers skipped and not (yet) arrived late
 * @param duplicated datagrams whose number had already arrived
 * @param reordered datagrams that arrived after a higher number
 * @param restarts times the sender started its sequence over (not counted as loss)
 * @param bitrate payload bits per second over the last complete seconds (up to 4)
 * @param jitterMs RTP only: the interarrival jitter (RFC 3550) in milliseconds, else null
 * @param rtpClockRate RTP only: the timestamp clock the jitter is measured in (Hz), else null
 * @param ts MPEG-TS only (bare, or RTP payload type 33): the TR 101 290 priority 1 checks, else null
 * @param history the last five minutes in 5-second steps (only when asked for: {@code ?history=true}, and
 *        for one sender)
 */
public record SourceView(String channel, String source, long datagrams, long bytes, double ratePerSecond,
        String format, Long lastSeq, Long lost, Long duplicated, Long reordered, Long restarts, double bitrate,
        Double jitterMs, Integer rtpClockRate, TsView ts, Instant firstSeen, Instant lastSeen,
        @JsonInclude(JsonInclude.Include.NON_NULL) History history) {
}
