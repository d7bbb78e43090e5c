package io.mcastgateway.passthrough;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Commands;
import io.mcastgateway.support.Igmp;
import io.mcastgateway.support.Players;
import io.mcastgateway.support.Tools;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * What a player sees: Debian's ffmpeg sends live MPEG-TS (MPEG-2 video, MP2 audio) to a group, bare and
 * as RTP (payload type 33); ffprobe and ffmpeg read it from the gateway over HTTP, as a player reads a
 * udpxy URL, and decode its frames without an error.
 */
@QuarkusTest
@TestProfile(Players.class)
class PlayersWithFfmpegTest {

    private static final String BARE = "239.255.90.50";
    private static final String RTP = "239.255.90.51";
    private static final int SECONDS = 14;

    @TestHTTPResource("/")
    URL root;

    @BeforeAll
    static void requireFfmpeg() {
        Tools.require("PlayersWithFfmpegTest", Tools.missingCommands("ffmpeg", "ffprobe"));
    }

    @Test
    void shouldLetFfmpegDecodeABareMpegTsGroupThroughUdp() throws Exception {
        play("mpegts", "udp://" + BARE + ":" + Players.PORT + "?pkt_size=1316&localaddr=127.0.0.1&ttl=0",
                "udp/" + BARE + ":" + Players.PORT, BARE);
    }

    @Test
    void shouldLetFfmpegDecodeAnRtpGroupThroughRtp() throws Exception {
        play("rtp_mpegts", "rtp://" + RTP + ":" + Players.PORT + "?localaddr=127.0.0.1&ttl=0",
                "rtp/" + RTP + ":" + Players.PORT, RTP);
    }

    private void play(String format, String to, String path, String group) throws Exception {
        assertThat(Igmp.users("lo", group)).as("not joined before a player asks").isZero();
        Process encoder = ffmpeg(format, to);
        try {
            String url = root + path;
            // what the player finds in the stream (probing from the middle of a live stream, ffprobe may say
            // that the first, cut-off picture is incomplete: only the streams are looked at here)
            String probe = Commands.run(List.of("sh", "-c", "ffprobe -v error -show_entries stream=codec_name"
                    + " -of default=nw=1:nk=1 '" + url + "' 2>/dev/null"), Map.of(), new byte[0], 30);
            assertThat(probe.lines().map(String::trim).toList()).as("ffprobe over HTTP: " + probe)
                    .contains("mpeg2video", "mp2");
            assertThat(Igmp.users("lo", group)).as("joined for the player, once").isEqualTo(1);
            // decode four seconds of it: one line per decoded frame on stdout, errors (and only them) on stderr
            String frames = Commands.run(List.of("sh", "-c", "ffmpeg -nostdin -v error -i '" + url
                    + "' -t 4 -map 0:v -f framecrc - 2> target/ffmpeg-player-" + format + ".err"), Map.of(), new byte[0], 30);
            String errors = Files.readString(Path.of("target/ffmpeg-player-" + format + ".err"));
            assertThat(errors).as("ffmpeg's errors decoding the gateway's stream").isBlank();
            long decoded = frames.lines().filter(l -> l.startsWith("0,")).count();
            assertThat(decoded).as("video frames decoded in 4 s at 25 fps").isGreaterThanOrEqualTo(90);
        } finally {
            encoder.destroy();
            encoder.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Process ffmpeg(String format, String url) throws Exception {
        Path log = Path.of("target/ffmpeg-sender-" + format + ".log");
        return new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin", "-re",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i", "sine",
                "-t", String.valueOf(SECONDS), "-c:v", "mpeg2video", "-b:v", "1M", "-c:a", "mp2", "-f", format, url)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
