package io.mcastgateway.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.tools.attach.VirtualMachine;

import io.mcastgateway.support.HttpStatus;

/**
 * The packaged gateway as users run it, on lo, with the benchmark's group and ports: {@code target/quarkus-app/run}
 * (the JDK and AOT cache of {@code ./mvnw package}'s training run, docs/performance.md "Start"), or {@code java -jar}.
 */
final class Gateway implements AutoCloseable {

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    static final Path RUN = Path.of("target/quarkus-app/run");
    /** Plain {@code java -jar} with the benchmark's own JVM: no AOT cache. */
    static final List<String> JAVA_JAR = List.of(Bench.JAVA, "-jar", JAR.toString());
    /**
     * The launcher users are told to use, {@code run}; {@code java -jar} when the build made none (-Daot.skip) or
     * {@code BENCH_LAUNCHER=java-jar} asks for it (to compare the JVMs).
     */
    static final List<String> LAUNCHER = Files.isExecutable(RUN) && !"java-jar".equals(System.getenv("BENCH_LAUNCHER"))
            ? List.of(RUN.toString()) : JAVA_JAR;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Proc proc;
    /** The HTTP port it listens on. */
    final int http;
    final Path log;
    /** From process start to the first 200 of /q/health/ready. */
    final long readyMillis;
    private JMXConnector jmx;

    Gateway(String name, Map<String, String> settings) throws Exception {
        this(name, settings, LAUNCHER);
    }

    Gateway(String name, Map<String, String> settings, List<String> command) throws Exception {
        this(name, settings, command, Bench.HTTP);
    }

    /** Listening on {@code http} (the passthrough rows' own port) instead of {@link Bench#HTTP}. */
    Gateway(String name, Map<String, String> settings, List<String> command, int http) throws Exception {
        this.http = http;
        log = Bench.OUT.resolve("gateway-" + name + ".log");
        Map<String, String> env = new HashMap<>(Map.of("MCAST_INTERFACE", "lo", "MCAST_GROUP", Bench.GROUP,
                "MCAST_PORT", String.valueOf(Bench.PORT), "QUARKUS_HTTP_PORT", String.valueOf(http),
                "MCAST_SENDER_ENABLED", "false", "MCAST_TTL", "0", "QUARKUS_SHUTDOWN_DELAY", "0s"));
        // every client of the benchmark is at 127.0.0.1: the cap per client address would stop the fan-out at 64
        env.put("MCAST_STREAM_MAX_PER_CLIENT", "1000000");
        env.putAll(settings);
        if (status("/q/health/ready") != -1) { // else the figures would be another process's
            throw new IllegalStateException("something already answers on port " + http + ": stop it first");
        }
        long start = System.nanoTime();
        proc = Proc.start(command, env, log, true);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (status("/q/health/ready") != 200) {
            if (!proc.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the gateway did not get ready; see " + log);
            }
            Thread.sleep(5);
        }
        readyMillis = (System.nanoTime() - start) / 1_000_000;
    }

    int status(String path) {
        return HttpStatus.of(HTTP, uri(path), Duration.ofSeconds(5));
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + http + path);
    }

    /** What a GET of {@code path} answered, read as JSON. */
    private JsonNode json(String path) throws Exception {
        return Proc.JSON.readTree(HTTP.send(HttpRequest.newBuilder(uri(path)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    JsonNode stats() throws Exception {
        return json("/api/stats");
    }

    /** The channel {@code name} as {@code GET /api/channels} shows it (its kernel figures, ...), or a missing node. */
    JsonNode channel(String name) throws Exception {
        for (JsonNode channel : json("/api/channels")) {
            if (channel.path("name").asText().equals(name)) {
                return channel;
            }
        }
        return Proc.JSON.missingNode();
    }

    /** The sender {@code source} (as /api/sources names it: ip:port) of the channel default, or a missing node. */
    JsonNode source(String source) throws Exception {
        for (JsonNode channel : json("/api/sources")) {
            for (JsonNode s : channel.path("sources")) {
                if (s.path("source").asText().equals(source)) {
                    return s;
                }
            }
        }
        return Proc.JSON.missingNode();
    }

    /** CPU time the gateway's process used so far, user and system, all threads ({@code /proc/<pid>/stat}). */
    long cpuNanos() throws Exception {
        return proc.cpuNanos();
    }

    /** Waits until every received event is delivered to every subscriber, or nothing moves for a second. */
    void awaitDelivered(long atMostMillis) throws Exception {
        long deadline = System.currentTimeMillis() + atMostMillis;
        long lastDelivered = -1;
        long stillSince = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline) {
            JsonNode s = stats();
            long delivered = s.path("delivered").asLong() + s.path("dropped").asLong();
            if (delivered == s.path("received").asLong() * s.path("subscribers").asLong() && delivered > 0) {
                Thread.sleep(200); // the last writes reach the client
                return;
            }
            if (delivered != lastDelivered) {
                lastDelivered = delivered;
                stillSince = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - stillSince > 1000) {
                return;
            }
            Thread.sleep(50);
        }
    }

    /** Bytes allocated by every thread of the gateway so far (JVM per-thread counters, read over JMX). */
    long allocatedBytes() throws Exception {
        var threads = ManagementFactory.newPlatformMXBeanProxy(jmx(), ManagementFactory.THREAD_MXBEAN_NAME,
                com.sun.management.ThreadMXBean.class);
        long sum = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(0, bytes);
        }
        return sum;
    }

    /** Garbage collections so far, all collectors (pauses or cycles), read over JMX. */
    long collections() throws Exception {
        long sum = 0;
        for (var collector : ManagementFactory.getPlatformMXBeans(jmx(), GarbageCollectorMXBean.class)) {
            sum += Math.max(0, collector.getCollectionCount());
        }
        return sum;
    }

    private MBeanServerConnection jmx() throws Exception {
        if (jmx == null) {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(proc.pid()));
            String address = vm.startLocalManagementAgent();
            vm.detach();
            jmx = JMXConnectorFactory.connect(new JMXServiceURL(address));
        }
        return jmx.getMBeanServerConnection();
    }

    /** The gateway's JVM, e.g. "OpenJDK 64-Bit Server VM 25.0.1+8-LTS", read over JMX. */
    String jvm() throws Exception {
        var runtime = ManagementFactory.newPlatformMXBeanProxy(jmx(), ManagementFactory.RUNTIME_MXBEAN_NAME,
                java.lang.management.RuntimeMXBean.class);
        return runtime.getVmName() + " " + runtime.getVmVersion();
    }

    /** Resident set size in MiB. */
    long rssMiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + proc.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    /** Quarkus' own "started in" figure, in ms. */
    long startedInMillis() throws Exception {
        var m = java.util.regex.Pattern.compile("started in (\\d+\\.\\d+)s").matcher(Files.readString(log));
        return m.find() ? Math.round(Double.parseDouble(m.group(1)) * 1000) : -1;
    }

    @Override
    public void close() throws Exception {
        if (jmx != null) {
            jmx.close();
        }
        proc.close();
        // the next gateway binds the same ports
        long deadline = System.currentTimeMillis() + 30_000;
        while (status("/q/health/live") != -1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
    }
}
