package io.mcastgateway.passthrough;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Ts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

class TsStartTest {

    private static final int PMT_PID = 0x1000;
    private static final int VIDEO = 0x100;
    private static final int AUDIO = 0x101;

    /** A PMT on {@code pid}: the given streams, as (stream type, PID) pairs. */
    private static byte[] pmt(int pid, int cc, int... streams) {
        byte[] p = Ts.packet(pid, cc, true, true, false);
        p[4] = 0; // pointer field
        int length = 9 + 5 * (streams.length / 2) + 4;
        byte[] head = { 0x02, (byte) (0xb0 | length >> 8), (byte) length, 0x00, 0x01, (byte) 0xc1, 0x00, 0x00,
                (byte) (0xe0 | VIDEO >> 8), (byte) VIDEO, (byte) 0xf0, 0x00 };
        System.arraycopy(head, 0, p, 5, head.length);
        int at = 5 + head.length;
        for (int i = 0; i < streams.length; i += 2) {
            p[at] = (byte) streams[i];
            p[at + 1] = (byte) (0xe0 | streams[i + 1] >> 8);
            p[at + 2] = (byte) streams[i + 1];
            p[at + 3] = (byte) 0xf0;
            p[at + 4] = 0;
            at += 5;
        }
        return p;
    }

    /** A packet that starts a key frame: adaptation field with random_access_indicator. */
    private static byte[] randomAccess(int pid, int cc) {
        byte[] p = Ts.packet(pid, cc, true, true, true);
        p[5] = 0x40;
        return p;
    }

    private static ByteBuf datagram(byte[]... packets) {
        return Unpooled.wrappedBuffer(Ts.concat(List.of(packets)));
    }

    @Test
    void shouldStartAtAVideoKeyFrameAfterTheTables() {
        TsStart start = new TsStart();
        byte[] pat = Ts.pat(0, PMT_PID);
        byte[] pmt = pmt(PMT_PID, 0, 0x02, VIDEO, 0x03, AUDIO);
        ByteBuf d = datagram(pat, pmt, randomAccess(AUDIO, 0), Ts.packet(VIDEO, 0), randomAccess(VIDEO, 1),
                Ts.packet(VIDEO, 2), Ts.packet(AUDIO, 1));
        start.observe(d, 0, d.readableBytes());
        assertThat(start.tables()).isEqualTo(Ts.concat(List.of(pat, pmt)));
        assertThat(start.randomAccess(d, 0, d.readableBytes())).as("the video's, not the audio's").isEqualTo(4 * 188);
        ByteBuf none = datagram(Ts.packet(VIDEO, 3), randomAccess(AUDIO, 2));
        assertThat(start.randomAccess(none, 0, none.readableBytes())).isEqualTo(-1);
    }

    @Test
    void shouldStartAtAnyRandomAccessPointWithoutVideo() {
        TsStart start = new TsStart();
        ByteBuf d = datagram(Ts.pat(0, PMT_PID), pmt(PMT_PID, 0, 0x03, AUDIO), Ts.packet(AUDIO, 0), randomAccess(AUDIO, 1));
        start.observe(d, 0, d.readableBytes());
        assertThat(start.randomAccess(d, 0, d.readableBytes())).as("a radio programme").isEqualTo(3 * 188);
    }

    @Test
    void shouldKeepTheLatestTablesAndForgetPmtsOfAnotherPat() {
        TsStart start = new TsStart();
        ByteBuf first = datagram(Ts.pat(0, PMT_PID), pmt(PMT_PID, 0, 0x02, VIDEO));
        start.observe(first, 0, first.readableBytes());
        assertThat(start.tables()).hasSize(2 * 188);
        ByteBuf repeat = datagram(Ts.pat(1, PMT_PID), pmt(PMT_PID, 1, 0x02, VIDEO));
        start.observe(repeat, 0, repeat.readableBytes());
        assertThat(start.tables()[3] & 0x0f).as("a repeat (another counter) changes nothing").isZero();
        ByteBuf other = datagram(Ts.pat(2, 0x1100));
        start.observe(other, 0, other.readableBytes());
        assertThat(start.tables()).as("a new programme map: its PMT is not here yet").hasSize(188);
        ByteBuf pmt = datagram(pmt(0x1100, 0, 0x1b, 0x200), randomAccess(VIDEO, 0), randomAccess(0x200, 0));
        start.observe(pmt, 0, pmt.readableBytes());
        assertThat(start.tables()).hasSize(2 * 188);
        assertThat(start.randomAccess(pmt, 0, pmt.readableBytes())).as("H.264 on 0x200 now").isEqualTo(2 * 188);
    }
}
