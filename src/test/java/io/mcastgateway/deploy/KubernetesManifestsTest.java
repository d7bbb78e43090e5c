package io.mcastgateway.deploy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.mcastgateway.config.GatewayConfig;
import io.mcastgateway.support.Commands;
import io.mcastgateway.support.Tools;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.config.WithName;

/**
 * The Kubernetes manifests, rendered by {@code kubectl kustomize} (base and every overlay), checked
 * against the running application: probe paths answer, the port is the app's, every MCAST_* name is a
 * real setting, the pod is unprivileged, and the image is the one the README builds.
 */
@QuarkusTest
class KubernetesManifestsTest {

    private static final Path KUBERNETES = Path.of("deploy/kubernetes");
    private static final YAMLMapper YAML = new YAMLMapper();

    private static Map<String, List<JsonNode>> rendered;

    @BeforeAll
    static void render() throws IOException {
        Tools.require("KubernetesManifestsTest", Tools.missingCommands("kubectl"));
        rendered = new HashMap<>();
        List<Path> dirs = new ArrayList<>(List.of(KUBERNETES.resolve("base")));
        try (Stream<Path> overlays = Files.list(KUBERNETES.resolve("overlays"))) {
            overlays.filter(Files::isDirectory).sorted().forEach(dirs::add);
        }
        for (Path dir : dirs) {
            String yaml = Commands.run(List.of("kubectl", "kustomize", dir.toString()), Map.of(), new byte[0], 60);
            try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
                rendered.put(dir.toString(), docs.readAll());
            }
        }
    }

    @Test
    void shouldRenderTheBaseAndAtLeastOneOverlay() {
        assertThat(rendered).hasSizeGreaterThanOrEqualTo(2);
        rendered.forEach((dir, docs) -> assertThat(docs).as(dir).extracting(d -> d.path("kind").asText())
                .contains("DaemonSet", "Service", "ConfigMap"));
    }

    @Test
    void shouldRunOneGatewayPerNodeOnTheNodesNetworkWithRollingUpdates() {
        rendered.forEach((dir, docs) -> {
            JsonNode daemonSet = one(docs, "DaemonSet");
            JsonNode pod = daemonSet.path("spec").path("template").path("spec");
            assertThat(pod.path("hostNetwork").asBoolean()).as(dir).isTrue();
            assertThat(pod.path("dnsPolicy").asText()).as(dir).isEqualTo("ClusterFirstWithHostNet");
            assertThat(daemonSet.path("spec").path("updateStrategy").path("type").asText()).as(dir).isEqualTo("RollingUpdate");
            assertThat(daemonSet.path("spec").path("selector").path("matchLabels").isEmpty()).as(dir).isFalse();
        });
    }

    @Test
    void shouldProbeTheApplicationsRealHealthEndpointsOnItsHttpPort() {
        int appPort = prodHttpPort();
        rendered.forEach((dir, docs) -> {
            for (JsonNode workload : workloads(docs)) {
                String where = dir + " " + workload.path("metadata").path("name").asText();
                JsonNode container = container(workload);
                JsonNode http = port(container, "http");
                assertThat(http.path("containerPort").asInt()).as(where).isEqualTo(appPort);
                Map<String, String> probes = Map.of("startupProbe", "/q/health/started", "readinessProbe",
                        "/q/health/ready", "livenessProbe", "/q/health/live");
                probes.forEach((probe, expected) -> {
                    JsonNode get = container.path(probe).path("httpGet");
                    assertThat(get.path("path").asText()).as(where + " " + probe).isEqualTo(expected);
                    JsonNode probePort = get.path("port");
                    assertThat(probePort.isInt() ? probePort.asInt() : port(container, probePort.asText()).path("containerPort").asInt())
                            .as(where + " " + probe + " port").isEqualTo(appPort);
                    // the path answers on the running application
                    given().when().get(get.path("path").asText()).then().statusCode(200).body("status", is("UP"));
                });
            }
            // every Service selects the pods of exactly one workload, on their http port
            for (JsonNode service : docs.stream().filter(d -> d.path("kind").asText().equals("Service")).toList()) {
                String where = dir + " service " + service.path("metadata").path("name").asText();
                assertThat(service.path("spec").path("ports").get(0).path("targetPort").asText()).as(where).isEqualTo("http");
                assertThat(service.path("spec").path("selector").isEmpty()).as(where).isFalse();
                assertThat(workloads(docs)).as(where + " selects one workload's pods").filteredOn(w -> {
                    JsonNode podLabels = w.path("spec").path("template").path("metadata").path("labels");
                    List<Boolean> matches = new ArrayList<>();
                    service.path("spec").path("selector").fields().forEachRemaining(
                            e -> matches.add(podLabels.path(e.getKey()).asText().equals(e.getValue().asText())));
                    return !matches.contains(false);
                }).hasSize(1);
            }
        });
    }

    @Test
    void shouldNameOnlyRealConfigurationKeys() {
        Set<String> known = envNames(GatewayConfig.class, "MCAST");
        assertThat(known).contains("MCAST_INTERFACE", "MCAST_GROUP", "MCAST_RECEIVER_LOG", "MCAST_STREAM_REPLAY_SIZE",
                "MCAST_DEFAULT_CHANNEL_ENABLED", "MCAST_CHANNELS_<NAME>_GROUP", "MCAST_CHANNELS_<NAME>_SENDER_ENABLED");
        java.util.function.Predicate<String> isKnown = name -> known.stream()
                .anyMatch(k -> name.matches(java.util.regex.Pattern.quote(k).replace("<NAME>", "\\E[A-Z0-9]+\\Q")));
        assertThat(isKnown).accepts("MCAST_CHANNELS_VIDEO_GROUP").rejects("MCAST_CHANNELS_VIDEO_GRUOP", "MCAST_GRUOP");
        rendered.forEach((dir, docs) -> {
            List<String> named = new ArrayList<>();
            docs.stream().filter(d -> d.path("kind").asText().equals("ConfigMap"))
                    .forEach(cm -> cm.path("data").fieldNames().forEachRemaining(named::add));
            workloads(docs).forEach(w -> container(w).path("env").forEach(e -> named.add(e.path("name").asText())));
            assertThat(named).as(dir).contains("MCAST_INTERFACE");
            assertThat(named.stream().filter(n -> n.startsWith("MCAST_"))).as(dir + ": MCAST_* names").allMatch(isKnown);
            workloads(docs).forEach(w -> container(w).path("envFrom").forEach(from -> assertThat(docs).as(dir)
                    .anyMatch(d -> d.path("kind").asText().equals("ConfigMap") && d.path("metadata").path("name").asText()
                            .equals(from.path("configMapRef").path("name").asText()))));
        });
    }

    @Test
    void shouldRunUnprivilegedWithAReadOnlyRootAndWritableTmp() {
        rendered.forEach((d, docs) -> workloads(docs).forEach(workload -> {
            String dir = d + " " + workload.path("metadata").path("name").asText();
            JsonNode pod = workload.path("spec").path("template").path("spec");
            JsonNode container = container(workload);
            JsonNode security = container.path("securityContext");
            assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).as(dir).isTrue();
            assertThat(security.path("privileged").asBoolean(false)).as(dir).isFalse();
            assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as(dir).isFalse();
            assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as(dir).isTrue();
            assertThat(security.path("capabilities").path("drop").toString()).as(dir).contains("\"ALL\"");
            assertThat(security.path("capabilities").has("add")).as(dir).isFalse();
            JsonNode tmp = null;
            for (JsonNode mount : container.path("volumeMounts")) {
                if (mount.path("mountPath").asText().equals("/tmp")) {
                    tmp = mount;
                }
            }
            assertThat(tmp).as(dir + ": /tmp mounted").isNotNull();
            String volume = tmp.path("name").asText();
            assertThat(pod.path("volumes").findValues("name").stream().map(JsonNode::asText)).as(dir).contains(volume);
            for (JsonNode v : pod.path("volumes")) {
                if (v.path("name").asText().equals(volume)) {
                    assertThat(v.has("emptyDir")).as(dir + ": /tmp is an emptyDir").isTrue();
                }
            }
            for (String kind : List.of("requests", "limits")) {
                assertThat(container.path("resources").path(kind).has("cpu")).as(dir + " " + kind).isTrue();
                assertThat(container.path("resources").path(kind).has("memory")).as(dir + " " + kind).isTrue();
            }
        }));
    }

    @Test
    void shouldGiveTheGatewayMoreTimeToStopThanItsShutdownDelayAndTimeout() {
        rendered.forEach((dir, docs) -> workloads(docs).forEach(workload -> {
            // the workload's environment: its ConfigMaps in envFrom order (a later one wins)
            Map<String, String> env = new HashMap<>();
            container(workload).path("envFrom").forEach(from -> docs.stream()
                    .filter(d -> d.path("kind").asText().equals("ConfigMap") && d.path("metadata").path("name").asText()
                            .equals(from.path("configMapRef").path("name").asText()))
                    .forEach(cm -> cm.path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()))));
            Duration delay = duration(env.get("QUARKUS_SHUTDOWN_DELAY"), "quarkus.shutdown.delay");
            Duration timeout = duration(env.get("QUARKUS_SHUTDOWN_TIMEOUT"), "quarkus.shutdown.timeout");
            long grace = workload.path("spec").path("template").path("spec").path("terminationGracePeriodSeconds").asLong();
            assertThat(Duration.ofSeconds(grace)).as(dir + " " + workload.path("metadata").path("name").asText())
                    .isGreaterThan(delay.plus(timeout));
        }));
    }

    @Test
    void shouldDeployTheImageTheReadmeBuilds() throws IOException {
        Matcher build = Pattern.compile("podman build -f src/main/docker/Dockerfile\\.jvm -t (\\S+) \\.")
                .matcher(Files.readString(Path.of("README.md")));
        assertThat(build.find()).as("the README's podman build command").isTrue();
        String image = build.group(1);
        rendered.forEach((dir, docs) -> workloads(docs)
                .forEach(w -> assertThat(container(w).path("image").asText()).as(dir).isEqualTo(image)));
    }

    @Test
    void shouldScaleOutWithReceiversOnTheNodesNetworkAndSseReplicasOnRedis() {
        List<JsonNode> docs = rendered.get(KUBERNETES.resolve("overlays/scale-out").toString());
        assertThat(docs).as("the scale-out overlay").isNotNull();
        JsonNode replicas = docs.stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
        assertThat(replicas.path("spec").path("template").path("spec").path("hostNetwork").asBoolean(false)).isFalse();
        Map<String, String> receiverEnv = new HashMap<>();
        Map<String, String> replicaEnv = new HashMap<>();
        for (JsonNode from : container(one(docs, "DaemonSet")).path("envFrom")) {
            receiverEnv.putAll(configMap(docs, from.path("configMapRef").path("name").asText()));
        }
        for (JsonNode from : container(replicas).path("envFrom")) {
            replicaEnv.putAll(configMap(docs, from.path("configMapRef").path("name").asText()));
        }
        for (Map<String, String> env : List.of(receiverEnv, replicaEnv)) {
            assertThat(env).containsEntry("MCAST_TRANSPORT", "redis").containsKey("QUARKUS_REDIS_HOSTS");
        }
        assertThat(receiverEnv.getOrDefault("MCAST_RECEIVER_ENABLED", "true")).isEqualTo("true");
        assertThat(replicaEnv).containsEntry("MCAST_RECEIVER_ENABLED", "false");
        assertThat(replicaEnv.get("MCAST_GROUP")).as("the same channels").isEqualTo(receiverEnv.get("MCAST_GROUP"));
    }

    private static Map<String, String> configMap(List<JsonNode> docs, String name) {
        Map<String, String> data = new HashMap<>();
        docs.stream().filter(d -> d.path("kind").asText().equals("ConfigMap") && d.path("metadata").path("name").asText().equals(name))
                .forEach(cm -> cm.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText())));
        return data;
    }

    /** The DaemonSet of receivers and, in the scale-out overlay, the Deployment of SSE replicas. */
    private static List<JsonNode> workloads(List<JsonNode> docs) {
        return docs.stream().filter(d -> List.of("DaemonSet", "Deployment").contains(d.path("kind").asText())).toList();
    }

    private static JsonNode container(JsonNode workload) {
        JsonNode containers = workload.path("spec").path("template").path("spec").path("containers");
        assertThat(containers.size()).isEqualTo(1);
        return containers.get(0);
    }

    private static JsonNode one(List<JsonNode> docs, String kind) {
        List<JsonNode> found = docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    private static JsonNode port(JsonNode container, String name) {
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no port named " + name + " in " + container.path("ports"));
    }

    private static Duration duration(String value, String key) {
        String text = value != null ? value : ConfigProvider.getConfig().getValue(key, String.class);
        return Duration.parse("PT" + text.toUpperCase());
    }

    /** quarkus.http.port as the packaged application (prod profile) has it. */
    private static int prodHttpPort() {
        Properties properties = new Properties();
        try (InputStream in = KubernetesManifestsTest.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return Integer.parseInt(properties.getProperty("%prod.quarkus.http.port",
                properties.getProperty("quarkus.http.port", "8080")));
    }

    /**
     * The environment variable of every key of the @ConfigMapping, e.g. MCAST_RECEIVER_LOG_INTERVAL; a
     * map's key is {@code <NAME>} (MCAST_CHANNELS_<NAME>_GROUP).
     */
    static Set<String> envNames(Class<?> group, String prefix) {
        Set<String> names = new TreeSet<>();
        for (Method m : group.getDeclaredMethods()) {
            if (m.isDefault() || java.lang.reflect.Modifier.isStatic(m.getModifiers()) || m.getParameterCount() > 0) {
                continue;
            }
            WithName withName = m.getAnnotation(WithName.class);
            String key = withName != null ? withName.value() : m.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
            String env = prefix + "_" + key.toUpperCase().replaceAll("[.-]", "_");
            Class<?> type = m.getReturnType();
            if (type == java.util.Map.class && m.getGenericReturnType() instanceof java.lang.reflect.ParameterizedType map
                    && map.getActualTypeArguments()[1] instanceof Class<?> value
                    && value.getDeclaringClass() == GatewayConfig.class) {
                names.addAll(envNames(value, env + "_<NAME>"));
            } else if (type.isInterface() && type.getDeclaringClass() == GatewayConfig.class) {
                names.addAll(envNames(type, env));
            } else {
                names.add(env);
            }
        }
        return names;
    }
}
