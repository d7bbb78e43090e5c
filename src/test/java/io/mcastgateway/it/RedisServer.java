package io.mcastgateway.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;

import io.mcastgateway.support.Ports;
import io.mcastgateway.support.Tools;

/**
 * A real redis-server (Debian's), started by a test on a free port, without persistence (its working
 * directory is under target/), and stopped by it. {@link #stop()} and {@link #start()} again keep the
 * port: a restart as an operator's, with an empty Redis afterwards.
 */
public final class RedisServer implements AutoCloseable {

    private final String name;
    private final String bind;
    private final int port;
    private final List<String> prefix;
    private GatewayProcess process;
    private int starts;

    private RedisServer(String name, String bind, int port, List<String> prefix) {
        this.name = name;
        this.bind = bind;
        this.port = port;
        this.prefix = prefix;
    }

    /** Why these tests cannot run here, or null when they can. */
    public static String unavailableReason() {
        String missing = Tools.missingCommands("redis-server", "redis-cli");
        return missing == null ? null : missing + " (apt-get install redis-server)";
    }

    /** On 127.0.0.1, a free port. */
    public static RedisServer onLoopback(String name) {
        RedisServer server = new RedisServer(name, "127.0.0.1", Ports.free(), List.of());
        server.start();
        return server;
    }

    /** Inside a network namespace, bound to an address of it. */
    public static RedisServer inNamespace(String name, String ns, String bind, int port) {
        RedisServer server = new RedisServer(name, bind, port, Netns.in(ns));
        server.start();
        return server;
    }

    public void start() {
        Path dir = GatewayProcess.BASEDIR.resolve("target/redis-it/" + name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("redis-server", "--port", String.valueOf(port), "--bind", bind, "--save", "",
                "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "no"));
        process = GatewayProcess.start("redis-" + name + "-" + (++starts), dir, Map.of(), command);
        if (prefix.isEmpty()) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(this::accepts);
        } else {
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> process.output().contains("Ready to accept connections"));
        }
    }

    /** Kills it (SIGKILL: as a crash, nothing saved). */
    public void stop() {
        process.kill();
    }

    private boolean accepts() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(bind, port), 200);
            return true;
        }
    }

    /** Runs redis-cli against it; returns what it printed. */
    public String cli(String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("redis-cli", "-h", bind, "-p", String.valueOf(port)));
        command.addAll(List.of(args));
        return Netns.run(command);
    }

    /** The value of quarkus.redis.hosts. */
    public String url() {
        return "redis://" + bind + ":" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
