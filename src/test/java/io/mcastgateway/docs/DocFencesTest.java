package io.mcastgateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import io.mcastgateway.config.GatewayConfig;
import io.mcastgateway.docs.DocCommands.Command;
import io.mcastgateway.docs.DocCommands.Kind;
import io.smallrye.config.WithDefault;

/**
 * The command blocks of the README, docs/ and deploy/README.md follow the convention of
 * {@link DocCommands}: each shell block is marked {@code example} or every command in it is run on a
 * fresh clone (by {@link DocCommandsTest} or {@code .ci/run}). Not a {@code @QuarkusTest}: it only reads.
 */
class DocFencesTest {

    private static final List<Markdown.Page> PAGES = Markdown.pages();

    @Test
    void shouldNameTheLanguageOfEveryFencedBlock() {
        List<String> bare = PAGES.stream().flatMap(p -> Markdown.fences(p).stream())
                .filter(f -> f.info().isEmpty()).map(Markdown.Fence::where).toList();
        assertThat(bare).as("fenced blocks without a language (```sh, ```sh example, ```text, ```json, ...)").isEmpty();
    }

    @Test
    void shouldRunEveryCommandOfABlockNotMarkedAsExample() {
        List<String> unchecked = PAGES.stream().flatMap(p -> DocCommands.checked(p).stream())
                .filter(c -> c.kind() == null).map(DocCommands::describe).toList();
        assertThat(unchecked)
                .as("commands in blocks not marked `example` that no test runs: mark the block ```sh example,"
                        + " or make DocCommandsTest run them")
                .isEmpty();
    }

    @Test
    void shouldHaveTheCiScriptAndTheDevModeTestRunTheReadmesTwoCommands() throws IOException {
        List<Kind> kinds = PAGES.stream().flatMap(p -> DocCommands.checked(p).stream()).map(Command::kind).toList();
        assertThat(kinds).contains(Kind.CI_VERIFY, Kind.DEV_MODE);
        assertThat(Files.readString(Path.of(".ci/run"))).as(".ci/run runs ./mvnw verify on a fresh clone")
                .containsPattern("(?m)^\\./mvnw -B verify$");
        assertThat(Files.readString(Path.of("src/test/java/io/mcastgateway/it/DevModeReloadIT.java")))
                .as("DevModeReloadIT runs ./mvnw quarkus:dev").contains("\"quarkus:dev\"").contains("resolve(\"mvnw\")");
    }

    @Test
    void shouldTourWatchingSendingAndTheSourcesInTheReadme() {
        List<Command> tour = DocCommands.checked(Markdown.page(Path.of("README.md")));
        List<Kind> kinds = tour.stream().map(Command::kind).toList();
        assertThat(kinds).containsSubsequence(Kind.STREAM, Kind.SEND, Kind.GET);
        assertThat(tour).anyMatch(c -> c.kind() == Kind.GET && c.text().contains("/api/sources"));
    }

    /**
     * The tour runs against {@code ./mvnw quarkus:dev}: its commands must name dev mode's port, group,
     * port and interface. Dev mode changes only the interface (lo); HTTP stays on 8080.
     */
    @Test
    void shouldSendToTheGroupThatDevModeJoinsOnLoopback() throws Exception {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        assertThat(properties.getProperty("%dev.mcast.interface")).isEqualTo("lo");
        assertThat(properties.stringPropertyNames()).noneMatch(k -> k.matches("(%dev\\.)?(mcast\\.(group|port)|quarkus\\.http\\.port)"));
        String group = GatewayConfig.class.getMethod("group").getAnnotation(WithDefault.class).value();
        String port = GatewayConfig.class.getMethod("port").getAnnotation(WithDefault.class).value();
        List<Command> sends = PAGES.stream().flatMap(p -> DocCommands.checked(p).stream())
                .filter(c -> c.kind() == Kind.SEND).toList();
        assertThat(sends).isNotEmpty().allSatisfy(c -> assertThat(DocCommands.send(c.text()).subList(0, 2))
                .as(DocCommands.describe(c)).containsExactly(group, port));
    }

    @Test
    void shouldKeepTheReadmeShort() throws IOException {
        assertThat(Files.readAllLines(Path.of("README.md"))).as("README.md lines").hasSizeLessThanOrEqualTo(250);
    }
}
