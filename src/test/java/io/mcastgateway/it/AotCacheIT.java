package io.mcastgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.mcastgateway.aot.AotTraining;
import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.SseClient;
import io.mcastgateway.support.Tools;

/**
 * The packaged gateway as the README says to start it, {@code target/quarkus-app/run}: the JDK 25+ and AOT cache of
 * {@code ./mvnw package}'s training run. With {@code -XX:AOTMode=on} the JVM refuses to start unless it can use the
 * cache, and the class-loading log says where each class came from: the gateway's own classes, Quarkus' and its
 * libraries' must come from the cache (with Quarkus' fast-jar class loader none of them could). Not a timing: how
 * fast it starts is {@code bench/run}'s to say.
 */
class AotCacheIT {

    private static final int PORT = 23978;
    private static final int HTTP_PORT = 18083;
    private static final Path APP = GatewayProcess.BASEDIR.resolve("target/quarkus-app");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void shouldStartFromTheTrainedAotCacheWithTheApplicationsClassesInItAndServeTheStream() throws Exception {
        Path jdk = AotTraining.trainingJava(System.getProperty("aot.jdk", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        Tools.require("AotCacheIT", jdk == null ? "a JDK 25 or newer (-Daot.jdk=<home>)" : null);
        assertThat(APP.resolve("app.aot")).as("the training run's cache").isRegularFile();
        assertThat(Files.readString(APP.resolve("run"))).contains(jdk.toString(), "-XX:AOTCache=app.aot");

        Path classes = GatewayProcess.BASEDIR.resolve("target/it-logs/aot-class-load.log");
        Files.createDirectories(classes.getParent());
        Files.deleteIfExists(classes);
        URI base = URI.create("http://localhost:" + HTTP_PORT);
        try (GatewayProcess gateway = GatewayProcess.start("aot-run", GatewayProcess.BASEDIR, Map.of(
                "JAVA_OPTS", "-XX:AOTMode=on -Xlog:class+load=info:file=" + classes,
                "MCAST_INTERFACE", "lo", "MCAST_TTL", "0", "MCAST_PORT", String.valueOf(PORT),
                "MCAST_SENDER_ENABLED", "false", "QUARKUS_HTTP_PORT", String.valueOf(HTTP_PORT),
                "QUARKUS_SHUTDOWN_DELAY", "0s"), List.of(APP.resolve("run").toString()));
                DatagramSocket sender = Multicast.sender()) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> {
                        assertThat(gateway.isAlive()).as("the gateway (AOTMode=on: it exits when the cache is"
                                + " unusable); its output:\n%s", gateway.output()).isTrue();
                        return status(base.resolve("/q/health/ready")) == 200;
                    });
            try (SseClient stream = SseClient.open(base.resolve("/api/events"))) {
                String text = "from the cached classes " + UUID.randomUUID();
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    Multicast.sendTo(sender, text.getBytes(), Multicast.GROUP, PORT);
                    return !stream.datagramsWithText(text).isEmpty();
                });
            }
            assertThat(gateway.output()).doesNotContain("[error", "[warning][aot]", "Unable to use AOT cache");
            String loaded = Files.readString(classes);
            assertThat(loaded).contains(
                    "io.mcastgateway.multicast.MulticastReceiver source: shared objects file",
                    "io.mcastgateway.hub.DatagramFrames source: shared objects file",
                    "io.mcastgateway.rest.EventStreamRoute source: shared objects file",
                    "io.quarkus.runtime.Application source: shared objects file",
                    "io.vertx.core.impl.VertxImpl source: shared objects file",
                    "com.fasterxml.jackson.core.JsonFactory source: shared objects file");
            assertThat(loaded.lines().filter(l -> l.contains(" io.mcastgateway.") && !l.contains("shared objects file")))
                    .as("the gateway's classes loaded from the jars, not from the cache").isEmpty();
        }
    }

    private static int status(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
