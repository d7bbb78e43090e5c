package io.mcastgateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.net.DatagramPacket;
import java.net.MulticastSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.ReadAndPublishTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** POST /api/channels/{name}/messages with a publish token, received by a plain JDK socket joined to the group. */
@QuarkusTest
@TestProfile(ReadAndPublishTokens.class) // mcast.publish.rate=1000: no test here meets the rate
class PublishTest {

    static final String TOKEN = ReadAndPublishTokens.PUBLISH;

    @Test
    void shouldSendTheBodyToTheGroupWithTheRightToken() throws Exception {
        String text = "published " + UUID.randomUUID();
        try (MulticastSocket receiver = Multicast.joinedReceiver()) {
            given().auth().oauth2(TOKEN).contentType(ContentType.TEXT).body(text)
                    .when().post("/api/channels/default/messages")
                    .then().statusCode(200).body("channel", is("default")).body("sent", is(text.length()));

            DatagramPacket packet = Multicast.receiveMatching(receiver, text.getBytes(StandardCharsets.UTF_8), 5000);
            assertThat(packet).as("the datagram reached a socket joined to the group").isNotNull();
        }
        String json = "json " + UUID.randomUUID();
        try (MulticastSocket receiver = Multicast.joinedReceiver()) {
            given().auth().oauth2(TOKEN).contentType(ContentType.JSON).body(Map.of("text", json))
                    .when().post("/api/channels/default/messages")
                    .then().statusCode(200).body("sent", is(json.length()));
            assertThat(Multicast.receiveMatching(receiver, json.getBytes(StandardCharsets.UTF_8), 5000)).isNotNull();
        }
    }

    @Test
    void shouldRefuseWithoutOrWithAWrongToken() {
        given().contentType(ContentType.TEXT).body("x").when().post("/api/channels/default/messages")
                .then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"));
        given().auth().oauth2("wrong-token-0123456789").contentType(ContentType.TEXT).body("x")
                .when().post("/api/channels/default/messages").then().statusCode(401);
    }

    @Test
    void shouldRefuseAnOversizePayloadAnUnknownChannelAndABadJsonBody() {
        given().auth().oauth2(TOKEN).contentType(ContentType.BINARY).body(new byte[65_508])
                .when().post("/api/channels/default/messages")
                .then().statusCode(413).body("error", containsString("65508 bytes"));
        given().auth().oauth2(TOKEN).contentType(ContentType.TEXT).body("x")
                .when().post("/api/channels/nosuch/messages")
                .then().statusCode(404).body("error", is("no channel nosuch (channels: default)"));
        given().auth().oauth2(TOKEN).contentType(ContentType.JSON).body("{\"message\":\"x\"}")
                .when().post("/api/channels/default/messages")
                .then().statusCode(400);
    }
}
