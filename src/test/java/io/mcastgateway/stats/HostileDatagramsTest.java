package io.mcastgateway.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Ts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Review: what a hostile sender on the group can make of the analysers on the receive path
 * ({@link ChannelSources#record} runs for every datagram, before it is published). Every datagram is
 * given as a buffer whose capacity ends where the datagram does (a read past it throws) and, once
 * more, behind a prefix the reader index skips (a read before it would go unnoticed otherwise, so
 * the prefix is 0x47 bytes: a read there would change the figures, which the test compares).
 */
class HostileDatagramsTest {

    private final InetSocketAddress hostile = new InetSocketAddress(InetAddress.getLoopbackAddress(), 6666);

    @Test
    void shouldSurviveMalformedRtpHeaders() {
        List<byte[]> datagrams = new ArrayList<>();
        byte[] ts = Ts.concat(List.of(Ts.pat(0, 4096), Ts.pmt(4096, 0), Ts.packet(256, 0)));
        for (int first : new int[] { 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xaf, 0xb0, 0xbf }) { // CSRC count, X, P
            for (int size : new int[] { 12, 13, 15, 16, 17, 20, 72, 75, 76, 12 + 188, 12 + 3 * 188, 16 + 3 * 188,
                    72 + 3 * 188 }) {
                for (int fill : new int[] { 0x00, 0xff, 0x47 }) {
                    byte[] d = new byte[size];
                    java.util.Arrays.fill(d, (byte) fill);
                    if (size >= 12 + ts.length) {
                        System.arraycopy(ts, 0, d, size - ts.length, ts.length);
                    }
                    d[0] = (byte) first;
                    d[1] = 33; // MP2T
                    datagrams.add(d);
                }
            }
        }
        // padding count beyond the payload, extension length beyond the datagram
        byte[] padded = new byte[12 + 188];
        padded[0] = (byte) 0xa0;
        padded[1] = 33;
        padded[padded.length - 1] = (byte) 0xff;
        datagrams.add(padded);
        byte[] extension = new byte[12 + 4 + 188];
        extension[0] = (byte) 0x90;
        extension[1] = 33;
        extension[14] = (byte) 0xff;
        extension[15] = (byte) 0xff;
        datagrams.add(extension);
        recordAll(datagrams);
    }

    @Test
    void shouldSurviveMalformedTsPackets() {
        List<byte[]> datagrams = new ArrayList<>();
        for (int pid : new int[] { 0, 4096, 256, Ts.NULL_PID }) {
            for (int afc : new int[] { 0x10, 0x20, 0x30 }) {
                for (int afl : new int[] { 0, 1, 182, 183, 184, 185, 186, 187, 255 }) {
                    for (int pointer : new int[] { 0, 1, 178, 179, 180, 181, 182, 183, 255 }) {
                        byte[] p = Ts.packet(pid, 0, true, true, false);
                        p[3] = (byte) afc;
                        p[4] = (byte) afl;
                        int at = 5 + afl;
                        if (at < 188) {
                            p[at] = (byte) pointer;
                        }
                        // a section_length of 4095 and the table id of the PAT where the section starts
                        if ((afc & 0x20) == 0) {
                            p[4] = (byte) pointer;
                            int s = 5 + pointer;
                            if (s < 188) {
                                p[s] = 0;
                            }
                            if (s + 2 < 188) {
                                p[s + 1] = (byte) 0xbf;
                                p[s + 2] = (byte) 0xff;
                            }
                        }
                        datagrams.add(p);
                    }
                }
            }
        }
        // a PAT naming as many programs as fit one packet, each with its own PMT PID
        byte[] pat = Ts.packet(0, 0, true, true, false);
        pat[4] = 0;
        int n = (188 - 5 - 8 - 4) / 4;
        int sectionLength = 5 + 4 * n + 4;
        byte[] head = { 0x00, (byte) (0xb0 | sectionLength >> 8), (byte) sectionLength, 0, 1, (byte) 0xc1, 0, 0 };
        System.arraycopy(head, 0, pat, 5, head.length);
        for (int k = 0; k < n; k++) {
            int e = 13 + 4 * k;
            pat[e] = (byte) ((k + 1) >> 8);
            pat[e + 1] = (byte) (k + 1);
            pat[e + 2] = (byte) (0xe0 | (0x100 + k) >> 8);
            pat[e + 3] = (byte) (0x100 + k);
        }
        datagrams.add(pat);
        List<byte[]> asDatagrams = new ArrayList<>();
        for (int i = 0; i < datagrams.size(); i += 7) {
            asDatagrams.add(Ts.concat(datagrams.subList(i, Math.min(datagrams.size(), i + 7))));
        }
        recordAll(asDatagrams);
    }

    @Test
    void shouldSurviveRandomDatagramsAndEveryPid() {
        SplittableRandom random = new SplittableRandom(42);
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            int packets = 1 + random.nextInt(7);
            byte[] d = new byte[random.nextInt(4) == 0 ? random.nextInt(1500) : 188 * packets + (random.nextBoolean() ? 12 : 0)];
            for (int k = 0; k < d.length; k++) {
                d[k] = (byte) random.nextInt(256);
            }
            int base = d.length % 188 == 12 ? 12 : 0;
            if (base == 12) {
                d[0] = (byte) (0x80 | random.nextInt(0x40));
                d[1] = 33;
            }
            for (int p = base; p + 188 <= d.length; p += 188) {
                d[p] = 0x47;
            }
            datagrams.add(d);
        }
        // all 8192 PIDs
        for (int pid = 0; pid < 8192; pid += 7) {
            List<byte[]> seven = new ArrayList<>();
            for (int k = 0; k < 7 && pid + k < 8192; k++) {
                seven.add(Ts.packet(pid + k, k));
            }
            datagrams.add(Ts.concat(seven));
        }
        recordAll(datagrams);
    }

    /** Records every datagram in an exact-capacity buffer and behind a skipped prefix: no exception, same figures. */
    private void recordAll(List<byte[]> datagrams) {
        ChannelSources exact = new ChannelSources("tv", 10);
        ChannelSources prefixed = new ChannelSources("tv", 10);
        long now = 1_000_000;
        for (byte[] d : datagrams) {
            now += 3;
            long at = now;
            ByteBuf plain = Unpooled.wrappedBuffer(d).slice(); // capacity == the datagram
            assertThatCode(() -> exact.record(hostile, plain, at, at * 1_000_000)).as(describe(d))
                    .doesNotThrowAnyException();
            byte[] behind = new byte[200 + d.length];
            java.util.Arrays.fill(behind, 0, 200, (byte) 0x47);
            System.arraycopy(d, 0, behind, 200, d.length);
            ByteBuf skipped = Unpooled.wrappedBuffer(behind).readerIndex(200);
            assertThatCode(() -> prefixed.record(hostile, skipped, at, at * 1_000_000)).as(describe(d))
                    .doesNotThrowAnyException();
        }
        assertThat(prefixed.snapshot(now)).usingRecursiveComparison().isEqualTo(exact.snapshot(now));
        assertThat(prefixed.health()).isEqualTo(exact.health());
        assertThat(prefixed.maxJitterMs()).isEqualTo(exact.maxJitterMs());
        assertThat(exact.source(exact.snapshot(now).get(0).source(), now)).isNotNull();
    }

    private static String describe(byte[] d) {
        StringBuilder s = new StringBuilder(d.length + " bytes:");
        for (int i = 0; i < Math.min(16, d.length); i++) {
            s.append(String.format(" %02x", d[i]));
        }
        return s.toString();
    }
}
