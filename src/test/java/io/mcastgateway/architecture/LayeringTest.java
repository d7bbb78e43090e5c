package io.mcastgateway.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

import org.junit.jupiter.api.Test;

/**
 * The packages form a stack: each may use only those below it (docs/design.md, "Packages"). Read from
 * the compiled classes with jdeps, so an import that points up fails here.
 */
class LayeringTest {

    /** Bottom first. */
    private static final List<String> STACK = List.of("platform", "channel", "config", "stats", "hub", "transport", "multicast", "security", "sse", "passthrough", "rest", "health",
            "metrics");
    private static final Pattern EDGE = Pattern.compile("^\\s*io\\.mcastgateway\\.(\\w+)\\s+->\\s+io\\.mcastgateway\\.(\\w+)\\s",
            Pattern.MULTILINE);

    @Test
    void shouldHaveNoPackageUseOneAboveIt() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int exit = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:package",
                Path.of("target/classes").toString());
        assertThat(exit).as(out.toString()).isZero();

        Set<String> edges = new TreeSet<>();
        Set<String> upward = new TreeSet<>();
        Matcher m = EDGE.matcher(out.toString());
        while (m.find()) {
            String from = m.group(1);
            String to = m.group(2);
            if (from.equals(to)) {
                continue;
            }
            edges.add(from + " -> " + to);
            assertThat(STACK).as("package io.mcastgateway.%s is in the stack", from).contains(from);
            assertThat(STACK).as("package io.mcastgateway.%s is in the stack", to).contains(to);
            if (STACK.indexOf(to) >= STACK.indexOf(from)) {
                upward.add(from + " -> " + to);
            }
        }
        assertThat(edges).as("jdeps found the package uses").contains("multicast -> hub", "config -> channel", "rest -> sse",
                "hub -> platform");
        assertThat(upward).as("uses that point up the stack").isEmpty();
    }
}
