package io.mcastgateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.mcastgateway.security.SessionCookies;
import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.ReadAndPublishTokens;
import io.mcastgateway.support.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** Read protection: the data answers 401 without the read token, streams with it or its cookie; health stays open. */
@QuarkusTest
@TestProfile(ReadAndPublishTokens.class)
class ReadTokenTest {

    static final String TOKEN = ReadAndPublishTokens.READ;

    @TestHTTPResource("/api/events")
    URI events;

    @Test
    void shouldAnswer401WithoutTheTokenAndKeepHealthAndMetricsOpen() {
        for (String path : new String[] { "/api/events", "/api/stats", "/api/channels", "/api/sources" }) {
            given().when().get(path).then().statusCode(401);
            given().auth().oauth2("wrong-secret-0123456789").when().get(path).then().statusCode(401);
        }
        given().when().get("/q/health/ready").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("\"default.state\": \"joined\""))
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("239.255.255.252")));
        given().when().get("/q/metrics").then().statusCode(200);
        given().when().get("/").then().statusCode(200);
        given().auth().oauth2(TOKEN).when().get("/api/stats").then().statusCode(200);
    }

    @Test
    void shouldStreamWithTheBearerTokenAndWithTheSessionCookie() {
        String cookie = given().auth().oauth2(TOKEN).when().post("/api/session").then().statusCode(204)
                .extract().cookie(SessionCookies.NAME);
        assertThat(cookie).isNotBlank().isNotEqualTo(TOKEN);
        given().when().post("/api/session").then().statusCode(401);
        given().cookie(SessionCookies.NAME, cookie).when().get("/api/channels").then().statusCode(200);
        given().cookie(SessionCookies.NAME, "forged").when().get("/api/channels").then().statusCode(401);

        String text = "protected " + UUID.randomUUID();
        // streams that tests before this one closed are gone: the count below is this test's two
        await().atMost(Duration.ofSeconds(10))
                .until(() -> given().auth().oauth2(TOKEN).get("/api/stats").jsonPath().getInt("subscribers") == 0);
        try (SseClient withHeader = SseClient.open(events, Map.of("Authorization", "Bearer " + TOKEN));
                SseClient withCookie = SseClient.open(events, Map.of("Cookie", SessionCookies.NAME + "=" + cookie));
                DatagramSocket sender = Multicast.sender()) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> given().auth().oauth2(TOKEN).get("/api/stats").jsonPath().getInt("subscribers") == 2);
            Multicast.send(sender, text);
            await().atMost(Duration.ofSeconds(10)).until(() -> withHeader.datagramsWithText(text).size() == 1
                    && withCookie.datagramsWithText(text).size() == 1);
        }
        given().contentType(ContentType.TEXT).body("x").when().post("/api/channels/default/messages")
                .then().statusCode(401); // publishing has its own credential
    }
}
