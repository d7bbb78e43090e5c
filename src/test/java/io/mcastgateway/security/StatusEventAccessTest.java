package io.mcastgateway.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.JwtKeys;
import io.mcastgateway.support.SseClient;
import io.mcastgateway.support.StreamHealth;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;

/**
 * Review: the status event of a silent channel (tv, expect-within 1 s, no traffic) reaches no stream
 * of a credential limited to another channel, whatever its filter (none, the silent channel's group,
 * a source), nor tells it in /api/channels; a credential for every channel gets it.
 */
@QuarkusTest
@TestProfile(StatusEventAccessTest.Jwt.class)
class StatusEventAccessTest {

    public static class Jwt extends StreamHealth {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("mcast.jwt.public-key-location", JwtKeys.publicKeyFile().toString());
            config.put("mcast.jwt.issuer", JwtKeys.ISSUER);
            return config;
        }
    }

    @TestHTTPResource("/api/events")
    URI events;

    private static String token(String channel) {
        return io.smallrye.jwt.build.Jwt.issuer(JwtKeys.ISSUER).subject("bob").claim("mcast.subscribe", List.of(channel))
                .claim("mcast.publish", List.of()).expiresIn(300).sign(JwtKeys.privateKey());
    }

    @Test
    void shouldTellTheSilenceOnlyToStreamsThatMayWatchTheChannel() throws Exception {
        String all = token("*");
        String defaultOnly = token("default");
        await().atMost(Duration.ofSeconds(6)).until(() -> given().auth().oauth2(all).get("/api/channels").jsonPath()
                .getString("find { it.name == 'tv' }.state").equals("silent"));
        Map<String, String> limited = Map.of("Authorization", "Bearer " + defaultOnly);
        try (SseClient everything = SseClient.open(events, Map.of("Authorization", "Bearer " + all));
                SseClient none = SseClient.open(events, limited);
                SseClient group = SseClient.open(URI.create(events + "?group=" + StreamHealth.TV), limited);
                SseClient source = SseClient.open(URI.create(events + "?source=127.0.0.1"), limited)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> everything.events("status").size() == 1);
            Thread.sleep(500);
            assertThat(none.events("status")).isEmpty();
            assertThat(group.events("status")).isEmpty();
            assertThat(source.events("status")).isEmpty();
        }
        assertThat(given().auth().oauth2(defaultOnly).get("/api/channels").asString()).doesNotContain("tv", StreamHealth.TV);
        given().auth().oauth2(defaultOnly).get("/api/sources/tv/127.0.0.1:1").then().statusCode(403);
    }
}
