package io.mcastgateway.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A child process of the benchmark whose stdout lines are JSON; stderr goes to a log file. */
final class Proc implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Writer stdin;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private Proc(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    /** A bench tool of this classpath: {@code java -cp <cp> io.mcastgateway.bench.<main> args}. */
    static Proc tool(Path log, String main, Object... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(Bench.JAVA, "-Xmx1g", "-cp",
                System.getProperty("java.class.path"), "io.mcastgateway.bench." + main));
        for (Object a : args) {
            cmd.add(String.valueOf(a));
        }
        return start(cmd, Map.of(), log, false);
    }

    /** With {@code logOutput}, stdout goes to the log too (a process that writes no JSON lines). */
    static Proc start(List<String> command, Map<String, String> env, Path log, boolean logOutput) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
            if (logOutput) {
                builder.redirectErrorStream(true).redirectOutput(log.toFile());
            }
            builder.environment().putAll(env);
            return new Proc(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next stdout line as JSON, waiting at most {@code seconds}. */
    JsonNode next(long seconds) throws Exception {
        String line = lines.poll(seconds, TimeUnit.SECONDS);
        if (line == null) {
            throw new IllegalStateException("no output from the process within " + seconds + " s");
        }
        return JSON.readTree(line);
    }

    /** Writes a line to its stdin (the tools end and print their results on it). */
    void tell(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    long pid() {
        return process.pid();
    }

    /** Clock ticks a second, for /proc/<pid>/stat. */
    private static final long CLOCK_TICKS = clockTicks();

    private static long clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
            return Long.parseLong(new String(getconf.getInputStream().readAllBytes()).trim());
        } catch (Exception e) {
            return 100;
        }
    }

    /** CPU time the process used so far, user and system, all threads ({@code /proc/<pid>/stat}). */
    long cpuNanos() throws IOException {
        String stat = java.nio.file.Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // f[0] is field 3, the state
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1_000_000_000L / CLOCK_TICKS;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
