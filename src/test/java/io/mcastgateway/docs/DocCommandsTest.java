package io.mcastgateway.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.mcastgateway.docs.DocCommands.Command;
import io.mcastgateway.docs.DocCommands.Kind;
import io.mcastgateway.support.Commands;
import io.mcastgateway.support.Tools;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * Runs the commands of the README and docs/ that are not marked as examples, as written, against this
 * test's gateway (the default test profile: multicast on lo; only the base URL is rewritten from dev
 * mode's {@code http://localhost:8080}): streams are opened with {@code curl -N} and read, datagrams sent
 * with {@code socat} on lo with TTL 0 or 1, requests made with {@code curl}. Every command is bounded in
 * time; the streams are ended by the test. {@code ./mvnw} commands are run by {@code .ci/run} and
 * {@code DevModeReloadIT} ({@link DocFencesTest} checks that).
 */
@QuarkusTest
class DocCommandsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int TIMEOUT_SECONDS = 15;

    @TestHTTPResource("/")
    URI base;

    /** A {@code curl -N} left running, as a reader leaves it in a terminal; its output in a file. */
    private record Stream(Command command, Process process, Path output, List<String> expected) {

        String text() {
            try {
                return Files.readString(output, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void shouldRunEveryCheckedCommandOfTheReadmeAndDocsAsWritten() throws Exception {
        Tools.require("DocCommandsTest", Tools.missingCommands("bash", "curl", "socat", "timeout"));
        int run = 0;
        for (Markdown.Page page : Markdown.pages()) {
            List<Stream> streams = new ArrayList<>();
            boolean sent = false;
            try {
                for (Command command : DocCommands.checked(page)) {
                    assertThat(command.kind()).as(DocCommands.describe(command) + ": run by no test (see DocFencesTest)").isNotNull();
                    String text = DocCommands.against(command.text(), base.toString());
                    switch (command.kind()) {
                        case STREAM -> streams.add(open(command, text));
                        case SEND -> {
                            String payload = DocCommands.send(command.text()).get(2);
                            streams.forEach(s -> s.expected().add(payload));
                            bash(text);
                            sent = true;
                        }
                        case GET -> {
                            boolean afterSend = sent;
                            // the datagram socat sent may still be on its way to the receiver: asked again until it is in
                            await().atMost(WAIT).untilAsserted(() -> checkAnswer(command, bash(text), afterSend));
                        }
                        case CI_VERIFY, DEV_MODE -> {
                            continue; // .ci/run and DevModeReloadIT
                        }
                        default -> throw new AssertionError(DocCommands.describe(command));
                    }
                    run++;
                }
                for (Stream s : streams) {
                    // a here-string (<<< 'text') ends with a newline: the event's text is "text\n"
                    await().atMost(WAIT).untilAsserted(() -> assertThat(s.text()).as(DocCommands.describe(s.command()))
                            .contains(s.expected().stream().map(p -> "\"text\":\"" + p).toList()));
                    assertThat(s.text()).as(DocCommands.describe(s.command())).startsWith("retry: ").contains("event: datagram\n");
                }
            } finally {
                for (Stream s : streams) {
                    s.process().destroy();
                    Files.deleteIfExists(s.output());
                }
            }
        }
        assertThat(run).as("commands run").isGreaterThanOrEqualTo(3);
    }

    /** Every path of the API's OpenAPI description is in the endpoint table of docs/api.md. */
    @Test
    void shouldListEveryPathOfTheOpenApiDescriptionInTheApiPage() throws Exception {
        String description = bash("curl -sf '" + base.resolve("/q/openapi?format=json") + "'");
        Set<String> paths = new TreeSet<>(new JsonObject(description).getJsonObject("paths").fieldNames());
        String page = Files.readString(Path.of("docs/api.md"));
        assertThat(paths).contains("/api/events").filteredOn(p -> p.startsWith("/api"))
                .allSatisfy(p -> assertThat(page).as("docs/api.md names " + p).containsPattern("`(GET|POST) " + Pattern.quote(p) + "`"));
    }

    private Stream open(Command command, String text) throws IOException {
        Path output = Files.createTempFile("doc-stream", ".out");
        // bounded even if the test dies: timeout ends curl after a minute
        // standard output only, as a terminal shows it (curl prints a progress meter on standard error when its
        // output is not a terminal)
        Process process = new ProcessBuilder("timeout", "60", "bash", "-c", text)
                .redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(output.toFile()).start();
        Stream stream = new Stream(command, process, output, new ArrayList<>());
        await().atMost(WAIT).until(() -> stream.text().startsWith("retry: ")); // subscribed: what is sent now arrives
        return stream;
    }

    /** Runs a command with bash (the docs' here-strings need it), bounded in time; its output. */
    private static String bash(String text) {
        return Commands.run(List.of("timeout", String.valueOf(TIMEOUT_SECONDS), "bash", "-c", text), Map.of(), new byte[0],
                TIMEOUT_SECONDS + 5);
    }

    private static void checkAnswer(Command command, String answer, boolean sent) {
        Object json = Json.decodeValue(answer); // every documented request answers JSON
        assertThat(json).as(DocCommands.describe(command)).isNotNull();
        Matcher path = Pattern.compile("/api/sources").matcher(command.text());
        if (path.find() && sent) {
            assertThat(answer).as("the sender of the socat command is in " + DocCommands.describe(command))
                    .contains("\"source\":\"127.0.0.1:");
        }
    }
}
