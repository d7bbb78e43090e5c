package io.mcastgateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * A request for the event stream that a test expects to be refused (a cap): the answer is taken at
 * its headers, and its body read only when it is not a stream, so a stream that opens where a refusal
 * was expected fails the test at once instead of keeping it reading forever.
 */
public final class RefusedStream {

    public record Answer(int status, String retryAfter, String body) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RefusedStream() {
    }

    public static Answer get(URI events, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(events).header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(10));
        headers.forEach(request::header);
        try {
            HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                String text = response.statusCode() == 200 ? "(a stream opened)"
                        : new String(body.readAllBytes(), StandardCharsets.UTF_8);
                return new Answer(response.statusCode(), response.headers().firstValue("Retry-After").orElse(null), text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
