package io.mcastgateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.mcastgateway.bench.Bench;

/**
 * {@code bench/run --update-docs} (formerly {@code --update-readme}) rewrites the report section of
 * docs/performance.md: checked with its rewrite function on a sample report, no benchmark run.
 */
class BenchReportTest {

    @Test
    void shouldHaveOneReportSectionInThePerformancePageAndNoneInTheReadme() throws IOException {
        String page = Files.readString(Bench.PERFORMANCE_PAGE);
        assertThat(page.indexOf(Bench.BEGIN)).isPositive().isEqualTo(page.lastIndexOf(Bench.BEGIN));
        assertThat(page.indexOf(Bench.END)).isGreaterThan(page.indexOf(Bench.BEGIN)).isEqualTo(page.lastIndexOf(Bench.END));
        assertThat(Files.readString(Path.of("README.md"))).doesNotContain("bench:begin");
    }

    @Test
    void shouldReplaceOnlyTheTextBetweenTheMarkersWithChartsThatResolveFromDocs() throws IOException {
        String page = Files.readString(Bench.PERFORMANCE_PAGE);
        String report = "# mcast-gateway benchmark\n\nRun sample.\n\n## Rate: sample\n\n![delivered vs offered](rate.png)\n\n"
                + "## Latency: sample\n\n![latency percentiles](latency.png)\n";

        String updated = Bench.withReport(page, report);

        int begin = page.indexOf(Bench.BEGIN) + Bench.BEGIN.length();
        assertThat(updated).startsWith(page.substring(0, begin)).endsWith(page.substring(page.indexOf(Bench.END)))
                .contains("\nRun sample.\n", "\n### Rate: sample\n", "](../src/docs/bench-rate.png)",
                        "](../src/docs/bench-latency.png)")
                .doesNotContain("# mcast-gateway benchmark", "](rate.png)");
        assertThat(Bench.withReport(updated, report)).as("a second run gives the same page").isEqualTo(updated);
        assertThat(Bench.PERFORMANCE_PAGE.resolveSibling("../src/docs/bench-rate.png").normalize()).exists();
        assertThat(Bench.PERFORMANCE_PAGE.resolveSibling("../src/docs/bench-latency.png").normalize()).exists();
    }

    @Test
    void shouldAcceptTheFormerFlagName() throws IOException {
        assertThat(Files.readString(Path.of("bench/run"))).contains("--update-docs").contains("--update-readme is the former name");
        assertThat(Files.readString(Path.of("src/test/java/io/mcastgateway/bench/Bench.java")))
                .contains("List.of(\"--update-docs\", \"--update-readme\")");
    }
}
