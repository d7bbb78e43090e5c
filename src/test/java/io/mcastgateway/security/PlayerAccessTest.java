package io.mcastgateway.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Commands;
import io.mcastgateway.support.Igmp;
import io.mcastgateway.support.JwtKeys;
import io.mcastgateway.support.PlayerClient;
import io.mcastgateway.support.Players;
import io.mcastgateway.support.PlayersWithJwt;
import io.mcastgateway.support.Tools;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.smallrye.jwt.build.Jwt;

/**
 * Who may watch a player's raw stream: the read token, or a JWT whose {@code mcast.subscribe} names the
 * channel or a range holding the group, sent as a bearer or, as players send it, as the password of HTTP
 * Basic after a Basic challenge. A refused request joins nothing.
 */
@QuarkusTest
@TestProfile(PlayersWithJwt.class)
class PlayerAccessTest {

    private static final String PORT = ":" + Players.PORT;

    @TestHTTPResource("/")
    URL root;

    private static String jwt(String... subscribe) {
        return Jwt.issuer(JwtKeys.ISSUER).subject("player").claim("mcast.subscribe", List.of(subscribe))
                .expiresIn(300).sign(JwtKeys.privateKey());
    }

    private static String basic(String password) {
        return "Basic " + Base64.getEncoder().encodeToString(("player:" + password).getBytes(StandardCharsets.UTF_8));
    }

    private Response get(String path, String authorization) {
        var request = given().redirects().follow(false);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request.get(root + path);
    }

    @Test
    void shouldChallengeAnonymousPlayersForBasicAndBrowsersOnlyForBearer() {
        Response player = get("udp/239.255.90.60" + PORT, null);
        assertThat(player.statusCode()).isEqualTo(401);
        assertThat(player.header("WWW-Authenticate")).as("ffmpeg and VLC answer the first challenge, if Basic")
                .startsWith("Basic realm=\"mcast-gateway\"").contains("Bearer");
        assertThat(get("api/channels/tv/raw", null).header("WWW-Authenticate")).startsWith("Basic");
        assertThat(get("rtp/239.255.90.60" + PORT, null).header("WWW-Authenticate")).startsWith("Basic");
        Response page = get("api/stats", null);
        assertThat(page.statusCode()).isEqualTo(401);
        assertThat(page.header("WWW-Authenticate")).as("no browser login dialog for the page's requests")
                .isEqualTo("Bearer realm=\"mcast-gateway\"");
        assertThat(get("api/channels", null).header("WWW-Authenticate")).doesNotContain("Basic");
        assertThat(get("api/channels/tv/raw/x", null).header("WWW-Authenticate")).doesNotContain("Basic");
        assertThat(Igmp.users("lo", "239.255.90.60")).as("nothing joined for a refused request").isZero();
    }

