package io.mcastgateway.aot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Finds a JDK of at least a given feature version the way Maven users expect, first found wins:
 * <ol>
 * <li>{@code -Daot.jdk=<home>}, when given (a wrong one is an error, not skipped: the user asked for it);</li>
 * <li>the JDK running the build;</li>
 * <li>Maven's toolchains ({@code ~/.m2/toolchains.xml}, or {@code -Daot.toolchains=<file>}): a {@code jdk}
 * toolchain whose {@code version} is high enough, the first listed;</li>
 * <li>{@code JAVA_HOME}, and {@code JAVA<N>_HOME} / {@code JDK<N>_HOME} for N from the wanted version up;</li>
 * <li>the usual install folders ({@code /usr/lib/jvm}, {@code /opt/java}, {@code /opt}, SDKMAN!'s,
 * IntelliJ's {@code ~/.jdks}, macOS's {@code /Library/Java/JavaVirtualMachines}), the newest first.</li>
 * </ol>
 * A folder counts when it holds {@code bin/java} and a {@code release} file whose {@code JAVA_VERSION} is high
 * enough (every JDK since 9 has one).
 */
public final class Jdks {

    private static final Pattern JAVA_VERSION = Pattern.compile("^JAVA_VERSION=\"?(\\d+)", Pattern.MULTILINE);

    private final int feature;
    private final Path running;
    private final Map<String, String> env;
    private final Path userHome;
    private final List<Path> installRoots;

    public Jdks(int feature, Path running, Map<String, String> env, Path userHome, List<Path> installRoots) {
        this.feature = feature;
        this.running = running;
        this.env = env;
        this.userHome = userHome;
        this.installRoots = installRoots;
    }

    /** The finder of this machine: its environment, home and install folders. */
    public static Jdks ofThisMachine(int feature) {
        Path home = Path.of(System.getProperty("user.home"));
        return new Jdks(feature, Path.of(System.getProperty("java.home")), System.getenv(), home, List.of(Path.of("/usr/lib/jvm"), Path.of("/opt/java"), Path.of("/opt"),
                home.resolve(".sdkman/candidates/java"), home.resolve(".jdks"), Path.of("/Library/Java/JavaVirtualMachines")));
    }

    /**
     * The home of a JDK of at least the wanted version, with where it was found; empty when there is none.
     *
     * @param asked {@code -Daot.jdk}, or null/blank when not given
     * @param toolchains {@code -Daot.toolchains}, or null/blank for {@code ~/.m2/toolchains.xml}
     */
    public Optional<Found> find(String asked, String toolchains) {
        if (asked != null && !asked.isBlank()) {
            Path home = Path.of(asked);
            if (version(home) < feature) {
                throw new IllegalArgumentException("-Daot.jdk=" + asked + " is not a JDK " + feature + " or newer (no bin/java"
                        + " and release file saying so)");
            }
            return Optional.of(new Found(home, "-Daot.jdk"));
        }
        if (version(running) >= feature) {
            return Optional.of(new Found(running, "the JDK running the build"));
        }
        Path toolchainsFile = toolchains == null || toolchains.isBlank() ? userHome.resolve(".m2/toolchains.xml") : Path.of(toolchains);
        for (Path home : fromToolchains(toolchainsFile)) {
            if (version(home) >= feature) {
                return Optional.of(new Found(home, "toolchains " + toolchainsFile));
            }
        }
        List<String> vars = new ArrayList<>(List.of("JAVA_HOME"));
        for (int n = feature; n <= feature + 10; n++) {
            vars.add("JAVA" + n + "_HOME");
            vars.add("JDK" + n + "_HOME");
        }
        for (String var : vars) {
            String value = env.get(var);
            if (value != null && !value.isBlank() && version(Path.of(value)) >= feature) {
                return Optional.of(new Found(Path.of(value), "$" + var));
            }
        }
        return installed().map(home -> new Found(home, "installed in " + home.getParent()));
    }

    /** A JDK home and how it was found (for the build's log). */
    public record Found(Path home, String how) {
        public Path java() {
            return home.resolve("bin/java");
        }
    }

    /** The feature version of the JDK at {@code home} (25 for 25.0.1), 0 when it is not a JDK 9+. */
    public static int version(Path home) {
        try {
            if (!Files.isExecutable(home.resolve("bin/java"))) {
                return 0;
            }
            Matcher m = JAVA_VERSION.matcher(Files.readString(home.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The homes of the {@code jdk} toolchains with a version of at least {@code feature}, in file order. */
    List<Path> fromToolchains(Path file) {
        List<Path> homes = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return homes;
        }
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = factory.newDocumentBuilder().parse(file.toFile());
            NodeList toolchains = doc.getElementsByTagName("toolchain");
            for (int i = 0; i < toolchains.getLength(); i++) {
                Element toolchain = (Element) toolchains.item(i);
                String version = text(toolchain, "version");
                String home = text(toolchain, "jdkHome");
                if ("jdk".equals(text(toolchain, "type")) && home != null && feature(version) >= feature) {
                    homes.add(Path.of(home.replace("${env.HOME}", userHome.toString())));
                }
            }
        } catch (Exception e) {
            System.out.println("[aot] WARNING: cannot read " + file + ": " + e.getMessage());
        }
        return homes;
    }

    private Optional<Path> installed() {
        return installRoots.stream().filter(Files::isDirectory).flatMap(root -> {
            try (Stream<Path> dirs = Files.list(root)) {
                return dirs.flatMap(d -> Stream.of(d, d.resolve("Contents/Home"))).toList().stream();
            } catch (IOException e) {
                return Stream.empty();
            }
        }).filter(home -> version(home) >= feature)
                .max(Comparator.comparingInt(Jdks::version).thenComparing(Comparator.comparing(Path::toString).reversed()));
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }

    /** "25", "[25,)", "25.0.1", "1.8" → 25, 25, 25, 8. */
    static int feature(String version) {
        if (version == null) {
            return 0;
        }
        Matcher m = Pattern.compile("(\\d+)(?:\\.(\\d+))?").matcher(version);
        if (!m.find()) {
            return 0;
        }
        int major = Integer.parseInt(m.group(1));
        return major == 1 && m.group(2) != null ? Integer.parseInt(m.group(2)) : major;
    }
}
