package io.mcastgateway.stats;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.Rtp;
import io.mcastgateway.support.StreamHealth;
import io.mcastgateway.support.Tools;
import io.mcastgateway.support.Ts;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * A real MPEG-TS stream (Debian's ffmpeg: MPEG-2 video, MP2 audio) sent to the channel tv seven
 * packets per datagram in real time, bare and as RTP (payload type 33) from two senders at once,
 * through an impairer that drops, duplicates and swaps chosen datagrams, rewrites one packet's
 * continuity counter and leaves the PAT out for 1.2 s and the PMT for 0.9 s. What the gateway counts
 * per PID must equal what an independent reading of the impaired packets counts, exactly; the RTP
 * sender's loss, duplicates and reordering equal what the impairer did.
 */
@QuarkusTest
@TestProfile(StreamHealth.class)
class TsHealthTest {

    private static final long STREAM_MILLIS = 6000;
    private static final int DROPPED = 100;
    private static final int DUPLICATED = 200;
    private static final int SWAPPED = 300; // and the next one
    private static final int REWRITTEN = 400; // or the first datagram after it that carries video (PID 256)

    private static List<byte[]> packets;

    @BeforeAll
    static void makeStream() throws Exception {
        Tools.require("TsHealthTest", Tools.missingCommands("ffmpeg"));
        packets = Ts.packets(Ts.ffmpegStream(Path.of("target/ts/testsrc-6s.ts"), 6));
    }

    /** A datagram to send: its packets, its time in the stream, and the RTP number it had before impairment. */
    private record Datagram(List<byte[]> packets, long atMillis, int rtpSeq) {
    }

    @Test
    void shouldCountExactlyWhatTheImpairerDidPerPidBareAndOverRtp() throws Exception {
        int count = packets.size() / 7;
        List<Datagram> original = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            original.add(new Datagram(new ArrayList<>(packets.subList(i * 7, i * 7 + 7)), i * STREAM_MILLIS / count, i));
        }
        List<Datagram> sent = impair(original);
        long metricBefore = StreamHealth.tvMetric("mcast_ts_continuity_errors_total");

        try (DatagramSocket bare = Multicast.sender(); DatagramSocket rtp = Multicast.sender()) {
            long start = System.nanoTime();
            for (Datagram d : sent) {
                long due = start + d.atMillis() * 1_000_000;
                while (System.nanoTime() < due) {
                    LockSupport.parkNanos(due - System.nanoTime());
                }
                byte[] ts = Ts.concat(d.packets());
                Multicast.sendTo(bare, ts, StreamHealth.TV, StreamHealth.TV_PORT);
                Multicast.sendTo(rtp, rtp(d.rtpSeq(), d.atMillis(), ts), StreamHealth.TV, StreamHealth.TV_PORT);
            }
            String bareSource = "127.0.0.1:" + bare.getLocalPort();
            String rtpSource = "127.0.0.1:" + rtp.getLocalPort();
            await().atMost(Duration.ofSeconds(10)).until(() -> source(bareSource).getLong("datagrams") == sent.size()
                    && source(rtpSource).getLong("datagrams") == sent.size());

            List<byte[]> arrived = new ArrayList<>();
            sent.forEach(d -> arrived.addAll(d.packets()));
            Map<Integer, Long> expected = Ts.continuityErrors(arrived);
            long[] tables = expectedTableErrors(sent);
            assertThat(expected.values().stream().mapToLong(Long::longValue).sum()).as("the impairer did something")
                    .isGreaterThanOrEqualTo(4);
            assertThat(tables).containsExactly(1, 1);

            for (String source : List.of(bareSource, rtpSource)) {
                JsonPath s = source(source);
                Map<Integer, Long> counted = new HashMap<>();
                for (Map<String, Object> pid : s.<Map<String, Object>>getList("ts.pids")) {
                    long errors = ((Number) pid.get("continuityErrors")).longValue();
                    if (errors > 0) {
                        counted.put((Integer) pid.get("pid"), errors);
                    }
                }
                assertThat(counted).as(source + ": continuity errors per PID").isEqualTo(expected);
                assertThat(s.getList("ts.pids.pid", Integer.class)).as("ffmpeg's PIDs, and the null packets the impairer put in")
                        .containsExactly(0, 17, 256, 257, 4096, Ts.NULL_PID);
                assertThat(s.getLong("ts.patErrors")).isEqualTo(tables[0]);
                assertThat(s.getLong("ts.pmtErrors")).isEqualTo(tables[1]);
                assertThat(s.getLong("ts.syncByteErrors")).isZero();
                assertThat(s.getString("ts.pat")).isEqualTo("ok");
                assertThat(s.getList("ts.programs.pid", Integer.class)).containsExactly(4096);
                assertThat(s.getLong("ts.packets")).isEqualTo(sent.size() * 7L);
            }
            JsonPath overRtp = source(rtpSource);
            assertThat(overRtp.getString("format")).isEqualTo("rtp");
            assertThat(overRtp.getLong("lost")).isEqualTo(1);
            assertThat(overRtp.getLong("duplicated")).isEqualTo(1);
            assertThat(overRtp.getLong("reordered")).isEqualTo(1);
            assertThat(source(bareSource).getString("format")).isNull();
            long total = 2 * expected.values().stream().mapToLong(Long::longValue).sum();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> StreamHealth.tvMetric("mcast_ts_continuity_errors_total") - metricBefore == total);
        }
    }

    /**
     * Drops one datagram, sends one twice, swaps two, adds 5 to the counter of one packet, and puts null
     * packets where the PAT is from 2.0 s to 3.2 s and where the PMT is from 4.0 s to 4.9 s.
     */
    private static List<Datagram> impair(List<Datagram> original) {
        List<Datagram> out = new ArrayList<>();
        int rewritten = REWRITTEN;
        while (original.get(rewritten).packets().stream().noneMatch(x -> Ts.pid(x) == 256)) {
            rewritten++;
        }
        for (int i = 0; i < original.size(); i++) {
            Datagram d = original.get(i);
            for (int k = 0; k < d.packets().size(); k++) {
                int pid = Ts.pid(d.packets().get(k));
                boolean noPat = pid == 0 && d.atMillis() >= 2000 && d.atMillis() < 3200;
                boolean noPmt = pid == 4096 && d.atMillis() >= 4000 && d.atMillis() < 4900;
                if (noPat || noPmt) {
                    d.packets().set(k, Ts.packet(Ts.NULL_PID, 0));
                }
            }
            if (i == rewritten) {
                byte[] p = d.packets().stream().filter(x -> Ts.pid(x) == 256).findFirst().orElseThrow().clone();
                p[3] = (byte) (p[3] & 0xf0 | (Ts.cc(p) + 5) & 0x0f);
                List<byte[]> changed = new ArrayList<>(d.packets());
                int at = changed.indexOf(d.packets().stream().filter(x -> Ts.pid(x) == 256).findFirst().get());
                changed.set(at, p);
                d = new Datagram(changed, d.atMillis(), d.rtpSeq());
            }
            if (i == DROPPED) {
                continue;
            }
            if (i == SWAPPED) {
                Datagram next = original.get(i + 1);
                out.add(new Datagram(next.packets(), d.atMillis(), next.rtpSeq()));
                out.add(new Datagram(d.packets(), next.atMillis(), d.rtpSeq()));
                i++;
                continue;
            }
            out.add(d);
            if (i == DUPLICATED) {
                out.add(new Datagram(d.packets(), d.atMillis() + 1, d.rtpSeq()));
            }
        }
        return out;
    }

    /**
     * The PAT and PMT errors TR 101 290 1.3 and 1.5 count for this schedule, read here on its own: an
     * absence longer than 0.5 s is counted once, seen when a datagram arrives.
     */
    private static long[] expectedTableErrors(List<Datagram> sent) {
        long start = sent.get(0).atMillis();
        long lastPat = start;
        long lastPmt = -1;
        boolean patMissing = false;
        boolean pmtMissing = false;
        long pat = 0;
        long pmt = 0;
        for (Datagram d : sent) {
            for (byte[] p : d.packets()) {
                if (Ts.pid(p) == 0 && Ts.unitStart(p)) {
                    assertThat(Math.abs(d.atMillis() - lastPat - 500)).as("no PAT interval near the limit: the"
                            + " count can't depend on timing").isGreaterThan(100);
                    lastPat = d.atMillis();
                    patMissing = false;
                    if (lastPmt < 0) {
                        lastPmt = d.atMillis();
                    }
                }
                if (Ts.pid(p) == 4096 && Ts.unitStart(p) && lastPmt >= 0) {
                    lastPmt = d.atMillis();
                    pmtMissing = false;
                }
            }
            if (!patMissing && d.atMillis() - lastPat > 500) {
                patMissing = true;
                pat++;
            }
            if (lastPmt >= 0 && !pmtMissing && d.atMillis() - lastPmt > 500) {
                pmtMissing = true;
                pmt++;
            }
        }
        return new long[] { pat, pmt };
    }

    /** RTP (version 2, payload type 33, 90 kHz timestamps) around a TS payload. */
    private static byte[] rtp(int seq, long atMillis, byte[] ts) {
        return Rtp.packet(33, seq, atMillis * 90, 0x12000034L, ts);
    }

    private static JsonPath source(String source) {
        return given().get("/api/sources/tv/" + source).then().statusCode(200).extract().jsonPath();
    }
}
