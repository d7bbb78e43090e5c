package io.mcastgateway.aot;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.mcastgateway.support.HttpStatus;
import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.Ports;
import io.mcastgateway.support.SseClient;

/**
 * The training run behind the packaged gateway's AOT cache (JDK 25+, JEP 483/514/515), run by {@code ./mvnw package}
 * right after Quarkus has built {@code target/quarkus-app} (an {@code aot-jar}: every class on the JDK's application
 * class path, so the cache can hold them all).
 * <p>
 * It starts the packaged gateway on a JDK 25+ with {@code -XX:AOTCacheOutput=app.aot}, on {@code lo} with TTL 0,
 * waits until it is ready, does what users do (an SSE stream that receives multicast datagrams, the JSON API, a
 * publish, health, metrics, the API description), then stops it with SIGTERM: the JDK writes the cache on the way
 * out. It then writes the launcher {@code target/quarkus-app/run}, which starts the gateway from that cache with the
 * same JDK.
 * <p>
 * Which JDK: as {@link Jdks} finds a JDK 25 or newer ({@code -Daot.jdk=<home>}, the one running this, Maven
 * toolchains, {@code JAVA_HOME}, the usual install folders). None found: the JDK running this (17+) writes a dynamic AppCDS archive
 * ({@code app.jsa}: the classes only) instead, with a warning, and {@code run} uses that.
 */
public final class AotTraining {

    private static final Duration READY_WITHIN = Duration.ofSeconds(60);
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(180);
    private static final int DATAGRAMS = 2_000;
    /** Not the default group: a gateway in dev mode on this machine must not see the training's traffic. */
    private static final String GROUP = "239.255.77.77";
    private static final int PORT = 23977;

    private AotTraining() {
    }

    /** How the JVM keeps what the training run loaded: the file, and the options that write and read it. */
    public record Archive(String file, String write, String read) {
        /** JDK 25+: classes loaded and linked, method profiles (JEP 483, 514, 515). */
        public static final Archive AOT_CACHE = new Archive("app.aot", "-XX:AOTCacheOutput=app.aot", "-XX:AOTCache=app.aot");
        /** Older JDKs (17+): the loaded classes only, a dynamic AppCDS archive. */
        public static final Archive APP_CDS = new Archive("app.jsa", "-XX:ArchiveClassesAtExit=app.jsa",
                "-XX:SharedArchiveFile=app.jsa");
    }

    public static void main(String[] args) throws Exception {
        train(Path.of(args.length > 0 ? args[0] : "target/quarkus-app").toAbsolutePath(), configuredJdk());
    }

    /**
     * The home of the JDK 25+ to train with, as {@link Jdks} finds it ({@code -Daot.jdk}, the build's JDK, Maven
     * toolchains, {@code JAVA_HOME}, the usual install folders); null when there is none.
     */
    public static String configuredJdk() {
        return Jdks.ofThisMachine(25).find(System.getProperty("aot.jdk"), System.getProperty("aot.toolchains"))
                .map(found -> {
                    System.out.println("[aot] JDK " + Jdks.version(found.home()) + " at " + found.home() + " (" + found.how() + ")");
                    return found.home().toString();
                }).orElse(null);
    }

