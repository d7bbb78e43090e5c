package io.mcastgateway.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process of the packaged gateway or of Maven, with its output in a file under target/. Stopping it
 * also stops every process it started.
 */
public final class GatewayProcess implements AutoCloseable {

    public static final Path BASEDIR = Path.of(System.getProperty("project.basedir", ".")).toAbsolutePath();
    public static final Path RUNNER = BASEDIR.resolve("target/quarkus-app/quarkus-run.jar");

    private final Process process;
    private final Path log;

    private GatewayProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts the packaged gateway ({@code java -jar quarkus-run.jar}) with these environment variables. */
    public static GatewayProcess jar(String name, Map<String, String> env, String... command) {
        List<String> cmd = new ArrayList<>(List.of(command));
        cmd.addAll(List.of(jarCommand()));
        return start(name, BASEDIR, env, cmd);
    }

    /** The packaged gateway's command: {@link #java()} {@code -jar quarkus-run.jar}. */
    public static String[] jarCommand() {
        return new String[] { javaBinary(), C1_ONLY, "-jar", RUNNER.toString() };
    }

    public static GatewayProcess start(String name, Path dir, Map<String, String> env, List<String> command) {
        try {
            Path log = BASEDIR.resolve("target/it-logs/" + name + ".log");
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(env);
            return new GatewayProcess(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The JVM command of the gateways and helpers the ITs start: the build's JDK with the C1 compiler only.
     * The ITs check behaviour, not speed ({@code bench/run} measures that); C2's compiler threads were half
     * the CPU time of a gateway's start, and ITs run side by side on two CPUs.
     */
    public static List<String> java() {
        return List.of(javaBinary(), C1_ONLY);
    }

    private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    public Path log() {
        return log;
    }

    /** Sends SIGTERM (as {@code kill}, {@code podman stop} or a pod's termination do) and returns at once. */
    public void terminate() {
        process.destroy();
    }

    /** Kills it with SIGKILL, as a crash or an OOM kill would: nothing runs on the way out. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end by itself; null if it is still running after the timeout. */
    public Integer waitFor(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
    }

    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
    }
}
