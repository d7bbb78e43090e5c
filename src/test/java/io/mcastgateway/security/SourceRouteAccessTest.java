package io.mcastgateway.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.JwtKeys;
import io.mcastgateway.support.TwoChannelsWithJwt;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.smallrye.jwt.build.Jwt;

/**
 * Review: GET /api/sources/{channel}/{source} must not tell a credential limited to some channels
 * which other channels exist (operations.md, Security model: "a channel outside them is 403 (also
 * one that does not exist)"), as /api/events?channel= and /api/sources?channel= don't.
 */
@QuarkusTest
@TestProfile(TwoChannelsWithJwt.class)
class SourceRouteAccessTest {

    private static String alphaOnly() {
        return Jwt.issuer(JwtKeys.ISSUER).subject("alice").claim("mcast.subscribe", List.of("alpha"))
                .claim("mcast.publish", List.of()).expiresIn(300).sign(JwtKeys.privateKey());
    }

    @Test
    void shouldAnswerAnUnknownChannelAsAForbiddenOneToALimitedCredential() {
        String jwt = alphaOnly();
        Response existing = given().auth().oauth2(jwt).get("/api/sources/beta/127.0.0.1:1234");
        Response unknown = given().auth().oauth2(jwt).get("/api/sources/gamma/127.0.0.1:1234");
        assertThat(existing.statusCode()).as("beta exists, not in the claim").isEqualTo(403);
        assertThat(unknown.statusCode()).as("gamma does not exist: answered like beta, "
                + unknown.asString()).isEqualTo(403);
        assertThat(unknown.asString()).doesNotContain("no channel");
    }

    @Test
    void shouldStillTellACredentialForEveryChannelThatAChannelDoesNotExist() {
        String all = Jwt.issuer(JwtKeys.ISSUER).subject("root").claim("mcast.subscribe", List.of("*"))
                .claim("mcast.publish", List.of()).expiresIn(300).sign(JwtKeys.privateKey());
        given().auth().oauth2(all).get("/api/sources/gamma/127.0.0.1:1234").then().statusCode(404);
        given().auth().oauth2(all).get("/api/sources/beta/127.0.0.1:1234").then().statusCode(404);
    }
}
