package io.mcastgateway.passthrough;

import io.mcastgateway.stats.Sequence;
import io.netty.buffer.ByteBuf;

/**
 * {@code /rtp/}: the payloads of RTP packets (RFC 3550: header, CSRCs, extension and padding removed), in
 * sequence order within a window of {@code window} packets. A packet that arrives early is held until
 * those before it came or the window is full (then the missing ones are skipped and counted); one that
 * comes after its turn (late, or a duplicate) is dropped and counted. A new SSRC, or a jump of more than
 * {@link #RESTART} in the sequence, is a restarted sender: what is held goes out and the count starts
 * over. A datagram that is not RTP (as {@link Sequence} reads RTP headers: version 2, at least 12 bytes,
 * not an RTCP packet type) passes unchanged; an RTP packet whose header's lengths do not fit it is dropped.
 * <p>
 * Not thread-safe: the receiving thread of one group owns it. Held packets are copied into buffers made
 * once and reused; nothing is allocated per packet once they are as large as the largest packet.
 */
final class RtpReorder {

    /** A sequence jump (either way) beyond which the sender is taken to have restarted. */
    static final int RESTART = 3000;

    private final int window;
    /** What {@link Sequence#parse} read of the packet at hand. */
    private final long[] header = new long[Sequence.FIELDS];
    private final byte[][] held;
    private final int[] heldLength;
    private final boolean[] present;
    private int heldCount;
    private boolean started;
    private int next; // the sequence number whose payload goes out next
    private long nextCount; // how many sequence numbers were due before it: slots go by it, across the 16-bit wrap
    private long ssrc;
    private long skipped;
    private long late;
    private long notRtp;

    RtpReorder(int window) {
        this.window = window;
        this.held = new byte[Math.max(1, window)][];
        this.heldLength = new int[Math.max(1, window)];
        this.present = new boolean[Math.max(1, window)];
    }

    /** Appends to {@code out} the payloads that are due now; returns how many. */
    int accept(ByteBuf packet, ByteBuf out) {
        int at = packet.readerIndex();
        if (Sequence.parse(packet, header) != Sequence.Format.RTP) {
            notRtp++;
            out.writeBytes(packet, at, packet.readableBytes());
            return 1;
        }
        if (header[4] < 0) {
            notRtp++; // its header's lengths do not fit the datagram: no payload to take
            return 0;
        }
        int payloadOffset = (int) header[4];
        int payloadLength = (int) header[5];
        int seq = (int) header[0];
        long packetSsrc = header[1];
        if (window == 0) {
            out.writeBytes(packet, at + payloadOffset, payloadLength);
            return 1;
        }
        int emitted = 0;
        int ahead = started ? (short) (seq - next) : 0;
        if (!started || packetSsrc != ssrc || ahead > RESTART || ahead < -RESTART) {
            emitted += flush(out);
            started = true;
            ssrc = packetSsrc;
            next = seq;
            ahead = 0;
        }
        if (ahead < 0) {
            late++; // its turn is over: a duplicate, or too late to be put back in order
            return emitted;
        }
        if (ahead == 0) {
            out.writeBytes(packet, at + payloadOffset, payloadLength);
            advance();
            return emitted + 1 + release(out);
        }
        if (ahead >= window) {
            // the window is full: the missing packets before those held are given up on, in order
            while ((short) (seq - next) >= window) {
                emitted += skipOne(out);
            }
            if (seq == next) {
                out.writeBytes(packet, at + payloadOffset, payloadLength);
                advance();
                return emitted + 1 + release(out);
            }
        }
        int slot = (int) ((nextCount + (short) (seq - next)) % window);
        if (present[slot]) {
            late++; // a duplicate of one held
            return emitted;
        }
        if (held[slot] == null || held[slot].length < payloadLength) {
            held[slot] = new byte[Math.max(payloadLength, 1500)];
        }
        packet.getBytes(at + payloadOffset, held[slot], 0, payloadLength);
        heldLength[slot] = payloadLength;
        present[slot] = true;
        heldCount++;
        return emitted;
    }

    /** Gives up on the packet due ({@code next}): written if held, else counted as skipped; then what follows it. */
    private int skipOne(ByteBuf out) {
        int slot = (int) (nextCount % window);
        int emitted = 0;
        if (present[slot]) {
            out.writeBytes(held[slot], 0, heldLength[slot]);
            present[slot] = false;
            heldCount--;
            emitted++;
        } else {
            skipped++;
        }
        advance();
        return emitted + release(out);
    }

    /** Writes the held packets that are due now, in order. */
    private int release(ByteBuf out) {
        int emitted = 0;
        while (heldCount > 0) {
            int slot = (int) (nextCount % window);
            if (!present[slot]) {
                break;
            }
            out.writeBytes(held[slot], 0, heldLength[slot]);
            present[slot] = false;
            heldCount--;
            advance();
            emitted++;
        }
        return emitted;
    }

    private void advance() {
        next = (next + 1) & 0xffff;
        nextCount++;
    }

    /** Writes everything held, in sequence order, skipping what is missing between them. */
    private int flush(ByteBuf out) {
        int emitted = 0;
        while (heldCount > 0) {
            emitted += skipOne(out);
        }
        return emitted;
    }

    /** Packets given up on because the window filled before they came. */
    long skipped() {
        return skipped;
    }

    /** Packets dropped because they came after their turn (late or duplicated). */
    long late() {
        return late;
    }

    /** Datagrams that were not RTP (passed unchanged). */
    long notRtp() {
        return notRtp;
    }
}
