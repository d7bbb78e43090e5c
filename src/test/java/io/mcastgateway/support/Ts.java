package io.mcastgateway.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * MPEG-TS for tests: packets made by hand, a real stream made by Debian's ffmpeg, and an independent
 * reading of the continuity counters (what a correct checker must count), to compare the gateway with.
 */
public final class Ts {

    public static final int PACKET = 188;
    public static final int NULL_PID = 0x1fff;

    private Ts() {
    }

    /** A packet of {@code pid} with counter {@code cc}, payload (filled with 0xff) and no adaptation field. */
    public static byte[] packet(int pid, int cc) {
        return packet(pid, cc, true, false, false);
    }

    /**
     * A packet: {@code payload} false makes it adaptation-only; {@code discontinuity} sets the
     * discontinuity indicator in an adaptation field.
     */
    public static byte[] packet(int pid, int cc, boolean payload, boolean unitStart, boolean discontinuity) {
        byte[] p = new byte[PACKET];
        Arrays.fill(p, (byte) 0xff);
        p[0] = 0x47;
        p[1] = (byte) ((unitStart ? 0x40 : 0) | (pid >> 8) & 0x1f);
        p[2] = (byte) pid;
        boolean adaptation = !payload || discontinuity;
        int control = (adaptation ? 2 : 0) | (payload ? 1 : 0);
        p[3] = (byte) (control << 4 | cc & 0x0f);
        if (adaptation) {
            p[4] = (byte) (payload ? 1 : 183);
            p[5] = (byte) (discontinuity ? 0x80 : 0);
        }
        return p;
    }

    /** A PAT naming {@code pmtPid} for program 1, in one packet with counter {@code cc}. */
    public static byte[] pat(int cc, int pmtPid) {
        byte[] p = packet(0, cc, true, true, false);
        int s = 5; // pointer field 0 at 4
        p[4] = 0;
        byte[] section = { 0x00, (byte) 0xb0, 13, 0x00, 0x01, (byte) 0xc1, 0x00, 0x00, 0x00, 0x01,
                (byte) (0xe0 | pmtPid >> 8), (byte) pmtPid, 0, 0, 0, 0 };
        System.arraycopy(section, 0, p, s, section.length);
        return p;
    }

    /** A PMT section start (table id 2) on {@code pid}. */
    public static byte[] pmt(int pid, int cc) {
        byte[] p = packet(pid, cc, true, true, false);
        p[4] = 0;
        byte[] section = { 0x02, (byte) 0xb0, 13, 0x00, 0x01, (byte) 0xc1, 0x00, 0x00, (byte) 0xe1, 0x00, (byte) 0xf0,
                0x00, 0, 0, 0, 0 };
        System.arraycopy(section, 0, p, 5, section.length);
        return p;
    }

    public static int pid(byte[] p) {
        return (p[1] & 0x1f) << 8 | p[2] & 0xff;
    }

    public static int cc(byte[] p) {
        return p[3] & 0x0f;
    }

    public static boolean unitStart(byte[] p) {
        return (p[1] & 0x40) != 0;
    }

    public static byte[] concat(List<byte[]> packets) {
        byte[] d = new byte[packets.size() * PACKET];
        for (int i = 0; i < packets.size(); i++) {
            System.arraycopy(packets.get(i), 0, d, i * PACKET, PACKET);
        }
        return d;
    }

    /** {@code seconds} of a real stream by ffmpeg (MPEG-2 video, MP2 audio) into {@code file}, made once. */
    public static Path ffmpegStream(Path file, int seconds) throws IOException, InterruptedException {
        if (Files.exists(file) && Files.size(file) > 0) {
            return file;
        }
        Files.createDirectories(file.getParent());
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i", "sine",
                "-t", String.valueOf(seconds), "-c:v", "mpeg2video", "-b:v", "1M", "-c:a", "mp2",
                "-f", "mpegts", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ffmpeg failed: " + out);
        }
        return file;
    }

    /** The packets of a TS file. */
    public static List<byte[]> packets(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        List<byte[]> packets = new ArrayList<>();
        for (int at = 0; at + PACKET <= all.length; at += PACKET) {
            packets.add(Arrays.copyOfRange(all, at, at + PACKET));
        }
        return packets;
    }

    /**
     * The continuity errors per PID a correct checker counts for these packets in this order (ISO/IEC
     * 13818-1 2.4.3.3 and TR 101 290 1.4), written here apart from the gateway's code: a payload packet
     * must count one on, a packet without payload repeat the counter, a packet may come twice but not a
     * third time; the first packet of a PID and a discontinuity indicator start over; the null PID is
     * not checked.
     */
    public static Map<Integer, Long> continuityErrors(List<byte[]> packets) {
        Map<Integer, Integer> last = new HashMap<>();
        Map<Integer, Integer> repeated = new HashMap<>();
        Map<Integer, Long> errors = new HashMap<>();
        for (byte[] p : packets) {
            int pid = pid(p);
            if (pid == NULL_PID || p[0] != 0x47) {
                continue;
            }
            int control = (p[3] >> 4) & 3;
            boolean payload = (control & 1) != 0;
            boolean discontinuity = (control & 2) != 0 && (p[4] & 0xff) > 0 && (p[5] & 0x80) != 0;
            int cc = cc(p);
            Integer before = last.put(pid, cc);
            if (before == null || discontinuity) {
                repeated.put(pid, 0);
                continue;
            }
            boolean error;
            if (!payload) {
                error = cc != before;
            } else if (cc == ((before + 1) & 15)) {
                repeated.put(pid, 0);
                error = false;
            } else if (cc == before) {
                int times = repeated.merge(pid, 1, Integer::sum);
                error = times > 1;
            } else {
                repeated.put(pid, 0);
                error = true;
            }
            if (error) {
                errors.merge(pid, 1L, Long::sum);
            }
        }
        return errors;
    }
}
