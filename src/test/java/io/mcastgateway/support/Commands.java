package io.mcastgateway.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command of the machine to its end, bounded in time. */
public final class Commands {

    private Commands() {
    }

    public static String run(List<String> command) {
        return run(command, Map.of(), new byte[0], 30);
    }

    /**
     * Runs {@code command} with {@code input} on its standard input and returns its output (standard
     * output and error); throws when it exits non-zero or runs longer than {@code timeoutSeconds}.
     */
    public static String run(List<String> command, Map<String, String> env, byte[] input, int timeoutSeconds) {
        File output = null;
        try {
            output = File.createTempFile("command", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output); // a file: a long output never blocks the command
            builder.environment().putAll(env);
            Process p = builder.start();
            p.getOutputStream().write(input);
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + ": no end after " + timeoutSeconds + " s");
            }
            String text = Files.readString(output.toPath(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (output != null) {
                output.delete();
            }
        }
    }
}
