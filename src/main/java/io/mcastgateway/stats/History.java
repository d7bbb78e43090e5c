package io.mcastgateway.stats;

import java.time.Instant;

/**
 * A sender's last five minutes in 5-second steps, oldest first: what a chart draws when it opens
 * (the page then goes on with its own samples). Only complete steps; the one under way is not in it.
 *
 * @param stepSeconds the length of a step
 * @param end when the last step ended (the start of the step under way)
 * @param bitrate payload bits per second in each step
 * @param errors errors counted in each step: lost datagrams and MPEG-TS errors (continuity, sync byte, PAT, PMT)
 */
public record History(int stepSeconds, Instant end, double[] bitrate, long[] errors) {
}
