package io.mcastgateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.mcastgateway.hub.SseFrames;
import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/** {@code /q/openapi}: every endpoint, and the stream's events as they really are. */
@QuarkusTest
class OpenApiTest {

    @TestHTTPResource("/api/events")
    URL events;

    @Test
    void shouldDescribeEveryEndpointIncludingTheEventStreamRoute() {
        JsonObject paths = openApi().getJsonObject("paths");
        assertThat(paths.fieldNames()).contains("/api/events", "/api/stats", "/api/channels", "/api/sources",
                "/api/channels/{name}/messages", "/api/publish", "/api/session", "/q/health/live", "/q/health/ready");
        JsonObject stream = paths.getJsonObject("/api/events").getJsonObject("get");
        assertThat(stream.getJsonObject("responses").getJsonObject("200").getJsonObject("content").fieldNames())
                .containsExactly("text/event-stream");
        assertThat(stream.getJsonArray("parameters").stream().map(p -> ((JsonObject) p).getString("name")))
                .containsExactlyInAnyOrder("channel", "group", "source", "lastEventId", "Last-Event-ID");
        assertThat(stream.getJsonObject("responses").fieldNames()).contains("400");
        assertThat(paths.getJsonObject("/api/channels").getJsonObject("get").getString("operationId")).isEqualTo("channels");
        assertThat(paths.getJsonObject("/api/stats").getJsonObject("get").getString("operationId")).isEqualTo("streamStats");
    }

    @Test
    void shouldDescribeTheFieldsOfTheEventsTheStreamReallySends() throws Exception {
        JsonObject schemas = openApi().getJsonObject("components").getJsonObject("schemas");
        Set<String> sent = new HashSet<>();
        String marker = UUID.randomUUID().toString();
        try (SseClient client = SseClient.open(URI.create(events + "?source=127.0.0.1"));
                DatagramSocket sender = Multicast.sender()) {
            Multicast.send(sender, marker);
            Multicast.send(sender, new byte[] { (byte) 0xff, (byte) 0xfe, 0 }); // not UTF-8: base64
            Multicast.send(sender, "{\"seq\":7,\"text\":\"" + marker + "\"}"); // sequenced: seq
            await().atMost(Duration.ofSeconds(10)).until(() -> client.events("datagram").size() >= 3);
            client.events("datagram").forEach(e -> sent.addAll(e.json().fieldNames()));
        }
        assertThat(properties(schemas, "DatagramEvent")).isEqualTo(sent);
        assertThat(properties(schemas, "GapEvent")).isEqualTo(dataFields(new String(SseFrames.gap(1, "replay"), java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(properties(schemas, "ResetEvent")).isEqualTo(dataFields(new String(SseFrames.reset("e", "x-1"), java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static Set<String> properties(JsonObject schemas, String name) {
        return schemas.getJsonObject(name).getJsonObject("properties").fieldNames();
    }

    private static Set<String> dataFields(String frame) {
        String data = frame.lines().filter(l -> l.startsWith("data: ")).findFirst().orElseThrow().substring(6);
        return new JsonObject(data).fieldNames();
    }

    private static JsonObject openApi() {
        return new JsonObject(given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .extract().asString());
    }
}
