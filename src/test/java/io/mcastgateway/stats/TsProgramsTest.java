package io.mcastgateway.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Ts;
import io.netty.buffer.Unpooled;

/**
 * Review: a PAT of a new version replaces the programs (TR 101 290 1.5 checks the PMT PIDs "referred
 * to in the PAT", the current one): a program the encoder dropped must not stay "missing" for ever,
 * counting a PMT error, nor hold one of the 16 slots.
 */
class TsProgramsTest {

    private final ChannelSources sources = new ChannelSources("tv", 10);
    private final InetSocketAddress sender = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5000);
    private long now = 1_000_000;

    @Test
    void shouldForgetAProgramThePatNoLongerNames() {
        int cc = 0;
        for (int i = 0; i < 5; i++, cc++) { // PAT version 0: program 1 on PMT PID 0x1000
            send(Ts.pat(cc, 0x1000), Ts.pmt(0x1000, cc));
            now += 100;
        }
        for (int i = 0; i < 20; i++, cc++) { // PAT version 1: program 1 on PMT PID 0x1100 now
            byte[] pat = Ts.pat(cc, 0x1100);
            pat[10] = (byte) 0xc3; // version 1
            send(pat, Ts.pmt(0x1100, cc));
            now += 100;
        }
        TsView ts = sources.snapshot(now).get(0).ts();
        assertThat(ts.programs()).as("the programs of the current PAT").containsExactly(new TsView.Pmt(1, 0x1100, "ok"));
        assertThat(ts.pmtErrors()).as("no PMT was missing from the stream as the PAT describes it").isZero();
    }

    @Test
    void shouldNotLetPastPatVersionsTakeTheSixteenSlots() {
        int cc = 0;
        for (int v = 0; v < 17; v++, cc++) { // 17 versions, each naming one program on its own PMT PID
            byte[] pat = Ts.pat(cc, 0x1000 + v);
            pat[10] = (byte) (0xc1 | (v & 0x1f) << 1);
            send(pat, Ts.pmt(0x1000 + v, cc));
            now += 50;
        }
        TsView ts = sources.snapshot(now).get(0).ts();
        assertThat(ts.untrackedPrograms()).isZero();
        assertThat(ts.programs()).extracting(TsView.Pmt::pid).containsExactly(0x1000 + 16);
    }

    private void send(byte[]... packets) {
        sources.record(sender, Unpooled.wrappedBuffer(Ts.concat(List.of(packets))), now, 0);
    }
}
