package io.mcastgateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.NoSenderWithCorsDatagramLogAndPublishRate;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** The per-client publish rate: a burst beyond it gets 429 with Retry-After. */
@QuarkusTest
@TestProfile(NoSenderWithCorsDatagramLogAndPublishRate.class) // mcast.publish.rate=5
class PublishRateTest {

    static final String TOKEN = NoSenderWithCorsDatagramLogAndPublishRate.PUBLISH_TOKEN;

    @Test
    void shouldAnswer429WithRetryAfterBeyondTheRate() {
        int ok = 0;
        int limited = 0;
        String retryAfter = null;
        for (int i = 0; i < 20; i++) {
            var response = given().auth().oauth2(TOKEN).contentType(ContentType.TEXT).body("burst " + i)
                    .when().post("/api/channels/default/messages");
            if (response.statusCode() == 200) {
                ok++;
            } else if (response.statusCode() == 429) {
                limited++;
                retryAfter = response.header("Retry-After");
            }
        }
        // a burst of 5 (mcast.publish.rate), plus what refilled while the 20 requests ran
        assertThat(ok).isBetween(5, 15);
        assertThat(limited).isEqualTo(20 - ok);
        assertThat(retryAfter).isEqualTo("1");
        given().when().get("/api/publish").then().statusCode(200).body("enabled", is(true));
    }
}
