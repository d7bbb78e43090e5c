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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Commands;
import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.Tools;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The container image of {@code src/main/docker/Dockerfile.jvm}, built by podman on a base image made
 * from Debian's packages (no registry is reachable here), run with host networking on lo: it
 * streams a datagram sent to the group, runs as a non-root user with a read-only root and no
 * capabilities (as the Kubernetes manifests run it), runs with its own JVM options (ZGC) and the AppCDS archive its
 * build trained, honours JAVA_OPTS_APPEND, and stops cleanly on {@code podman stop} (SIGTERM) within the grace period.
 */
@Order(9)
@ResourceLock(ItResources.CPU)
class ContainerIT {

    static final String BASE_IMAGE = "localhost/mcast-gateway-base:bookworm";
    private static final String IMAGE = "localhost/mcast-gateway:it";
    private static final String CONTAINER = "mcast-gateway-it";
    private static final int PORT = 23996;
    private static final int HTTP_PORT = 18083;
    private static final int GRACE_SECONDS = 30;
    private static final Path WORK = GatewayProcess.BASEDIR.resolve("target/container");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static boolean built;

    /** podman's settings for these machines, with the image built (once per run). */
    private static synchronized Path image() throws Exception {
        String missing = Tools.notRoot() != null ? "root (podman here runs as root)"
                : Tools.missingCommands("podman", "runc", "mmdebstrap", "curl");
        Tools.require("ContainerIT", missing == null ? null : missing + " (apt-get install podman runc mmdebstrap curl)");
        Files.createDirectories(WORK);
        Path conf = WORK.resolve("containers.conf");
        // this machine refuses the default ulimits
        Files.writeString(conf, "[containers]\ndefault_ulimits = []\n");
        if (!built) {
            ensureBaseImage(conf);
            podman(conf, 300, "build", "--build-arg", "BASE_IMAGE=" + BASE_IMAGE, "-f",
                    GatewayProcess.BASEDIR.resolve("src/main/docker/Dockerfile.jvm").toString(), "-t", IMAGE,
                    GatewayProcess.BASEDIR.toString());
            built = true;
        }
        return conf;
    }

