package io.mcastgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.SseClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Order;

/**
 * The packaged gateway whose receiver cannot bind: it runs, says why on its readiness check, and
 * joins by itself once the port is free.
 */
@Order(6)
class ReadinessIT {

    private static final int PORT = 23999;
    private static final int HTTP_PORT = 18081;

    @Test
    void shouldBeLiveButNotReadyWithTheReasonWhileTheGroupPortIsTakenAndJoinOnceItIsFree() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI ready = URI.create("http://localhost:" + HTTP_PORT + "/q/health/ready");
        // another program holds the group and port without SO_REUSEADDR
        DatagramSocket holder = new DatagramSocket(null);
        holder.setReuseAddress(false);
        holder.bind(new InetSocketAddress(Multicast.GROUP, PORT));
        try (GatewayProcess gateway = GatewayProcess.jar("readiness-down", Map.of("MCAST_INTERFACE", "lo",
                "MCAST_PORT", String.valueOf(PORT), "MCAST_SENDER_ENABLED", "false",
                "MCAST_RECEIVER_RETRY_INTERVAL", "1s", "QUARKUS_HTTP_PORT", String.valueOf(HTTP_PORT)))) {
            try {
                URI live = URI.create("http://localhost:" + HTTP_PORT + "/q/health/live");
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                        .until(() -> http.send(HttpRequest.newBuilder(live).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);

                HttpResponse<String> down = http.send(HttpRequest.newBuilder(ready).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(down.statusCode()).isEqualTo(503);
                JsonObject check = new JsonObject(down.body()).getJsonArray("checks").stream()
                        .map(JsonObject.class::cast).filter(c -> "multicast-receiver".equals(c.getString("name")))
                        .findFirst().orElseThrow();
                assertThat(check.getString("status")).isEqualTo("DOWN");
                assertThat(check.getJsonObject("data").getString("default.state")).isEqualTo("failed");
                assertThat(check.getJsonObject("data").getString("default.reason"))
                        .isEqualTo("cannot bind " + Multicast.GROUP + ":" + PORT + ": Address already in use");
                assertThat(check.getJsonObject("data").getString("reason")).isEqualTo("channel default: cannot bind "
                        + Multicast.GROUP + ":" + PORT + ": Address already in use");
                assertThat(check.getJsonObject("data").getString("default.retryEvery")).isEqualTo("PT1S");
                assertThat(gateway.output()).contains("is not joined: cannot bind");
            } finally {
                holder.close();
            }

            // the port is free: the next attempt binds and joins, and datagrams flow
            await().atMost(Duration.ofSeconds(20)).until(() -> http.send(HttpRequest.newBuilder(ready).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
            assertThat(gateway.output()).containsPattern("Joined default 239.255.255.252:" + PORT + " on lo after \\d+ attempts");
            String text = "after recovery " + UUID.randomUUID();
            try (DatagramSocket sender = Multicast.sender();
                    SseClient client = SseClient.open(URI.create("http://localhost:" + HTTP_PORT + "/api/events"))) {
                Multicast.sendTo(sender, text.getBytes(StandardCharsets.UTF_8), Multicast.GROUP, PORT);
                await().atMost(Duration.ofSeconds(10)).until(() -> client.datagramsWithText(text).size() == 1);
            }
        }
    }
}
