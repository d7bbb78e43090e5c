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
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.mcastgateway.aot.AotTraining;
import io.mcastgateway.aot.AotTraining.Archive;
import io.mcastgateway.support.HttpStatus;
import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.SseClient;
import io.mcastgateway.support.Tools;
import io.mcastgateway.support.Trees;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The packaged gateway as docs/operations.md says to start it, {@code target/quarkus-app/run}: the JVM and archive of
 * {@code ./mvnw package}'s training run. The JVM is told to refuse to start unless it can use the archive
 * ({@code -XX:AOTMode=on}, {@code -Xshare:on}), and its class-loading log says where each class came from: the
 * gateway's own classes, Quarkus' and its libraries' must come from the archive (behind Quarkus' fast-jar class loader
 * they could not). Run as root, it puts the JIT compilers' threads at nice 19, and the JVM does not warn about it. Not
 * a timing: how fast it starts is {@code bench/run}'s to say.
 */
@Order(11)
@ResourceLock(ItResources.CPU)
class AotCacheIT {

    private static final Path APP = GatewayProcess.BASEDIR.resolve("target/quarkus-app");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<String> FROM_THE_ARCHIVE = List.of("io.mcastgateway.multicast.MulticastReceiver",
            "io.mcastgateway.hub.DatagramFrames", "io.mcastgateway.sse.EventStreamRoute",
            "io.quarkus.runtime.Application", "io.vertx.core.impl.VertxImpl", "com.fasterxml.jackson.core.JsonFactory");

    @Test
    void shouldStartFromTheTrainedAotCacheWithTheApplicationsClassesInItAndServeTheStream() throws Exception {
        Path jdk = AotTraining.trainingJava(AotTraining.configuredJdk());
        Tools.require("AotCacheIT", jdk == null ? "a JDK 25 or newer (-Daot.jdk=<home>, a toolchain, JAVA_HOME or /usr/lib/jvm)" : null);
        assertThat(APP.resolve("app.aot")).as("the training run's cache").isRegularFile();
        assertThat(Files.readString(APP.resolve("run"))).contains(jdk.toString(), "-XX:AOTCache=app.aot");

        String loaded = startAndStream(APP, "aot", "-XX:AOTMode=on", 23978, 18085);
        for (String name : FROM_THE_ARCHIVE) {
            assertThat(loaded).contains(name + " source: shared objects file");
        }
        assertThat(loaded.lines().filter(l -> l.contains(" io.mcastgateway.") && !l.contains("shared objects file")))
                .as("the gateway's classes (their lambdas too) loaded from the jars, not from the cache").isEmpty();
    }

    @Test
    void shouldTrainAnAppCdsArchiveWhereNoJdk25IsFoundAndStartFromIt() throws Exception {
        Path app = GatewayProcess.BASEDIR.resolve("target/aot-cds-app");
        copyApplication(APP, app);
        Archive archive = AotTraining.train(app, "/nonexistent-jdk");
        Archive expected = Runtime.version().feature() >= 25 ? Archive.AOT_CACHE : Archive.APP_CDS;
        assertThat(archive).isEqualTo(expected);
        assertThat(Files.readString(app.resolve("run")))
                .contains(Path.of(System.getProperty("java.home"), "bin", "java").toString(), archive.read());

        String loaded = startAndStream(app, "cds", expected == Archive.APP_CDS ? "-Xshare:on" : "-XX:AOTMode=on",
                23979, 18086);
        for (String name : FROM_THE_ARCHIVE) {
            assertThat(loaded).contains(name + " source: shared objects file");
        }
    }

    /** Starts {@code app/run}, gets a datagram through the stream, and returns the class-loading log. */
    private static String startAndStream(Path app, String name, String strict, int port, int httpPort)
            throws Exception {
        Path classes = GatewayProcess.BASEDIR.resolve("target/it-logs/" + name + "-class-load.log");
        Files.createDirectories(classes.getParent());
        Files.deleteIfExists(classes);
        URI base = URI.create("http://localhost:" + httpPort);
        try (GatewayProcess gateway = GatewayProcess.start(name + "-run", GatewayProcess.BASEDIR, Map.of(
                "JAVA_OPTS", strict + " -Xlog:class+load=info:file=" + classes,
                "MCAST_INTERFACE", "lo", "MCAST_TTL", "0", "MCAST_PORT", String.valueOf(port),
                "MCAST_SENDER_ENABLED", "false", "QUARKUS_HTTP_PORT", String.valueOf(httpPort),
                "QUARKUS_SHUTDOWN_DELAY", "0s"), List.of(app.resolve("run").toString()));
                DatagramSocket sender = Multicast.sender()) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> {
                        assertThat(gateway.isAlive()).as("the gateway (%s: it exits when the archive is unusable);"
                                + " its output:\n%s", strict, gateway.output()).isTrue();
                        return HttpStatus.of(HTTP, base.resolve("/q/health/ready"), Duration.ofSeconds(5)) == 200;
                    });
            try (SseClient stream = SseClient.open(base.resolve("/api/events"))) {
                String text = "from the archived classes " + UUID.randomUUID();
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    Multicast.sendTo(sender, text.getBytes(), Multicast.GROUP, port);
                    return !stream.datagramsWithText(text).isEmpty();
                });
            }
            assertThat(gateway.output()).doesNotContain("[error", "[warning][aot]", "[warning][cds]",
                    "Unable to use AOT cache", "ThreadPriorityPolicy");
            int expected = Tools.notRoot() == null ? 19 : nice(Files.readString(Path.of("/proc/self/stat")));
            assertThat(compilerThreadNice(gateway.pid()))
                    .as("the nice values of the JIT compilers' threads (19 when run as root, else this JVM's own)")
                    .isNotEmpty().containsOnly(expected);
        }
        return Files.readString(classes);
    }

    /** The nice value of each of the process's JIT compiler threads ("C1 CompilerThre", "C2 CompilerThre"). */
    private static List<Integer> compilerThreadNice(long pid) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            return tasks.map(task -> {
                try {
                    return Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    return ""; // the thread ended meanwhile
                }
            }).filter(stat -> stat.contains(" CompilerThre")).map(AotCacheIT::nice).toList();
        }
    }

    /** The nice value in a thread's or process's {@code stat} line. */
    private static int nice(String stat) {
        // after "pid (comm) ": state is field 3 of proc(5)'s stat, nice field 19
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[19 - 3]);
    }

    /** The packaged application without the training's output (a fresh {@code ./mvnw package} has none yet). */
    private static void copyApplication(Path from, Path to) throws IOException {
        Trees.delete(to);
        Trees.copy(from, to, rel -> List.of("app.aot", "app.jsa", "run").contains(rel.toString()));
    }
}
