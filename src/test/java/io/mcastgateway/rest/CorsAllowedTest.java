package io.mcastgateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.NoSenderWithCorsDatagramLogAndPublishRate;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The operator allows one origin ({@code quarkus.http.cors.*}): that origin reads, any other is refused. */
@QuarkusTest
@TestProfile(NoSenderWithCorsDatagramLogAndPublishRate.class) // quarkus.http.cors.origins=CorsTest.DASHBOARD
class CorsAllowedTest {

    @TestHTTPResource("/api/events")
    URL events;

    @TestHTTPResource("/api/stats")
    URL stats;

    @Test
    void shouldLetTheAllowedOriginReadTheStreamAndTheApi() throws Exception {
        for (URL url : new URL[] { events, stats }) {
            HttpResponse<InputStream> response = get(url, CorsTest.DASHBOARD);
            try (InputStream body = response.body()) {
                assertThat(response.statusCode()).as(url.toString()).isEqualTo(200);
                assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).as(url.toString())
                        .contains(CorsTest.DASHBOARD);
                if (url == events) {
                    assertThat(new String(body.readNBytes(6))).isEqualTo("retry:");
                }
            }
        }
    }

    @Test
    void shouldRefuseAnyOtherOrigin() throws Exception {
        for (URL url : new URL[] { events, stats }) {
            HttpResponse<InputStream> response = get(url, "https://elsewhere.example.net");
            try (InputStream body = response.body()) {
                assertThat(response.statusCode()).as(url.toString()).isEqualTo(403);
                assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            }
        }
    }

    @Test
    void shouldAnswerTheBrowsersPreflightForTheStream() throws Exception {
        HttpResponse<Void> response = CorsTest.HTTP.send(HttpRequest.newBuilder(events.toURI())
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", CorsTest.DASHBOARD)
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "last-event-id").build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains(CorsTest.DASHBOARD);
        assertThat(response.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("GET");
    }

    private static HttpResponse<InputStream> get(URL url, String origin) throws Exception {
        return CorsTest.get(url, origin);
    }
}