    /**
     * Trains the packaged gateway in {@code app} and writes its archive and {@code run}: with the JDK 25+ at
     * {@code home} (or this one, when 25+), else with this JDK's AppCDS. Returns the archive written.
     */
    public static Archive train(Path app, String home) throws Exception {
        for (Archive archive : List.of(Archive.AOT_CACHE, Archive.APP_CDS)) {
            Files.deleteIfExists(app.resolve(archive.file())); // an earlier build's no longer matches the jars
        }
        Path java = trainingJava(home);
        Archive archive = Archive.AOT_CACHE;
        if (java == null) {
            java = Path.of(System.getProperty("java.home"), "bin", "java");
            archive = Archive.APP_CDS;
            System.out.println("[aot] WARNING: no JDK 25 or newer " + (home == null ? "found" : "at " + home)
                    + " (-Daot.jdk=<home>, a jdk toolchain in ~/.m2/toolchains.xml, JAVA_HOME, JAVA25_HOME): an AppCDS archive"
                    + " for " + java + " instead of the AOT cache (a start of about 1 s instead of 0.8 s)");
        }
        long started = System.nanoTime();
        Path log = app.resolveSibling(app.getFileName() + "-training.log");
        int http = Ports.free();
        ProcessBuilder builder = new ProcessBuilder(java.toString(), archive.write(), "-jar", "quarkus-run.jar")
                .directory(app.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        String token = UUID.randomUUID().toString();
        builder.environment().putAll(Map.of("MCAST_INTERFACE", "lo", "MCAST_TTL", "0", "MCAST_GROUP", GROUP,
                "MCAST_PORT", String.valueOf(PORT), "MCAST_SENDER_INTERVAL", "100ms", "MCAST_PUBLISH_TOKEN", token,
                "QUARKUS_HTTP_PORT", String.valueOf(http), "QUARKUS_SHUTDOWN_DELAY", "0s"));
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        Process gateway = builder.start();
        try {
            exercise(URI.create("http://127.0.0.1:" + http), token, gateway, log);
        } catch (Exception e) {
            gateway.descendants().forEach(ProcessHandle::destroyForcibly);
            gateway.destroyForcibly();
            throw new IllegalStateException("AOT training run failed (" + e.getMessage() + "); see " + log
                    + " (-Daot.skip=true builds without the training run)", e);
        }
        gateway.destroy(); // SIGTERM: the JDK writes the archive on exit (JDK 25: in a child JVM)
        if (!gateway.waitFor(EXIT_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
            gateway.destroyForcibly();
            throw new IllegalStateException("the training run did not exit within " + EXIT_WITHIN + "; see " + log);
        }
        Path file = app.resolve(archive.file());
        if (!Files.isRegularFile(file) || Files.size(file) == 0) {
            throw new IllegalStateException("the training run wrote no " + file + "; see " + log);
        }
        writeLauncher(app, java, archive);
        System.out.printf("[aot] %s: %d MB, from a training run of %.1f s on %s; start the gateway with %s%n", file,
                Files.size(file) >> 20, (System.nanoTime() - started) / 1e9, java, app.resolve("run"));
        return archive;
    }

    /** What users do, so that the classes and method profiles of all of it are in the cache. */
    private static void exercise(URI base, String token, Process gateway, Path log) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (HttpStatus.of(client, base.resolve("/q/health/ready"), Duration.ofSeconds(10)) != 200) {
            if (!gateway.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the gateway did not get ready");
            }
            Thread.sleep(20);
        }
        try (SseClient stream = SseClient.open(base.resolve("/api/events"));
                DatagramSocket sender = Multicast.sender()) {
            sender.setOption(java.net.StandardSocketOptions.IP_MULTICAST_TTL, 0);
            for (int i = 0; i < DATAGRAMS; i++) {
                Multicast.sendTo(sender, ("training datagram " + i).getBytes(StandardCharsets.UTF_8), GROUP, PORT);
                if (i % 100 == 99) {
                    Thread.sleep(5);
                }
            }
            deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (stream.events("datagram").size() < DATAGRAMS && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            int got = stream.events("datagram").size();
            if (got < DATAGRAMS / 2) { // some loss is no harm here; a dead receive path is
                throw new IllegalStateException("the stream delivered " + got + " of " + DATAGRAMS + " datagrams");
            }
        }
        List<String> gets = List.of("/api/stats", "/api/channels", "/api/sources", "/api/publish", "/q/health",
                "/q/health/live", "/q/health/ready", "/q/health/started", "/q/metrics", "/q/openapi",
                "/q/openapi?format=json", "/", "/api/events?channel=nope");
        List<String> failed = new ArrayList<>();
        for (String path : gets) {
            int status = HttpStatus.of(client, base.resolve(path), Duration.ofSeconds(10));
            if (status >= 500 || status < 0) {
                failed.add(path + " " + status);
            }
        }
        int published = client.send(HttpRequest.newBuilder(base.resolve("/api/channels/default/messages"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("training message")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        if (published / 100 != 2) {
            failed.add("POST /api/channels/default/messages " + published);
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("requests failed: " + failed);
        }
        if (!Files.readString(log).contains("started in")) {
            throw new IllegalStateException("the gateway's log does not say it started");
        }
    }

    /** The JDK to train with: this one when 25+, else {@code home}'s when 25+, else null. */
    public static Path trainingJava(String home) throws Exception {
        if (Runtime.version().feature() >= 25) {
            return Path.of(System.getProperty("java.home"), "bin", "java");
        }
        if (home == null) {
            return null;
        }
        // the JDK's release file, as Jdks found it (no process started to ask)
        return Jdks.version(Path.of(home)) >= 25 ? Path.of(home, "bin", "java") : null;
    }

    /**
     * JVM options that put the JIT compilers' threads at nice 19 (and, as root, the JVM's own threads a little above
     * the application's, by their Java priority): start to ready about 0.1 s sooner here (docs/performance.md, "Start").
     */
    static final String COMPILERS_AT_LOWEST_PRIORITY =
            "-XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=19";

    /**
     * {@code run}: starts the gateway from its directory (the archive names the class path as the training saw it),
     * with the training's JVM and archive, as root with {@link #COMPILERS_AT_LOWEST_PRIORITY}; JAVA_OPTS adds options
     * (and overrides those), arguments go to the application.
     */
    static void writeLauncher(Path app, Path java, Archive archive) throws IOException {
        String script = """
                #!/bin/sh
                # The packaged gateway, started as ./mvnw package trained it (docs/performance.md, "Start"): written by
                # io.mcastgateway.aot.AotTraining. JAVA_OPTS adds JVM options; the settings are MCAST_* variables.
                cd "$(dirname "$0")" || exit 1
                archive="%2$s"
                case " $JAVA_OPTS $JDK_JAVA_OPTIONS " in
                  # the archive holds compressed object pointers (G1, the training's collector): a JVM without them
                  # cannot map it and would say so in error lines before starting the slow way
                  *" -XX:+UseZGC "*|*" -XX:-UseCompressedOops "*)
                    echo "run: $archive left out: it is not usable with ZGC or without compressed oops" >&2
                    archive= ;;
                esac
                # the JIT compilers' threads at nice 19: on two CPUs they took more CPU time than the main thread
                # during start-up (docs/performance.md, "Start"). As root only: for other users the JVM warns on every start
                # (JAVA_OPTS can set the same, warning and all)
                priority=
                [ "$(id -u)" = 0 ] && priority="%3$s"
                exec %1$s $archive $priority $JAVA_OPTS -jar quarkus-run.jar "$@"
                """.formatted(java, archive.read(), COMPILERS_AT_LOWEST_PRIORITY);
        Path run = app.resolve("run");
        Files.writeString(run, script);
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