    @Test
    void shouldTakeTheReadTokenAsBearerOrAsBasicPassword() {
        assertThat(get("udp/239.255.90.61" + PORT + "x", "Bearer " + PlayersWithJwt.READ).statusCode()).isEqualTo(400);
        try (PlayerClient bearer = PlayerClient.open(port(), "/udp/239.255.90.61" + PORT,
                "Authorization: Bearer " + PlayersWithJwt.READ + "\r\n", false, 0);
                PlayerClient basic = PlayerClient.open(port(), "/udp/239.255.90.61" + PORT,
                        "Authorization: " + basic(PlayersWithJwt.READ) + "\r\n", false, 0)) {
            assertThat(bearer.status()).isEqualTo(200);
            assertThat(basic.status()).isEqualTo(200);
        }
        assertThat(get("api/stats", basic(PlayersWithJwt.READ)).statusCode())
                .as("Basic only on the players' paths (elsewhere a browser's cached Basic credentials must not act)")
                .isEqualTo(401);
        assertThat(get("api/stats", "Bearer " + PlayersWithJwt.READ).statusCode()).isEqualTo(200);
        assertThat(get("udp/239.255.90.61" + PORT, basic("not-the-token-at-all")).statusCode()).isEqualTo(401);
        assertThat(get("udp/239.255.90.61" + PORT, "Basic %%%").statusCode()).isEqualTo(401);
        assertThat(get("udp/239.255.90.61" + PORT, basic("")).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldLetAJwtWatchTheRangesAndChannelsItNames() {
        String range = jwt("239.255.90.64/30");
        try (PlayerClient inRange = PlayerClient.open(port(), "/udp/239.255.90.65" + PORT,
                "Authorization: " + basic(range) + "\r\n", false, 0)) {
            assertThat(inRange.status()).isEqualTo(200);
            assertThat(get("udp/239.255.90.70" + PORT, "Bearer " + range).statusCode()).as("outside its range").isEqualTo(403);
            assertThat(get("rtp/239.255.90.68" + PORT, "Bearer " + range).statusCode()).isEqualTo(403);
            assertThat(get("api/channels/tv/raw", "Bearer " + range).statusCode()).as("tv's group is outside").isEqualTo(403);
            assertThat(get("api/channels/nope/raw", "Bearer " + range).statusCode()).as("403 before 404").isEqualTo(403);
            assertThat(Igmp.users("lo", "239.255.90.70")).isZero();
            var visible = get("api/passthrough", "Bearer " + range).then().statusCode(200).extract().jsonPath();
            assertThat(visible.getList("groups.target")).containsExactly("239.255.90.65" + PORT);
            assertThat(visible.getList("groups[0].clients.address")).as("no addresses for a limited credential")
                    .containsOnlyNulls();
        }
        String tv = jwt("tv");
        try (PlayerClient byName = PlayerClient.open(port(), "/api/channels/tv/raw", "Authorization: Bearer " + tv + "\r\n",
                false, 0);
                PlayerClient byGroup = PlayerClient.open(port(), "/udp/" + Players.TV + PORT,
                        "Authorization: Bearer " + tv + "\r\n", false, 0)) {
            assertThat(byName.status()).isEqualTo(200);
            assertThat(byGroup.status()).as("the channel's group, by its name").isEqualTo(200);
        }
        assertThat(get("udp/239.255.90.65" + PORT, "Bearer " + tv).statusCode()).isEqualTo(403);
        assertThat(get("udp/" + Players.TV + PORT, "Bearer " + jwt("239.255.90.0/24")).statusCode())
                .as("a range grants groups, not the channels in it (as on the event stream)").isEqualTo(403);
        assertThat(get("udp/239.255.90.65" + PORT, "Bearer " + jwt("239.255.90.65/24")).statusCode())
                .as("a range with bits beyond its prefix grants nothing").isEqualTo(403);
        try (PlayerClient every = PlayerClient.open(port(), "/udp/239.255.90.65" + PORT,
                "Authorization: Bearer " + jwt("*") + "\r\n", false, 0)) {
            assertThat(every.status()).as("* watches every group").isEqualTo(200);
        }
    }

    @Test
    void shouldEndAPlayersStreamWhenItsJwtExpires() {
        String shortLived = Jwt.issuer(JwtKeys.ISSUER).subject("player").claim("mcast.subscribe", List.of("*"))
                .expiresIn(2).sign(JwtKeys.privateKey());
        try (PlayerClient player = PlayerClient.open(port(), "/udp/239.255.90.67" + PORT,
                "Authorization: Bearer " + shortLived + "\r\n", false, 0)) {
            assertThat(player.status()).isEqualTo(200);
            assertThat(player.read().awaitEnd(java.time.Duration.ofSeconds(10))).as("ended at the JWT's exp").isTrue();
        }
    }

    @Test
    void shouldLimitThePlayersOfOneAddressWith429() {
        List<PlayerClient> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < PlayersWithJwt.MAX_PER_CLIENT; i++) {
                open.add(PlayerClient.open(port(), "/udp/239.255.90.68" + PORT,
                        "Authorization: Bearer " + PlayersWithJwt.READ + "\r\n", false, 0));
                assertThat(open.get(i).status()).isEqualTo(200);
            }
            Response refused = get("udp/239.255.90.68" + PORT, "Bearer " + PlayersWithJwt.READ);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isNotNull();
            assertThat(refused.asString()).contains("mcast.passthrough.max-per-client");
        } finally {
            open.forEach(PlayerClient::close);
        }
    }

    @Test
    void shouldReleaseWhatAPlayerThatLeftDuringItsAuthenticationHeld() throws Exception {
        String token = jwt("*"); // a JWT is verified on a worker: the route runs in a later task
        for (int i = 0; i < 3 * PlayersWithJwt.MAX_PER_CLIENT; i++) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port())) {
                s.getOutputStream().write(("GET /udp/239.255.90.69" + PORT + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            } // closed at once
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> get("api/passthrough",
                "Bearer " + PlayersWithJwt.READ).jsonPath().getInt("clients") == 0
                && Igmp.users("lo", "239.255.90.69") == 0);
        try (PlayerClient after = PlayerClient.open(port(), "/udp/239.255.90.69" + PORT,
                "Authorization: Bearer " + token + "\r\n", false, 0)) {
            assertThat(after.status()).as("no slot of this address leaked").isEqualTo(200);
        }
    }

    @Test
    void shouldLetFfprobeUseATokenInThePlaylistUrl() throws Exception {
        Tools.require("PlayerAccessTest", Tools.missingCommands("ffmpeg", "ffprobe"));
        String group = "239.255.90.66";
        Process encoder = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin", "-re",
                "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-t", "12", "-c:v", "mpeg2video", "-f", "mpegts",
                "udp://" + group + PORT + "?pkt_size=1316&localaddr=127.0.0.1&ttl=0")
                .redirectErrorStream(true).redirectOutput(java.nio.file.Path.of("target/ffmpeg-access.log").toFile()).start();
        try {
            String url = "http://player:" + jwt("239.255.90.66") + "@127.0.0.1:" + port() + "/udp/" + group + PORT;
            String probe = Commands.run(List.of("sh", "-c", "ffprobe -v error -show_entries stream=codec_name"
                    + " -of default=nw=1:nk=1 '" + url + "' 2>&1"), Map.of(), new byte[0], 30);
            assertThat(probe).as("ffprobe, challenged for Basic, sent the JWT of the URL").contains("mpeg2video");
            String refused = Commands.run(List.of("sh", "-c", "ffprobe -v error '" + url.replace("player:", "player:x")
                    + "' 2>&1; true"), Map.of(), new byte[0], 30);
            assertThat(refused).contains("401");
        } finally {
            encoder.destroy();
            encoder.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private int port() {
        return root.getPort();
    }
}
