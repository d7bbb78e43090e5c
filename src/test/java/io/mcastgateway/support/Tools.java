package io.mcastgateway.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need a tool from the machine (Chromium, podman, kubectl, ip, socat, ...). Where one is
 * missing the test is skipped with a line saying which, except in CI ({@code CI=true}, {@code CI=1}), where the
 * missing tool fails the run: a lost install step in {@code .ci/run} must not pass as a skip.
 */
public final class Tools {

    private Tools() {
    }

    /** Whether this runs in CI: CI set to anything but empty, {@code false} or {@code 0} (CI=true, CI=1, ...). */
    public static boolean inCi() {
        return inCi(System.getenv("CI"));
    }

    static boolean inCi(String ci) {
        return ci != null && !ci.isBlank() && !ci.trim().equalsIgnoreCase("false") && !ci.trim().equals("0");
    }

    /** Skips the test (fails it in CI) when {@code unavailable} is not null. */
    public static void require(String test, String unavailable) {
        if (unavailable == null) {
            return;
        }
        String message = test + " needs what is missing here: " + unavailable;
        if (inCi()) {
            fail(message + " (CI=true: .ci/run must install it)");
        }
        System.out.println(message + "; skipped");
        Assumptions.abort(message);
    }

    /** Null when every command is an executable on the PATH (or an absolute path), else what is missing. */
    public static String missingCommands(String... commands) {
        List<String> missing = Arrays.stream(commands).filter(c -> find(c) == null).toList();
        return missing.isEmpty() ? null : "commands " + String.join(", ", missing);
    }

    /** Null unless this runs as root (network namespaces, podman). */
    public static String notRoot() {
        return "root".equals(System.getProperty("user.name")) ? null : "root";
    }

    public static Path find(String command) {
        if (command.startsWith("/")) {
            Path p = Path.of(command);
            return Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
