package io.mcastgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.HttpStatus;
import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.SseClient;
import io.mcastgateway.support.Trees;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Live reload as a developer does it: {@code ./mvnw quarkus:dev} on a copy of the project with two
 * channels, a source file edited three times with a request after each edit. Each reload must leave
 * the groups and close every socket, so that a datagram is then delivered exactly once on each channel.
 */
@Order(10)
@ResourceLock(ItResources.CPU)
class DevModeReloadIT {

    private static final int HTTP_PORT = 18080;
    private static final Path COPY = GatewayProcess.BASEDIR.resolve("target/devmode-it/project");
    private static final String SECOND_GROUP = "239.255.255.251";
    private static final Path EDITED = Path.of("src/main/java/io/mcastgateway/hub/Timestamps.java");

    @Test
    void shouldDeliverEachDatagramExactlyOnceAfterThreeLiveReloads() throws Exception {
        copyProject();
        String mvnw = COPY.resolve("mvnw").toString();
        List<String> command = List.of(mvnw, "-B", "quarkus:dev", "-Dquarkus.http.port=" + HTTP_PORT,
                "-Ddebug=false", "-Dquarkus.console.enabled=false", "-Dquarkus.analytics.disabled=true",
                "-Dmcast.sender.interval=1h", "-Dmcast.channels.second.group=" + SECOND_GROUP);
        HttpClient http = HttpClient.newHttpClient();
        URI health = URI.create("http://localhost:" + HTTP_PORT + "/q/health/ready");
        try (GatewayProcess dev = GatewayProcess.start("devmode", COPY, Map.of(), command)) {
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> !dev.isAlive() || HttpStatus.of(http, health, Duration.ofSeconds(60)) == 200);
            assertThat(dev.isAlive()).as("dev mode started; output:\n%s", dev.output()).isTrue();
            assertThat(count(dev.output(), "Joined default")).isEqualTo(1);
            assertThat(count(dev.output(), "Joined second")).isEqualTo(1);

            for (int edit = 1; edit <= 3; edit++) {
                editSource(edit);
                int reloads = edit;
                // a request after an edit is what makes dev mode reload; it looks for changes at most
                // every 2 s, so keep requesting like a developer refreshing the page
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> HttpStatus.of(http, health, Duration.ofSeconds(60)) == 200 && count(dev.output(), "Joined default") == reloads + 1
                                && count(dev.output(), "Joined second") == reloads + 1);
            }

            try (DatagramSocket sender = Multicast.sender();
                    SseClient client = SseClient.open(URI.create("http://localhost:" + HTTP_PORT + "/api/events"))) {
                String id = UUID.randomUUID().toString();
                Multicast.send(sender, "default " + id);
                Multicast.sendTo(sender, ("second " + id).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        SECOND_GROUP, Multicast.PORT);
                await().atMost(Duration.ofSeconds(10)).until(() -> client.datagramsWithText("default " + id).size() >= 1
                        && client.datagramsWithText("second " + id).size() >= 1);
                // later datagrams arriving prove any duplicate of the first ones would have arrived by now
                Multicast.send(sender, "marker " + id);
                Multicast.sendTo(sender, ("marker2 " + id).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        SECOND_GROUP, Multicast.PORT);
                await().atMost(Duration.ofSeconds(10)).until(() -> client.datagramsWithText("marker " + id).size() >= 1
                        && client.datagramsWithText("marker2 " + id).size() >= 1);

                assertThat(client.datagramsWithText("default " + id)).hasSize(1)
                        .allMatch(e -> e.getString("channel").equals("default"));
                assertThat(client.datagramsWithText("second " + id)).hasSize(1)
                        .allMatch(e -> e.getString("channel").equals("second"));
                assertThat(client.datagramsWithText("marker " + id)).hasSize(1);
                assertThat(client.datagramsWithText("marker2 " + id)).hasSize(1);
            }
            String output = dev.output();
            assertThat(output).doesNotContain("Address already in use");
            assertThat(count(output, "Receivers closed")).isEqualTo(3);
            assertThat(count(output, "Joined default")).isEqualTo(4);
            assertThat(count(output, "Joined second")).isEqualTo(4);
            assertThat(count(output, "Receive data from 127.0.0.1")).as("one log line per datagram")
                    .isEqualTo(4);
        }
    }

    private static int count(String text, String needle) {
        return (int) Pattern.compile(Pattern.quote(needle)).matcher(text).results().count();
    }

    private static void editSource(int n) throws IOException {
        Path file = COPY.resolve(EDITED);
        String source = Files.readString(file);
        int end = source.lastIndexOf('}');
        Files.writeString(file, source.substring(0, end) + "\n    static int liveReloadEdit" + n + "() {\n        return "
                + n + ";\n    }\n}\n");
    }

    private static void copyProject() throws IOException {
        Trees.delete(COPY);
        for (String part : List.of("pom.xml", "mvnw", ".mvn", "src/main")) {
            Trees.copy(GatewayProcess.BASEDIR.resolve(part), COPY.resolve(part), p -> false);
        }
    }
}
