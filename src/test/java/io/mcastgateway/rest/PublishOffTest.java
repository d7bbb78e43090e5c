package io.mcastgateway.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Without a publish token or JWT key, publishing over HTTP is off, credential or not; the data is open without a read token. */
@QuarkusTest
class PublishOffTest {

    @Test
    void shouldRefusePublishingWhenNoTokenIsConfigured() {
        // no credential can publish: any is refused, and so is none
        given().auth().oauth2("anything-at-all-0123456789").contentType(ContentType.TEXT).body("x")
                .when().post("/api/channels/default/messages")
                .then().statusCode(401);
        given().contentType(ContentType.TEXT).body("x").when().post("/api/channels/default/messages")
                .then().statusCode(401);
        given().when().get("/api/publish").then().statusCode(404).body("enabled", is(false));
    }

    @Test
    void shouldServeTheDataWithoutAReadToken() {
        given().when().get("/api/stats").then().statusCode(200);
        // a channel named again and again is answered once
        given().when().get("/api/sources?channel=" + String.join(",", java.util.Collections.nCopies(300, "default")))
                .then().statusCode(200).body("size()", is(1));
        given().when().post("/api/session").then().statusCode(404);
    }
}
