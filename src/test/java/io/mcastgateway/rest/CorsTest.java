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

/**
 * Cross-origin reads are off unless an operator allows origins ({@code quarkus.http.cors.*}); this is
 * the default: a page from another origin gets no {@code Access-Control-Allow-Origin}, so its browser
 * refuses the stream and the API's answers.
 */
@QuarkusTest
class CorsTest {

    /** The origin that CorsAllowedTest's profile allows, and this default refuses. */
    static final String DASHBOARD = NoSenderWithCorsDatagramLogAndPublishRate.ALLOWED_ORIGIN;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TestHTTPResource("/api/events")
    URL events;

    @TestHTTPResource("/api/stats")
    URL stats;

    @Test
    void shouldGiveNoCrossOriginPermissionOnTheStreamOrTheApiByDefault() throws Exception {
        for (URL url : new URL[] { events, stats }) {
            HttpResponse<InputStream> response = get(url, DASHBOARD);
            try (InputStream body = response.body()) {
                assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).as(url.toString()).isEmpty();
            }
        }
    }

    static HttpResponse<InputStream> get(URL url, String origin) throws Exception {
        // headers only: the stream's body never ends
        return HTTP.send(HttpRequest.newBuilder(url.toURI()).header("Origin", origin)
                .header("Accept", "text/event-stream, application/json").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }
}
