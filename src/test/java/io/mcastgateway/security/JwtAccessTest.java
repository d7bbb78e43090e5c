package io.mcastgateway.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;

import java.net.DatagramSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.JwtKeys;
import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.SseClient;
import io.mcastgateway.support.TwoChannels;
import io.mcastgateway.support.TwoChannelsWithJwt;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;

/**
 * JWTs with per-channel claims, signed with a key pair the test made: a token limited to one channel
 * sees, lists and publishes only that one; tokens that are expired, not yet valid, from another
 * issuer or key, or unsigned are refused; a stream ends at its token's expiry.
 */
@QuarkusTest
@TestProfile(TwoChannelsWithJwt.class)
class JwtAccessTest {

    @TestHTTPResource("/api/events")
    URI events;

    static String token(List<String> subscribe, List<String> publish, long expiresIn) {
        return Jwt.issuer(JwtKeys.ISSUER).subject("alice").claim("mcast.subscribe", subscribe)
                .claim("mcast.publish", publish).expiresIn(expiresIn).sign(JwtKeys.privateKey());
    }

    static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    @Test
    void shouldStreamOnlyTheChannelsOfTheTokensClaim() {
        String alphaOnly = token(List.of("alpha"), List.of(), 300);
        String every = token(List.of("*"), List.of(), 300);
        String a = "to alpha " + UUID.randomUUID();
        String b = "to beta " + UUID.randomUUID();
        try (SseClient limited = SseClient.open(events, bearer(alphaOnly));
                SseClient all = SseClient.open(events, bearer(every));
                DatagramSocket sender = Multicast.sender()) {
            Multicast.sendTo(sender, a.getBytes(StandardCharsets.UTF_8), TwoChannels.ALPHA, TwoChannels.PORT);
            Multicast.sendTo(sender, b.getBytes(StandardCharsets.UTF_8), TwoChannels.BETA, TwoChannels.PORT);
            await().atMost(Duration.ofSeconds(10)).until(() -> all.datagramsWithText(a).size() == 1
                    && all.datagramsWithText(b).size() == 1 && limited.datagramsWithText(a).size() == 1);
            assertThat(limited.datagramsWithText(b)).as("beta's datagram on an alpha-only stream").isEmpty();
            assertThat(limited.datagrams(j -> true)).allSatisfy(j -> assertThat(j.getString("channel")).isEqualTo("alpha"));
        }
    }

    @Test
    void shouldRefuseChannelsOutsideTheClaimWith403() {
        String alphaOnly = token(List.of("alpha"), List.of("alpha"), 300);
        given().auth().oauth2(alphaOnly).get("/api/events?channel=beta").then().statusCode(403)
                .body(containsString("beta"));
        given().auth().oauth2(alphaOnly).get("/api/events?channel=alpha,beta").then().statusCode(403);
        given().auth().oauth2(alphaOnly).get("/api/sources?channel=beta").then().statusCode(403);
        // whether a channel exists is not told to a credential limited to others
        given().auth().oauth2(alphaOnly).get("/api/events?channel=gamma").then().statusCode(403);
        given().auth().oauth2(alphaOnly).get("/api/sources?channel=gamma").then().statusCode(403);
        given().auth().oauth2(alphaOnly).get("/api/channels").then().statusCode(200).body("name", contains("alpha"));
        given().auth().oauth2(alphaOnly).get("/api/stats").then().statusCode(200)
                .body("subscriberDetails.size()", org.hamcrest.Matchers.is(0));

        given().auth().oauth2(alphaOnly).contentType(ContentType.TEXT).body("x")
                .post("/api/channels/beta/messages").then().statusCode(403);
        given().auth().oauth2(token(List.of("alpha"), List.of(), 300)).contentType(ContentType.TEXT).body("x")
                .post("/api/channels/alpha/messages").then().statusCode(403);
        given().auth().oauth2(alphaOnly).contentType(ContentType.TEXT).body("from a jwt")
                .post("/api/channels/alpha/messages").then().statusCode(200);
    }