    @Test
    void shouldStreamFromItsContainerAsNonRootAndStopCleanlyOnSigterm() throws Exception {
        Path conf = image();
        removeContainer(conf, CONTAINER);
        GatewayProcess curl = null;
        try (DatagramSocket sender = Multicast.sender()) {
            podman(conf, 60, "run", "-d", "--name", CONTAINER, "--network", "host",
                    // what the Kubernetes manifests' securityContext asks: read-only root (a tmpfs on /tmp),
                    // no capabilities, no privilege escalation
                    "--read-only", "--cap-drop=ALL", "--security-opt=no-new-privileges",
                    "-e", "MCAST_INTERFACE=lo", "-e", "MCAST_PORT=" + PORT, "-e", "MCAST_SENDER_ENABLED=false",
                    "-e", "QUARKUS_SHUTDOWN_DELAY=2s",
                    // the image's own JVM options (ZGC among them), and the HTTP port only through
                    // JAVA_OPTS_APPEND: reaching it proves they are honoured
                    "-e", "JAVA_OPTS_APPEND=-Dquarkus.http.port=" + HTTP_PORT,
                    IMAGE);
            URI ready = URI.create("http://localhost:" + HTTP_PORT + "/q/health/ready");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                    .until(() -> HTTP.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode() == 200);

            curl = GatewayProcess.start("container-curl", GatewayProcess.BASEDIR, Map.of(),
                    List.of("curl", "-sS", "-N", "http://localhost:" + HTTP_PORT + "/api/events"));
            GatewayProcess client = curl;
            await().atMost(Duration.ofSeconds(10)).until(() -> client.output().startsWith("retry:"));
            String text = "into the container " + UUID.randomUUID();
            Multicast.sendTo(sender, text.getBytes(), Multicast.GROUP, PORT);
            await().atMost(Duration.ofSeconds(10)).until(() -> client.output().contains("\"text\":\"" + text + "\""));

            String pid = podman(conf, 30, "inspect", "-f", "{{.State.Pid}}", CONTAINER).trim();
            String uids = Files.readAllLines(Path.of("/proc", pid, "status")).stream()
                    .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
            assertThat(uids.split("\\s+")).as(uids).containsExactly("Uid:", "185", "185", "185", "185");
            // the AppCDS archive that the image's build trained with the image's own JDK and options is in use
            assertThat(Files.readString(Path.of("/proc", pid, "maps"))).as("the JVM's mappings")
                    .contains("/deployments/app.jsa");
            assertThat(Files.readString(Path.of("/proc", pid, "cmdline")).replace('\0', ' '))
                    .startsWith("java -XX:MaxRAMPercentage=75 -XX:+UseZGC ")
                    .contains("-Dquarkus.http.port=" + HTTP_PORT + " -jar /deployments/quarkus-run.jar");

            long start = System.nanoTime();
            podman(conf, GRACE_SECONDS + 30, "stop", "-t", String.valueOf(GRACE_SECONDS), CONTAINER);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).as("podman stop").isLessThan(Duration.ofSeconds(GRACE_SECONDS));
            assertThat(podman(conf, 30, "inspect", "-f", "{{.State.ExitCode}}", CONTAINER).trim())
                    .as("exit status after SIGTERM (143 = 128 + 15; 137 would be the SIGKILL after the grace period)")
                    .isEqualTo("143");
            assertThat(curl.waitFor(10)).as("curl -N's exit status: the stream ended cleanly").isEqualTo(0);
            assertThat(podman(conf, 30, "logs", CONTAINER)).contains("Left default " + Multicast.GROUP + ":" + PORT + " on lo");
        } finally {
            if (curl != null) {
                curl.close();
            }
            removeContainer(conf, CONTAINER);
        }
    }

    /**
     * With the DaemonSet's memory limit (512 MiB), streams are opened until the gateway refuses more: it
     * says 503 before its heap runs out, and stays alive and ready; one client address meets its own cap
     * (429) long before that.
     */
    @Test
    void shouldRefuseStreamsBeforeItsMemoryRunsOutAndStayReady() throws Exception {
        Path conf = image();
        String name = CONTAINER + "-memory";
        int httpPort = HTTP_PORT + 1;
        removeContainer(conf, name);
        List<java.net.Socket> streams = new ArrayList<>();
        try {
            podman(conf, 60, "run", "-d", "--name", name, "--network", "host", "--memory", "512m",
                    "-e", "MCAST_INTERFACE=lo", "-e", "MCAST_PORT=" + (PORT + 1), "-e", "MCAST_SENDER_ENABLED=false",
                    "-e", "MCAST_RECEIVER_LOG=off", "-e", "QUARKUS_SHUTDOWN_DELAY=0s",
                    "-e", "JAVA_OPTS_APPEND=-Dquarkus.http.port=" + httpPort, IMAGE);
            URI base = URI.create("http://localhost:" + httpPort);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                    .until(() -> status(base.resolve("/q/health/ready")) == 200);
            int max = new io.vertx.core.json.JsonObject(HTTP.send(HttpRequest.newBuilder(base.resolve("/api/stats")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).getInteger("maxSubscribers");
            // 512 MiB, three quarters of it heap, half of that for streams at 16 KiB each
            assertThat(max).as("streams the heap holds").isBetween(2_000, 12_288);

            // one address: its own cap (64) first
            String first = null;
            for (int i = 0; i < 65; i++) {
                first = open(streams, "127.0.0.1", httpPort);
            }
            assertThat(first).as("the 65th stream from one address").startsWith("HTTP/1.1 429");
            streams.remove(streams.size() - 1).close();
            assertThat(streams).hasSize(64);

            // many addresses (127.0.0.0/8 is all this host's): until the gateway says 503
            String refused = null;
            for (int i = 0; refused == null && i < max + 200; i++) {
                String from = "127.3." + (1 + i / 60 / 250) + "." + (1 + i / 60 % 250);
                String answer = open(streams, from, httpPort);
                if (!answer.startsWith("HTTP/1.1 200")) {
                    refused = answer;
                    streams.remove(streams.size() - 1).close();
                }
            }
            assertThat(refused).as("the answer beyond the cap").startsWith("HTTP/1.1 503");
            assertThat(streams).hasSize(max);
            assertThat(status(base.resolve("/q/health/ready"))).as("ready with every stream open").isEqualTo(200);
            assertThat(status(base.resolve("/q/health/live"))).isEqualTo(200);
            assertThat(podman(conf, 30, "inspect", "-f", "{{.State.Running}} {{.State.OOMKilled}}", name).trim())
                    .isEqualTo("true false");
        } finally {
            for (java.net.Socket s : streams) {
                s.close();
            }
            removeContainer(conf, name);
        }
    }

    private static int status(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Opens /api/events from {@code from} and keeps the socket; returns the status line. */
    private static String open(List<java.net.Socket> streams, String from, int port) throws Exception {
        java.net.Socket socket = new java.net.Socket();
        streams.add(socket);
        socket.bind(new java.net.InetSocketAddress(from, 0));
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write("GET /api/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        StringBuilder line = new StringBuilder();
        for (int c = socket.getInputStream().read(); c >= 0 && c != '\n'; c = socket.getInputStream().read()) {
            line.append((char) c);
        }
        return line.toString().trim();
    }

    /** The Java 17 base image from Debian's packages; kept between runs (about 40 s to make). */
    private static void ensureBaseImage(Path conf) {
        try {
            podman(conf, 30, "image", "exists", BASE_IMAGE);
            return;
        } catch (IllegalStateException absent) {
            // make it
        }
        Path tar = WORK.resolve("base.tar");
        Commands.run(List.of("mmdebstrap", "--variant=apt", "--include=openjdk-17-jre-headless,ca-certificates",
                "bookworm", tar.toString()), Map.of(), new byte[0], 600);
        podman(conf, 300, "import", tar.toString(), BASE_IMAGE);
        try {
            Files.delete(tar);
        } catch (Exception e) {
            // only space
        }
    }

    private static void removeContainer(Path conf, String name) {
        podman(conf, 60, "rm", "-f", "--ignore", name);
    }

    /** podman as it works on these machines: runc, cgroupfs, no default ulimits. */
    static String podman(Path conf, int timeoutSeconds, String... args) {
        List<String> command = new ArrayList<>(List.of("podman", "--runtime", "runc", "--cgroup-manager", "cgroupfs"));
        command.addAll(List.of(args));
        return Commands.run(command, Map.of("CONTAINERS_CONF", conf.toString()), new byte[0], timeoutSeconds);
    }
}
