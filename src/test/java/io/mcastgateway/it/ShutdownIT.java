package io.mcastgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.Tools;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Order;

/**
 * The packaged gateway as an operator runs it: JSON console logs switched on by one setting, and a
 * SIGTERM that drains it cleanly: readiness DOWN first, the stream still flowing during the shutdown
 * delay, then ended cleanly ({@code curl -N} exits 0), the group left, the process gone within
 * {@code quarkus.shutdown.timeout}.
 */
@Order(5)
class ShutdownIT {

    private static final int PORT = 23997;
    private static final int HTTP_PORT = 18082;
    private static final Duration DELAY = Duration.ofSeconds(3);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void shouldLogJsonAndOnSigtermTurnUnreadyThenEndEveryStreamCleanlyLeaveTheGroupAndExit() throws Exception {
        Tools.require("ShutdownIT", Tools.missingCommands("curl"));
        URI events = URI.create("http://localhost:" + HTTP_PORT + "/api/events");
        URI ready = URI.create("http://localhost:" + HTTP_PORT + "/q/health/ready");
        GatewayProcess curl = null;
        try (GatewayProcess gateway = GatewayProcess.jar("shutdown", Map.of("MCAST_INTERFACE", "lo",
                "MCAST_PORT", String.valueOf(PORT), "MCAST_SENDER_ENABLED", "false",
                "QUARKUS_HTTP_PORT", String.valueOf(HTTP_PORT),
                "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true",
                "QUARKUS_SHUTDOWN_DELAY", DELAY.toSeconds() + "s",
                "QUARKUS_SHUTDOWN_TIMEOUT", TIMEOUT.toSeconds() + "s"));
                DatagramSocket sender = Multicast.sender()) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                    .until(() -> status(ready) == 200);
            curl = GatewayProcess.start("shutdown-curl", GatewayProcess.BASEDIR, Map.of(),
                    List.of("curl", "-sS", "-N", events.toString()));
            GatewayProcess client = curl;
            await().atMost(Duration.ofSeconds(10)).until(() -> client.output().startsWith("retry:"));

            String before = "before SIGTERM " + UUID.randomUUID();
            Multicast.sendTo(sender, before.getBytes(), Multicast.GROUP, PORT);
            await().atMost(Duration.ofSeconds(10)).until(() -> client.output().contains(before));

            // JSON console logs: every line is a JSON object; the per-datagram line has its fields
            await().atMost(Duration.ofSeconds(5)).until(() -> datagramLine(gateway, before) != null);
            JsonObject line = datagramLine(gateway, before);
            assertThat(line.getString("level")).isEqualTo("INFO");
            JsonObject mdc = line.getJsonObject("mdc");
            assertThat(mdc.getString("channel")).isEqualTo("default");
            assertThat(mdc.getString("source")).startsWith("127.0.0.1:");
            assertThat(mdc.getString("size")).isEqualTo(String.valueOf(before.length()));

            long sigterm = System.nanoTime();
            gateway.terminate();

            // readiness DOWN at once, while the stream goes on for the delay
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() -> status(ready) == 503);
            JsonArray checks = new JsonObject(HTTP.send(HttpRequest.newBuilder(ready).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).getJsonArray("checks");
            assertThat(checks.stream().map(JsonObject.class::cast)
                    .filter(c -> c.getString("name").equals("Graceful Shutdown")).findFirst().orElseThrow()
                    .getString("status")).isEqualTo("DOWN");
            String during = "during the shutdown delay " + UUID.randomUUID();
            Multicast.sendTo(sender, during.getBytes(), Multicast.GROUP, PORT);
            await().atMost(Duration.ofSeconds(2)).until(() -> client.output().contains(during));
            assertThat(curl.isAlive()).as("the stream is open during the delay").isTrue();

            // then the stream ends cleanly: curl -N exits 0 (18 would be a cut-off chunked stream)
            Integer curlExit = curl.waitFor(DELAY.toSeconds() + 5);
            assertThat(curlExit).as("curl's exit status").isEqualTo(0);
            assertThat(Duration.ofNanos(System.nanoTime() - sigterm)).isGreaterThanOrEqualTo(DELAY.minusMillis(200));

            Integer exit = gateway.waitFor(DELAY.plus(TIMEOUT).toSeconds());
            assertThat(exit).as("the JVM's exit status after SIGTERM (128 + 15)").isEqualTo(143);
            assertThat(messages(gateway)).contains("Left default " + Multicast.GROUP + ":" + PORT + " on lo");
        } finally {
            if (curl != null) {
                curl.close();
            }
        }
    }

    private static int status(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static List<JsonObject> jsonLines(GatewayProcess gateway) throws Exception {
        return Files.readAllLines(gateway.log()).stream().filter(l -> !l.isBlank()).map(l -> {
            assertThat(l).as("a console line").startsWith("{");
            return new JsonObject(l);
        }).toList();
    }

    private static List<String> messages(GatewayProcess gateway) throws Exception {
        return jsonLines(gateway).stream().map(j -> j.getString("message")).toList();
    }

    private static JsonObject datagramLine(GatewayProcess gateway, String text) throws Exception {
        return jsonLines(gateway).stream().filter(j -> j.getString("message").equals(
                "Receive data from " + j.getJsonObject("mdc", new JsonObject()).getString("source") + ": " + text))
                .findFirst().orElse(null);
    }
}
