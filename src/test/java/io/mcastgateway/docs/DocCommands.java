package io.mcastgateway.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The convention for command blocks in the README and docs/. A fenced block in a shell language
 * ({@code sh}, {@code shell}, {@code bash}, {@code console}, {@code zsh}) is either
 * <ul>
 * <li>marked {@code example} in its info string (```` ```sh example ````): a command to adapt (an
 * interface of the reader's host, root, podman, a cluster), run by no test; or</li>
 * <li>unmarked (```` ```sh ````): every command in it is run on a fresh clone, by
 * {@link DocCommandsTest} against the gateway it starts, or by {@code .ci/run} (see {@link Kind}).</li>
 * </ul>
 * Every other block must name its language ({@code text}, {@code json}, {@code yaml},
 * {@code properties}, {@code java}, ...) and holds no command: a line starting with {@code $ } (a
 * transcript) makes it a shell block again.
 */
final class DocCommands {

    static final Set<String> SHELL = Set.of("sh", "shell", "bash", "console", "zsh");
    static final String EXAMPLE = "example";
    /** The dev-mode gateway the documentation's commands talk to; tests rewrite it to their own. */
    static final String DEV_URL = "http://localhost:8080";

    /** How a checked command is run. */
    enum Kind {
        /** {@code ./mvnw verify}: run by {@code .ci/run} on a fresh clone. */
        CI_VERIFY,
        /** {@code ./mvnw quarkus:dev}: run by {@code DevModeReloadIT} on a copy of the project. */
        DEV_MODE,
        /** {@code curl -N <dev url>/api/events...}: a stream, opened and read by {@link DocCommandsTest}. */
        STREAM,
        /** {@code curl [-s] <dev url>/...}: one request, run by {@link DocCommandsTest}. */
        GET,
        /** {@code socat ... UDP4-DATAGRAM:group:port,ip-multicast-if=127.0.0.1,ip-multicast-ttl=0|1 <<< 'text'}. */
        SEND
    }

    /** A command of a checked block: one logical line, continuations joined, comment dropped. */
    record Command(Markdown.Fence fence, String text, Kind kind) {

        @Override
        public String toString() {
            return describe(this);
        }
    }

    private static final Pattern STREAM = Pattern.compile("curl -N " + Pattern.quote(DEV_URL) + "/api/events(\\?\\S*)?");
    private static final Pattern GET = Pattern.compile("curl( -s| -f| -i)* " + Pattern.quote(DEV_URL) + "/[\\w/?=&.,-]*");
    /** Loopback only, TTL 0 or 1: a documented command never sends beyond the host. */
    private static final Pattern SEND = Pattern.compile(
            "socat -u STDIN UDP4-DATAGRAM:(239\\.[\\d.]+):(\\d+),ip-multicast-if=127\\.0\\.0\\.1,ip-multicast-ttl=[01]"
                    + " <<< '([^']*)'");

    private DocCommands() {
    }

    static boolean isShell(Markdown.Fence fence) {
        return SHELL.contains(fence.language())
                || fence.body().lines().anyMatch(l -> l.startsWith("$ "));
    }

    static boolean isExample(Markdown.Fence fence) {
        return fence.hasWord(EXAMPLE);
    }

    /** The checked blocks' commands of the page, in order. */
    static List<Command> checked(Markdown.Page page) {
        List<Command> commands = new ArrayList<>();
        for (Markdown.Fence fence : Markdown.fences(page)) {
            if (isShell(fence) && !isExample(fence)) {
                for (String text : lines(fence.body())) {
                    commands.add(new Command(fence, text, kind(text)));
                }
            }
        }
        return commands;
    }

    /** The logical lines of a block: continuations joined, comments and blank lines dropped. */
    static List<String> lines(String body) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String raw : body.lines().toList()) {
            if (raw.endsWith("\\")) {
                line.append(raw, 0, raw.length() - 1).append(' ');
                continue;
            }
            line.append(raw);
            String text = line.toString().replaceAll("(^|\\s+)#\\s.*$", "").strip().replaceAll("\\s+", " ");
            line.setLength(0);
            if (!text.isEmpty()) {
                lines.add(text);
            }
        }
        return lines;
    }

    /** How the command is checked, or null when nothing runs it. */
    static Kind kind(String command) {
        if (command.equals("./mvnw verify")) {
            return Kind.CI_VERIFY;
        }
        if (command.equals("./mvnw quarkus:dev")) {
            return Kind.DEV_MODE;
        }
        if (STREAM.matcher(command).matches()) {
            return Kind.STREAM;
        }
        if (GET.matcher(command).matches()) {
            return Kind.GET;
        }
        if (SEND.matcher(command).matches()) {
            return Kind.SEND;
        }
        return null;
    }

    /** The group, port and payload of a {@link Kind#SEND} command. */
    static List<String> send(String command) {
        Matcher m = SEND.matcher(command);
        if (!m.matches()) {
            throw new IllegalArgumentException(command);
        }
        return List.of(m.group(1), m.group(2), m.group(3));
    }

    /** The command aimed at the test's gateway instead of dev mode's (only the base URL changes). */
    static String against(String command, String baseUrl) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return command.replace(DEV_URL, base);
    }

    static String describe(Command c) {
        return c.fence().where() + " `" + c.text() + "`" + (c.kind() == null ? "" : " (" + c.kind().name().toLowerCase(Locale.ROOT) + ")");
    }
}
