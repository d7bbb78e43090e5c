package io.mcastgateway.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The status of a GET, for waiting on a process that is starting: -1 while nothing answers. */
public final class HttpStatus {

    private HttpStatus() {
    }

    public static int of(HttpClient client, URI uri, Duration timeout) {
        try {
            return client.send(HttpRequest.newBuilder(uri).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
