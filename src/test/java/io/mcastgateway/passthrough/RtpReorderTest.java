package io.mcastgateway.passthrough;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Rtp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

class RtpReorderTest {

    private final ByteBuf out = Unpooled.buffer();

    private String feed(RtpReorder reorder, long ssrc, int... seqs) {
        for (int seq : seqs) {
            reorder.accept(Unpooled.wrappedBuffer(Rtp.packet(33, seq & 0xffff, seq * 3600L, ssrc, ("[" + seq + "]").getBytes())), out);
        }
        String text = out.toString(StandardCharsets.US_ASCII);
        out.clear();
        return text;
    }

    @Test
    void shouldPutPacketsBackInOrderWithinTheWindow() {
        RtpReorder reorder = new RtpReorder(4);
        assertThat(feed(reorder, 1, 10, 12, 11, 13, 15, 14)).isEqualTo("[10][11][12][13][14][15]");
        assertThat(reorder.skipped()).isZero();
    }

    @Test
    void shouldGiveUpOnAPacketOnceTheWindowIsFull() {
        RtpReorder reorder = new RtpReorder(3);
        assertThat(feed(reorder, 1, 10, 12, 13)).as("11 may still come").isEqualTo("[10]");
        assertThat(feed(reorder, 1, 14)).as("the window is full: 11 is given up").isEqualTo("[12][13][14]");
        assertThat(reorder.skipped()).isEqualTo(1);
        assertThat(feed(reorder, 1, 11)).as("too late now").isEmpty();
        assertThat(reorder.late()).isEqualTo(1);
    }

    @Test
    void shouldDropDuplicatesAndCrossTheSequenceWrap() {
        RtpReorder reorder = new RtpReorder(5);
        assertThat(feed(reorder, 1, 65534, 65535, 65535, 1, 0, 2)).isEqualTo("[65534][65535][0][1][2]");
        assertThat(reorder.late()).isEqualTo(1);
    }

    @Test
    void shouldStartOverForANewSenderOrAFarJump() {
        RtpReorder reorder = new RtpReorder(4);
        assertThat(feed(reorder, 1, 100, 102)).isEqualTo("[100]");
        assertThat(feed(reorder, 2, 7, 8)).as("a new SSRC: what was held goes first").isEqualTo("[102][7][8]");
        assertThat(feed(reorder, 2, 30000, 30001)).as("a jump: a restart").isEqualTo("[30000][30001]");
    }

    @Test
    void shouldStripCsrcsExtensionAndPaddingAndPassWhatIsNotRtp() {
        RtpReorder reorder = new RtpReorder(0);
        byte[] packet = { (byte) 0xb1, 33, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, // V=2 P X=1 CC=1
                9, 9, 9, 9, // CSRC
                0, 0, 0, 1, 7, 7, 7, 7, // extension: one word
                'o', 'k', 0, 2 }; // payload, then 2 bytes of padding (the last says 2)
        reorder.accept(Unpooled.wrappedBuffer(packet), out);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("ok");
        out.clear();
        reorder.accept(Unpooled.wrappedBuffer("plain text".getBytes()), out);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("plain text");
        assertThat(reorder.notRtp()).isEqualTo(1);
        out.clear();
        byte[] cut = { (byte) 0x8f, 33, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 9, 9 }; // 15 CSRCs announced, none there
        assertThat(reorder.accept(Unpooled.wrappedBuffer(cut), out)).as("a header longer than its packet").isZero();
        assertThat(out.readableBytes()).isZero();
        assertThat(reorder.notRtp()).isEqualTo(2);
    }
}
