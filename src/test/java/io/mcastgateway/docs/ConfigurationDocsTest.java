package io.mcastgateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mcastgateway.config.GatewayConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * docs/configuration.md against {@link GatewayConfig}: every setting has a row, with its environment
 * variable and its default, and no row names a setting that does not exist. The keys come from the
 * mapping by reflection, named as SmallRye Config names them (kebab-case, {@code @WithName}, nested
 * groups, the per-channel map as {@code mcast.channels.<name>.*}). The README's table of the settings
 * most people change is held to the same rules. Plain JUnit: nothing to start.
 */
class ConfigurationDocsTest {

    private static final Path PAGE = Path.of("docs/configuration.md");
    private static final String PROPERTY = "property";
    private static final String ENV = "environment variable";
    private static final String DEFAULT = "default";

    /** Every key of the mapping, with its {@code @WithDefault} value or null. */
    static Map<String, String> settings() {
        Map<String, String> keys = new LinkedHashMap<>();
        walk(GatewayConfig.class.getAnnotation(ConfigMapping.class).prefix(), GatewayConfig.class, keys);
        return keys;
    }

    private static void walk(String prefix, Class<?> group, Map<String, String> keys) {
        List<Method> methods = new ArrayList<>(Arrays.asList(group.getDeclaredMethods()));
        methods.sort(Comparator.comparing(Method::getName));
        for (Method m : methods) {
            if (Modifier.isStatic(m.getModifiers()) || m.isDefault() || m.isSynthetic() || m.getParameterCount() > 0) {
                continue;
            }
            WithName withName = m.getAnnotation(WithName.class);
            String key = prefix + "." + (withName != null ? withName.value() : kebab(m.getName()));
            Class<?> type = m.getReturnType();
            if (Map.class.isAssignableFrom(type)) {
                Class<?> value = (Class<?>) ((ParameterizedType) m.getGenericReturnType()).getActualTypeArguments()[1];
                walk(key + ".<name>", value, keys);
            } else if (isGroup(type)) {
                walk(key, type, keys);
            } else {
                WithDefault d = m.getAnnotation(WithDefault.class);
                keys.put(key, d == null ? null : d.value());
            }
        }
    }

    /** A nested configuration group: an interface of the mapping, not a value type. */
    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && type.getEnclosingClass() == GatewayConfig.class;
    }

    /** SmallRye Config's default naming: {@code maxFailuresPerMinute} is {@code max-failures-per-minute}. */
    static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** The environment variable of a key: upper case, every other character '_'; {@code <name>} as {@code <NAME>}. */
    static String env(String key) {
        return key.replace("<name>", "\u0000").toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9\u0000]", "_")
                .replace("\u0000", "<NAME>");
    }

    /** Each documented property of the page's tables with its row (a row may document several). */
    private static Map<String, Markdown.Row> documented(Path page) {
        Map<String, Markdown.Row> rows = new LinkedHashMap<>();
        for (Markdown.Row row : Markdown.rows(Markdown.page(page))) {
            for (String property : Markdown.codeSpans(row.cell(PROPERTY))) {
                rows.put(property, row);
            }
        }
        return rows;
    }

    @Test
    void shouldFindEverySettingOfTheMappingIncludingNestedGroupsAndChannels() {
        Map<String, String> settings = settings();
        assertThat(settings).containsEntry("mcast.interface", null).containsEntry("mcast.sender.interval", "10s")
                .containsEntry("mcast.auth.max-failures-per-minute", "10").containsEntry("mcast.default-channel.enabled", "true")
                .containsEntry("mcast.channels.<name>.interface", null).containsEntry("mcast.channels.<name>.sender.enabled", "false")
                .containsEntry("mcast.redis.key", "mcast:events");
        assertThat(settings).hasSizeGreaterThan(45);
        assertThat(env("mcast.channels.<name>.sender.interval")).isEqualTo("MCAST_CHANNELS_<NAME>_SENDER_INTERVAL");
    }

    @Test
    void shouldDocumentEverySetting() {
        Map<String, Markdown.Row> documented = documented(PAGE);
        List<String> missing = settings().keySet().stream().filter(k -> !documented.containsKey(k)).toList();
        assertThat(missing).as("settings of GatewayConfig without a row in " + PAGE).isEmpty();
    }

    @Test
    void shouldDocumentOnlySettingsThatExist() {
        Map<String, String> settings = settings();
        List<String> stale = new ArrayList<>();
        for (Path page : List.of(PAGE, Path.of("README.md"))) {
            documented(page).forEach((property, row) -> {
                if (property.startsWith("mcast.") && !settings.containsKey(property)) {
                    stale.add(row.where() + " " + property);
                }
            });
        }
        assertThat(stale).as("rows of settings GatewayConfig does not have").isEmpty();
    }

    @Test
    void shouldShowEachSettingsEnvironmentVariable() {
        List<String> wrong = new ArrayList<>();
        for (Path page : List.of(PAGE, Path.of("README.md"))) {
            for (Markdown.Row row : Markdown.rows(Markdown.page(page))) {
                List<String> properties = Markdown.codeSpans(row.cell(PROPERTY));
                if (properties.isEmpty() || row.cell(ENV) == null) {
                    continue;
                }
                List<String> expected = properties.stream().map(ConfigurationDocsTest::env).toList();
                if (!Markdown.codeSpans(row.cell(ENV)).equals(expected)) {
                    wrong.add(row.where() + " " + row.cell(ENV) + " should be " + expected);
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void shouldShowEachDefaultOfTheMapping() {
        Map<String, String> settings = settings();
        List<String> wrong = new ArrayList<>();
        for (Path page : List.of(PAGE, Path.of("README.md"))) {
            documented(page).forEach((property, row) -> {
                String expected = settings.get(property);
                if (expected == null) {
                    return;
                }
                boolean shown = Markdown.codeSpans(row.cell(DEFAULT)).stream().anyMatch(expected::equalsIgnoreCase);
                if (!shown) {
                    wrong.add(row.where() + " " + property + ": default `" + expected + "`, documented " + row.cell(DEFAULT));
                }
            });
        }
        assertThat(wrong).as("defaults that differ from @WithDefault").isEmpty();
    }
}
