package io.mcastgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonObject;

/** The packaged gateway whose receiver cannot bind: it runs, and says so on its readiness check. */
class ReadinessIT {

    private static final int PORT = 23999;
    private static final int HTTP_PORT = 18081;

    @Test
    void shouldBeLiveButNotReadyWithTheReasonWhenTheGroupPortIsTaken() throws Exception {
        // another program holds the group and port without SO_REUSEADDR
        try (DatagramSocket holder = new DatagramSocket(null)) {
            holder.setReuseAddress(false);
            holder.bind(new InetSocketAddress("239.255.255.252", PORT));
            try (GatewayProcess gateway = GatewayProcess.jar("readiness-down", Map.of("MCAST_INTERFACE", "lo",
                    "MCAST_PORT", String.valueOf(PORT), "MCAST_SENDER_ENABLED", "false",
                    "QUARKUS_HTTP_PORT", String.valueOf(HTTP_PORT)))) {
                HttpClient http = HttpClient.newHttpClient();
                URI live = URI.create("http://localhost:" + HTTP_PORT + "/q/health/live");
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                        .until(() -> http.send(HttpRequest.newBuilder(live).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);

                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + HTTP_PORT + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(ready.statusCode()).isEqualTo(503);
                JsonObject check = new JsonObject(ready.body()).getJsonArray("checks").getJsonObject(0);
                assertThat(check.getString("status")).isEqualTo("DOWN");
                assertThat(check.getJsonObject("data").getString("state")).isEqualTo("failed");
                assertThat(check.getJsonObject("data").getString("reason"))
                        .isEqualTo("cannot bind 239.255.255.252:" + PORT + ": Address already in use");
                assertThat(gateway.output()).contains("is not joined: cannot bind");
            }
        }
    }
}
