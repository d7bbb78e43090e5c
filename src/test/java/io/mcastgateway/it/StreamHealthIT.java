package io.mcastgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Tools;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A minute of live MPEG-TS from Debian's ffmpeg, in real time, to the packaged gateway on lo: bare
 * ({@code -f mpegts} to {@code udp://}, 1,316-byte datagrams) on the channel default and as RTP
 * ({@code -f rtp_mpegts}) on the channel rtp. Nothing impairs it, so every check must stay at zero:
 * no continuity, sync, PAT or PMT error, no RTP loss, no kernel drop, with ffmpeg's PIDs and program
 * seen.
 */
@Order(0)
class StreamHealthIT {

    private static final int HTTP_PORT = 18087; // the other ITs use 18080-18086
    private static final String BARE = "239.255.78.1";
    private static final int BARE_PORT = 23988;
    private static final String RTP = "239.255.78.2";
    private static final int RTP_PORT = 23989;
    private static final int SECONDS = 60;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldCountNoErrorInAMinuteOfFfmpegsStreamBareAndOverRtp() throws Exception {
        Tools.require("StreamHealthIT", Tools.missingCommands("ffmpeg"));
        Map<String, String> env = Map.of("MCAST_INTERFACE", "lo", "MCAST_SENDER_ENABLED", "false",
                "MCAST_GROUP", BARE, "MCAST_PORT", String.valueOf(BARE_PORT),
                "MCAST_CHANNELS_RTP_GROUP", RTP, "MCAST_CHANNELS_RTP_PORT", String.valueOf(RTP_PORT),
                "MCAST_RECEIVER_LOG", "summary", "MCAST_EXPECT_WITHIN", "2s",
                "QUARKUS_HTTP_PORT", String.valueOf(HTTP_PORT));
        try (GatewayProcess gateway = GatewayProcess.jar("stream-health", env)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> gateway.output().contains("Joined rtp"));
            List<Process> encoders = new ArrayList<>();
            try {
                encoders.add(ffmpeg("mpegts", "udp://" + BARE + ":" + BARE_PORT + "?pkt_size=1316&localaddr=127.0.0.1&ttl=0"));
                encoders.add(ffmpeg("rtp_mpegts", "rtp://" + RTP + ":" + RTP_PORT + "?localaddr=127.0.0.1&ttl=0"));
                for (Process p : encoders) {
                    assertThat(p.waitFor(SECONDS + 30, TimeUnit.SECONDS)).as("ffmpeg ends after its minute").isTrue();
                    assertThat(p.exitValue()).as("ffmpeg's exit").isZero();
                }
            } finally {
                encoders.forEach(Process::destroyForcibly);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> channel("default").getLong("received") > 0
                    && channel("rtp").getString("state").equals("silent"));

            // what the gateway saw, kept before anything is asserted: a failure here says what it counted
            Files.writeString(gateway.log().resolveSibling("stream-health-sources.json"),
                    get("/api/sources").encodePrettily() + "\n" + get("/api/channels").encodePrettily());
            for (String name : List.of("default", "rtp")) {
                JsonArray senders = get("/api/sources?channel=" + name).getJsonObject(0).getJsonArray("sources");
                assertThat(senders).as(name + ": one sender, ffmpeg").hasSize(1);
                JsonObject sender = senders.getJsonObject(0);
                JsonObject ts = object("/api/sources/" + name + "/" + sender.getString("source")).getJsonObject("ts");
                assertThat(ts).as(name + ": recognised as MPEG-TS").isNotNull();
                assertThat(ts.getLong("packets")).as(name + ": a minute at about 1 Mbit/s").isGreaterThan(20_000);
                long headers = name.equals("rtp") ? 12 * sender.getLong("datagrams") : 0;
                assertThat(ts.getLong("packets")).as(name + ": every packet checked")
                        .isEqualTo((sender.getLong("bytes") - headers) / 188);
                for (String errors : List.of("continuityErrors", "syncByteErrors", "syncLosses", "patErrors", "pmtErrors")) {
                    assertThat(ts.getLong(errors)).as(name + ": " + errors + " of an unimpaired stream").isZero();
                }
                assertThat(ts.getString("lastError")).isNull();
                assertThat(ts.getJsonArray("programs").getJsonObject(0).getInteger("pid")).isEqualTo(4096);
                List<Integer> pids = ts.getJsonArray("pids").stream().map(p -> ((JsonObject) p).getInteger("pid")).toList();
                assertThat(pids).containsExactly(0, 17, 256, 257, 4096);
                assertThat(channel(name).getJsonObject("kernel").getLong("drops")).isZero();
            }
            JsonObject overRtp = get("/api/sources?channel=rtp").getJsonObject(0).getJsonArray("sources").getJsonObject(0);
            assertThat(overRtp.getString("format")).isEqualTo("rtp");
            assertThat(overRtp.getLong("lost")).isZero();
            assertThat(overRtp.getLong("duplicated")).isZero();
            assertThat(overRtp.getLong("reordered")).isZero();
            assertThat(overRtp.getInteger("rtpClockRate")).isEqualTo(90_000);
            assertThat(overRtp.getDouble("jitterMs")).isNotNull();
        }
    }

    private static Process ffmpeg(String format, String url) throws Exception {
        Path log = Path.of("target/it-logs/ffmpeg-" + format + ".log");
        Files.createDirectories(log.getParent());
        return new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin", "-re",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i", "sine",
                "-t", String.valueOf(SECONDS), "-c:v", "mpeg2video", "-b:v", "1M", "-c:a", "mp2", "-f", format, url)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private JsonObject channel(String name) throws Exception {
        JsonArray all = new JsonArray(body("/api/channels"));
        return all.stream().map(JsonObject.class::cast).filter(c -> c.getString("name").equals(name)).findFirst()
                .orElseThrow();
    }

    private JsonArray get(String path) throws Exception {
        return new JsonArray(body(path));
    }

    private JsonObject object(String path) throws Exception {
        return new JsonObject(body(path));
    }

    private String body(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + HTTP_PORT + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }
}
