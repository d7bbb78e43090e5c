package io.mcastgateway.aot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the build finds the JDK 25 that trains the AOT cache, on folders made to look like JDKs. */
class JdksTest {

    @TempDir
    Path dir;

    private Path jdk(String name, String version) throws IOException {
        Path home = dir.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Path java = Files.writeString(home.resolve("bin/java"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }

    private Jdks jdks(Path running, Map<String, String> env, Path... roots) {
        return new Jdks(25, running, env, dir.resolve("user"), List.of(roots));
    }

    @Test
    void shouldTakeTheJdkTheUserNamedAndRefuseOneThatIsTooOld() throws Exception {
        Path jdk25 = jdk("named-25", "25.0.1");
        Path jdk21 = jdk("named-21", "21.0.5");
        Path jdk17 = jdk("running-17", "17.0.15");
        assertThat(jdks(jdk17, Map.of()).find(jdk25.toString(), null)).get().extracting(Jdks.Found::home).isEqualTo(jdk25);
        assertThatThrownBy(() -> jdks(jdk17, Map.of()).find(jdk21.toString(), null))
                .hasMessageContaining("is not a JDK 25 or newer");
    }

    @Test
    void shouldPreferTheRunningJdkWhenItIsNewEnough() throws Exception {
        Path running = jdk("running-26", "26");
        Path other = jdk("env-25", "25");
        assertThat(jdks(running, Map.of("JAVA_HOME", other.toString())).find("", null))
                .get().extracting(Jdks.Found::home).isEqualTo(running);
    }

    @Test
    void shouldFindAJdk25ToolchainInMavensToolchainsFile() throws Exception {
        Path running = jdk("running-17", "17.0.15");
        Path jdk21 = jdk("tc-21", "21");
        Path jdk25 = jdk("tc-25", "25.0.1");
        Path toolchains = Files.writeString(dir.resolve("toolchains.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <toolchains>
                  <toolchain><type>jdk</type><provides><version>21</version></provides>
                    <configuration><jdkHome>%s</jdkHome></configuration></toolchain>
                  <toolchain><type>jdk</type><provides><version>25</version><vendor>temurin</vendor></provides>
                    <configuration><jdkHome>%s</jdkHome></configuration></toolchain>
                </toolchains>
                """.formatted(jdk21, jdk25));
        Jdks.Found found = jdks(running, Map.of()).find(null, toolchains.toString()).orElseThrow();
        assertThat(found.home()).isEqualTo(jdk25);
        assertThat(found.how()).contains("toolchains");
    }

    @Test
    void shouldFindJavaHomeOrJava25HomeBeforeTheInstallFolders() throws Exception {
        Path running = jdk("running-17", "17");
        Path home25 = jdk("java25-home", "25");
        Path installed = Files.createDirectories(dir.resolve("jvm"));
        Files.move(jdk("temurin-26-jdk", "26"), installed.resolve("temurin-26-jdk"));
        assertThat(jdks(running, Map.of("JAVA_HOME", running.toString(), "JAVA25_HOME", home25.toString()), installed)
                .find(null, null)).get().extracting(Jdks.Found::how).isEqualTo("$JAVA25_HOME");
    }

    @Test
    void shouldFindTheNewestInstalledJdkAndNoneWhenThereIsNoNewEnoughOne() throws Exception {
        Path running = jdk("running-17", "17");
        Path installed = Files.createDirectories(dir.resolve("jvm"));
        Files.move(jdk("temurin-21-jdk-amd64", "21.0.2"), installed.resolve("temurin-21-jdk-amd64"));
        assertThat(jdks(running, Map.of(), installed).find(null, null)).isEmpty();

        Files.move(jdk("temurin-25-jdk-amd64", "25.0.1"), installed.resolve("temurin-25-jdk-amd64"));
        Files.createDirectories(installed.resolve("zulu-26.jdk/Contents"));
        Files.move(jdk("mac-26", "26.0.0"), installed.resolve("zulu-26.jdk/Contents/Home"));
        assertThat(jdks(running, Map.of(), installed).find(null, null)).get().extracting(Jdks.Found::home)
                .isEqualTo(installed.resolve("zulu-26.jdk/Contents/Home"));
    }

    @Test
    void shouldReadTheFeatureVersionOfToolchainVersions() {
        assertThat(Jdks.feature("25")).isEqualTo(25);
        assertThat(Jdks.feature("[25,)")).isEqualTo(25);
        assertThat(Jdks.feature("25.0.1")).isEqualTo(25);
        assertThat(Jdks.feature("1.8")).isEqualTo(8);
        assertThat(Jdks.feature(null)).isZero();
    }
}