    @Test
    void shouldRefuseTokensThatDoNotVerify() {
        long now = System.currentTimeMillis() / 1000;
        Map<String, String> refused = new HashMap<>();
        refused.put("expired", Jwt.issuer(JwtKeys.ISSUER).claim("mcast.subscribe", List.of("*"))
                .issuedAt(now - 3600).expiresAt(now - 600).sign(JwtKeys.privateKey()));
        refused.put("not yet valid", Jwt.issuer(JwtKeys.ISSUER).claim("mcast.subscribe", List.of("*"))
                .issuedAt(now + 600).claim("nbf", now + 600).expiresAt(now + 3600).sign(JwtKeys.privateKey()));
        refused.put("another issuer", Jwt.issuer("https://someone-else").claim("mcast.subscribe", List.of("*"))
                .expiresIn(300).sign(JwtKeys.privateKey()));
        refused.put("another key", Jwt.issuer(JwtKeys.ISSUER).claim("mcast.subscribe", List.of("*"))
                .expiresIn(300).sign(JwtKeys.newPair().getPrivate()));
        refused.put("alg none", unsigned("{\"iss\":\"" + JwtKeys.ISSUER + "\",\"mcast.subscribe\":[\"*\"],\"exp\":"
                + (now + 300) + "}"));
        String valid = token(List.of("*"), List.of(), 300);
        refused.put("signature of another token", valid.substring(0, valid.lastIndexOf('.') + 1)
                + refused.get("another key").substring(refused.get("another key").lastIndexOf('.') + 1));
        refused.forEach((why, jwt) -> {
            assertThat(given().auth().oauth2(jwt).get("/api/stats").statusCode()).as(why).isEqualTo(401);
            assertThat(given().auth().oauth2(jwt).get("/api/events").statusCode()).as(why).isEqualTo(401);
        });
        given().auth().oauth2(valid).get("/api/stats").then().statusCode(200);
        given().get("/api/stats").then().statusCode(401);
    }

    @Test
    void shouldEndTheStreamCleanlyWhenItsTokenExpires() {
        // both at once: the stream of a token that ends in 3 s ends, while the one of a 300 s token, open
        // as long and then a second more (4 s in all), goes on
        try (SseClient stream = SseClient.open(events, bearer(token(List.of("*"), List.of(), 3)));
                SseClient longer = SseClient.open(events, bearer(token(List.of("*"), List.of(), 300)))) {
            assertThat(stream.ended()).isFalse();
            await().atMost(Duration.ofSeconds(15)).until(stream::ended);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !longer.ended());
        }
    }

    @Test
    void shouldTradeAJwtForASessionThatEndsWithIt() {
        String jwt = token(List.of("alpha"), List.of(), 120);
        io.restassured.response.Response session = given().auth().oauth2(jwt).post("/api/session");
        session.then().statusCode(204);
        String cookie = session.getCookie(SessionCookies.NAME);
        long maxAge = session.getDetailedCookie(SessionCookies.NAME).getMaxAge();
        assertThat(maxAge).as("ends with the JWT").isBetween(100L, 120L);
        given().cookie(SessionCookies.NAME, cookie).get("/api/channels").then().statusCode(200).body("name", contains("alpha"));
        given().cookie(SessionCookies.NAME, cookie).get("/api/events?channel=beta").then().statusCode(403);
    }

    private static String unsigned(String claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".";
    }

    @Test
    void shouldReleaseTheSlotOfAStreamWhoseClientLeftDuringItsAuthentication() throws Exception {
        String every = token(List.of("*"), List.of(), 300); // verified on a worker: the route runs in a later task
        for (int i = 0; i < 20; i++) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", events.getPort())) {
                s.getOutputStream().write(("GET /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + every
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            } // closed at once
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> given().auth().oauth2(every).get("/api/stats").jsonPath()
                .getInt("subscribers") == 0);
    }
}
