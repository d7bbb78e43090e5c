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
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.mcastgateway.config.GatewayConfig;
import io.mcastgateway.support.Commands;
import io.mcastgateway.support.Tools;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.config.WithName;

/**
 * The Kubernetes manifests, rendered by {@code kubectl kustomize} (base and every overlay), checked
 * against the running application: probe paths answer, the port is the app's, every MCAST_* name is a
 * real setting, the pod is unprivileged and holds no service-account token, credentials come only from
 * Secrets, and the image is the one docs/operations.md builds. The alert rules: the monitoring overlay's
 * PrometheusRule and the plain rules file hold the same groups, name only metrics the gateway serves, and
 * pass {@code promtool check rules} and their unit tests.
 */
@QuarkusTest
class KubernetesManifestsTest {

    private static final Path KUBERNETES = Path.of("deploy/kubernetes");
    private static final YAMLMapper YAML = new YAMLMapper();
    /** Names of settings that hold a credential: only a Secret may give them a value. */
    private static final Pattern CREDENTIAL = Pattern.compile("MCAST_\\w*TOKEN|\\w*SECRET|\\w*PASSWORD");
    /** A password in a URL, e.g. QUARKUS_REDIS_HOSTS=redis://user:password@host. */
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("://[^/@]*:[^/@]*@");

    /** The alert rules for a Prometheus without the operator; the same groups as the PrometheusRule. */
    private static final Path RULES = Path.of("deploy/prometheus/mcast-gateway-rules.yml");
    /** promtool's unit tests of {@link #RULES}. */
    private static final Path RULE_TESTS = Path.of("deploy/prometheus/mcast-gateway-rules.test.yml");
    /**
     * Every mcast_* metric the gateway serves at /q/metrics, with its labels (Prometheus adds job and
     * instance): what an alert may name. The test below checks it against the running gateway, and
     * docs/operations.md's table lists each.
     */
    static final Map<String, Set<String>> GATEWAY_METRICS = Map.ofEntries(
            Map.entry("mcast_datagrams_received_total", Set.of("channel", "group")),
            Map.entry("mcast_received_bytes_total", Set.of("channel", "group")),
            Map.entry("mcast_datagrams_sent_total", Set.of("channel", "group")),
            Map.entry("mcast_sent_bytes_total", Set.of("channel", "group")),
            Map.entry("mcast_receive_errors_total", Set.of("channel", "group")),
            Map.entry("mcast_rejoins_total", Set.of("channel", "group")),
            Map.entry("mcast_channel_joined", Set.of("channel", "group", "interface")),
            Map.entry("mcast_sse_subscribers", Set.of()),
            Map.entry("mcast_sse_events_delivered_total", Set.of()),
            Map.entry("mcast_sse_events_dropped_total", Set.of()),
            Map.entry("mcast_sse_rejected_total", Set.of()),
            Map.entry("mcast_replay_events", Set.of()),
            Map.entry("mcast_transport_appended_total", Set.of("transport")),
            Map.entry("mcast_transport_dropped_total", Set.of("transport")),
            Map.entry("mcast_transport_standby_total", Set.of("transport")),
            Map.entry("mcast_transport_skipped_total", Set.of("transport")),
            Map.entry("mcast_transport_refused_sends_total", Set.of("transport")),
            Map.entry("mcast_transport_up", Set.of("transport")),
            Map.entry("mcast_transport_writing", Set.of("transport", "channel")),
            // stream health (issue 28)
            Map.entry("mcast_ts_packets_total", Set.of("channel", "group")),
            Map.entry("mcast_ts_continuity_errors_total", Set.of("channel", "group")),
            Map.entry("mcast_ts_sync_byte_errors_total", Set.of("channel", "group")),
            Map.entry("mcast_ts_sync_losses_total", Set.of("channel", "group")),
            Map.entry("mcast_ts_pat_errors_total", Set.of("channel", "group")),
            Map.entry("mcast_ts_pmt_errors_total", Set.of("channel", "group")),
            Map.entry("mcast_rtp_jitter_max_milliseconds", Set.of("channel", "group")),
            Map.entry("mcast_kernel_drops_total", Set.of("channel", "group")),
            Map.entry("mcast_kernel_receive_buffer_granted_bytes", Set.of("channel", "group")),
            Map.entry("mcast_host_udp_rcvbuf_errors_total", Set.of()),
            Map.entry("mcast_channel_silent", Set.of("channel", "group")),
            Map.entry("mcast_channel_silences_total", Set.of("channel", "group")),
            Map.entry("mcast_passthrough_groups", Set.of()),
            Map.entry("mcast_passthrough_clients", Set.of()),
            Map.entry("mcast_passthrough_rejected_total", Set.of()),
            Map.entry("mcast_passthrough_group_clients", Set.of("target", "channel")),
            Map.entry("mcast_passthrough_sent_bytes_total", Set.of("target", "channel")),
            Map.entry("mcast_passthrough_dropped_datagrams_total", Set.of("target", "channel")),
            Map.entry("mcast_passthrough_received_datagrams_total", Set.of("target", "channel")));
    /** Served with mcast.transport=redis only; this test runs the local transport. */
    private static final Set<String> REDIS_ONLY = Set.of("mcast_transport_writing");
    /** Served per group while a media player watches it (PassthroughTest checks them); none does here. */
    private static final Set<String> PER_PLAYER_GROUP = Set.of("mcast_passthrough_group_clients",
            "mcast_passthrough_sent_bytes_total", "mcast_passthrough_dropped_datagrams_total",
            "mcast_passthrough_received_datagrams_total");
    /** Labels Prometheus adds to every series it scrapes. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

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
            // envFrom: a ConfigMap rendered here, or a Secret the operator creates (deploy/README.md)
            workloads(docs).forEach(w -> container(w).path("envFrom").forEach(from -> {
                if (from.has("secretRef")) {
                    assertThat(from.path("secretRef").path("name").asText()).as(dir + " " + from).isNotBlank();
                } else {
                    assertThat(docs).as(dir + " " + from).anyMatch(d -> d.path("kind").asText().equals("ConfigMap")
                            && d.path("metadata").path("name").asText().equals(from.path("configMapRef").path("name").asText()));
                }
            }));
        });
    }

    @Test
    void shouldTakeCredentialsOnlyFromSecrets() {
        assertThat(CREDENTIAL.asMatchPredicate()).accepts("MCAST_READ_TOKEN", "MCAST_PUBLISH_TOKEN", "MCAST_SESSION_SECRET",
                "MCAST_REDIS_SECRET", "QUARKUS_REDIS_PASSWORD").rejects("MCAST_JWT_PUBLIC_KEY_LOCATION", "MCAST_JWT_ISSUER");
        assertThat(PASSWORD_IN_URL.asPredicate()).accepts("redis://mcast-gateway:hunter2@redis:6379", "rediss://:hunter2@redis")
                .rejects("rediss://mcast-gateway@redis.example.org:6380", "redis://redis.mcast.svc.cluster.local:6379");
        rendered.forEach((dir, docs) -> {
            for (JsonNode cm : docs.stream().filter(d -> d.path("kind").asText().equals("ConfigMap")).toList()) {
                String where = dir + " ConfigMap " + cm.path("metadata").path("name").asText();
                cm.path("data").fields().forEachRemaining(e -> {
                    assertThat(e.getKey()).as(where).doesNotMatch(CREDENTIAL);
                    assertThat(e.getValue().asText()).as(where + " " + e.getKey()).doesNotContainPattern(PASSWORD_IN_URL);
                });
            }
            // env: a credential's value is a Secret's key, never a literal nor a ConfigMap's key
            for (JsonNode workload : workloads(docs)) {
                for (JsonNode e : container(workload).path("env")) {
                    if (CREDENTIAL.matcher(e.path("name").asText()).matches()) {
                        assertThat(e.path("valueFrom").has("secretKeyRef")).as(dir + " " + workload.path("metadata").path("name")
                                .asText() + ": " + e + " from a Secret").isTrue();
                    }
                }
            }
        });
    }

    @Test
    void shouldNotMountAServiceAccountToken() {
        rendered.forEach((dir, docs) -> workloads(docs).forEach(w -> assertThat(
                w.path("spec").path("template").path("spec").path("automountServiceAccountToken").asBoolean(true))
                .as(dir + " " + w.path("metadata").path("name").asText() + ": automountServiceAccountToken").isFalse()));
    }

    @Test
    void shouldLeaveThePeriodicSenderOffInTheBase() {
        List<JsonNode> docs = rendered.get(KUBERNETES.resolve("base").toString());
        assertThat(environment(docs, one(docs, "DaemonSet"))).as("the base DaemonSet's environment")
                .containsEntry("MCAST_SENDER_ENABLED", Env.of("false"));
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
            Map<String, Env> env = environment(docs, workload);
            Duration delay = duration(env.get("QUARKUS_SHUTDOWN_DELAY"), "quarkus.shutdown.delay");
            Duration timeout = duration(env.get("QUARKUS_SHUTDOWN_TIMEOUT"), "quarkus.shutdown.timeout");
            long grace = workload.path("spec").path("template").path("spec").path("terminationGracePeriodSeconds").asLong();
            assertThat(Duration.ofSeconds(grace)).as(dir + " " + workload.path("metadata").path("name").asText())
                    .isGreaterThan(delay.plus(timeout));
        }));
    }

    @Test
    void shouldDeployTheImageTheOperationsPageBuilds() throws IOException {
        Matcher build = Pattern.compile("podman build -f src/main/docker/Dockerfile\\.jvm -t (\\S+) \\.")
                .matcher(Files.readString(Path.of("docs/operations.md")));
        assertThat(build.find()).as("the podman build command of docs/operations.md").isTrue();
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

    @Test
    void shouldTakeTheRedisSecretAndPasswordFromASecretWhenScaledOut() {
        List<JsonNode> docs = rendered.get(KUBERNETES.resolve("overlays/scale-out").toString());
        assertThat(docs).as("the scale-out overlay").isNotNull();
        for (JsonNode workload : workloads(docs)) {
            Map<String, Env> env = environment(docs, workload);
            String where = "scale-out " + workload.path("metadata").path("name").asText();
            for (String name : List.of("MCAST_REDIS_SECRET", "QUARKUS_REDIS_PASSWORD")) {
                assertThat(env.get(name)).as(where + ": " + name).isNotNull().matches(Env::fromSecret, "from a Secret");
            }
        }
    }

    @Test
    void shouldListenOnTheNodesAddressAndTakeTokensAndTheJwtKeyFromSecretsWhenSecured() {
        List<JsonNode> docs = rendered.get(KUBERNETES.resolve("overlays/secured").toString());
        assertThat(docs).as("the secured overlay").isNotNull();
        JsonNode gateway = one(docs, "DaemonSet");
        Map<String, Env> env = environment(docs, gateway);
        assertThat(env.get("QUARKUS_HTTP_HOST")).as("QUARKUS_HTTP_HOST").isNotNull().matches(e -> e.valueFrom() != null
                && e.valueFrom().path("fieldRef").path("fieldPath").asText().equals("status.hostIP"), "from fieldRef status.hostIP");
        for (String name : List.of("MCAST_READ_TOKEN", "MCAST_PUBLISH_TOKEN", "MCAST_SESSION_SECRET")) {
            assertThat(env.get(name)).as(name).isNotNull().matches(Env::fromSecret, "from a Secret");
        }
        assertThat(env.get("MCAST_JWT_ISSUER")).as("MCAST_JWT_ISSUER").isNotNull()
                .matches(e -> e.value() != null && !e.value().isBlank(), "a value");
        // the JWT key: the file that MCAST_JWT_PUBLIC_KEY_LOCATION names is a key of a Secret, mounted read-only
        Env location = env.get("MCAST_JWT_PUBLIC_KEY_LOCATION");
        assertThat(location).as("MCAST_JWT_PUBLIC_KEY_LOCATION").isNotNull().matches(e -> e.value() != null, "a value");
        Path keyFile = Path.of(location.value());
        JsonNode mount = null;
        for (JsonNode m : container(gateway).path("volumeMounts")) {
            Path mountPath = Path.of(m.path("mountPath").asText());
            if (keyFile.startsWith(mountPath) && !keyFile.equals(mountPath)) {
                mount = m;
            }
        }
        assertThat(mount).as("a volume mounted where " + keyFile + " is").isNotNull();
        assertThat(mount.path("readOnly").asBoolean()).as(mount + ": read-only").isTrue();
        String mountName = mount.path("name").asText();
        JsonNode secret = null;
        for (JsonNode v : gateway.path("spec").path("template").path("spec").path("volumes")) {
            if (v.path("name").asText().equals(mountName)) {
                secret = v.path("secret");
            }
        }
        assertThat(secret).as("the volume " + mountName).isNotNull();
        assertThat(secret.path("secretName").asText()).as("the volume " + mountName + ": a Secret").isNotBlank();
        // a missing key stops the pod (an event names it) instead of starting it unable to verify a token
        assertThat(secret.path("optional").asBoolean(false)).as(secret + ": optional").isFalse();
        String file = Path.of(mount.path("mountPath").asText()).relativize(keyFile).toString();
        assertThat(secret.path("items")).as(secret + ": a key projected as " + file)
                .anyMatch(item -> item.path("path").asText().equals(file) && !item.path("key").asText().isBlank());
    }

    @Test
    void shouldRenderThePrometheusRuleOfTheAlertsInTheMonitoringOverlay() {
        JsonNode rule = prometheusRule();
        assertThat(rule.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rule.path("metadata").path("name").asText()).isEqualTo("mcast-gateway");
        List<String> groups = new ArrayList<>();
        rule.path("spec").path("groups").forEach(g -> groups.add(g.path("name").asText()));
        assertThat(groups).isNotEmpty().doesNotHaveDuplicates().allMatch(name -> !name.isBlank());
        List<JsonNode> rules = alertRules(rule.path("spec"));
        assertThat(rules.stream().map(r -> r.path("alert").asText())).doesNotHaveDuplicates().contains("McastKernelDrops",
                "McastHostUdpReceiveBufferErrors", "McastTsContinuityErrors", "McastTsPatErrors", "McastTsPmtErrors",
                "McastChannelSilent");
        for (JsonNode r : rules) {
            String alert = r.path("alert").asText();
            assertThat(alert).as("every rule is an alert (no recording rules): " + r).matches("Mcast[A-Za-z]+");
            assertThat(r.path("expr").asText()).as(alert + " expr").isNotBlank();
            assertThat(r.path("for").asText("0s")).as(alert + " for").matches("\\d+[smh]");
            assertThat(r.path("labels").path("severity").asText()).as(alert + " severity").isIn("critical", "warning", "info");
            assertThat(r.path("annotations").path("summary").asText()).as(alert + " summary").isNotBlank();
            assertThat(r.path("annotations").path("description").asText()).as(alert + " description").isNotBlank();
        }
        JsonNode drops = rules.stream().filter(r -> r.path("alert").asText().equals("McastKernelDrops")).findFirst().orElseThrow();
        assertThat(drops.path("expr").asText()).contains("mcast_kernel_drops_total");
        assertThat(drops.path("annotations").path("description").asText()).as("what to change")
                .contains("net.core.rmem_max", "mcast.receiver.receive-buffer-size");
        // the other overlays stay without it: the operator's CRDs are not everywhere
        rendered.forEach((dir, docs) -> assertThat(docs.stream().filter(d -> d.path("kind").asText().equals("PrometheusRule")))
                .as(dir).hasSize(dir.endsWith("overlays/monitoring") ? 1 : 0));
    }

    @Test
    void shouldKeepThePlainRulesFileEqualToThePrometheusRulesGroups() throws IOException {
        JsonNode plain = YAML.readTree(RULES.toFile());
        List<String> fields = new ArrayList<>();
        plain.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).as(RULES + ": a Prometheus rules file").containsExactly("groups");
        // equal as YAML data (kustomize orders each mapping's keys), shown as text when not
        JsonNode groups = prometheusRule().path("spec").path("groups");
        assertThat(plain.path("groups").equals(groups)).as(RULES + " holds the groups of the monitoring overlay's"
                + " PrometheusRule (deploy/kubernetes/overlays/monitoring/prometheus-rule.yaml): change both.\n"
                + RULES + ":\n" + plain.path("groups").toPrettyString() + "\nPrometheusRule:\n" + groups.toPrettyString())
                .isTrue();
    }

    @Test
    void shouldAlertOnlyOnMetricsTheGatewayServesAndOnlyWithTheirLabels() {
        assertThat(metricNames("sum by (channel) (rate(mcast_a_total{channel=\"x\", le=\"1e3\"}[5m])) > 1e3"
                + " and ignoring (interface) mcast_b == 1 unless on (group) max_over_time(mcast_c[1h:5m]) offset 1h"))
                .containsExactlyInAnyOrder("mcast_a_total", "mcast_b", "mcast_c");
        for (JsonNode r : alertRules(prometheusRule().path("spec"))) {
            String alert = r.path("alert").asText();
            String expr = r.path("expr").asText();
            Set<String> metrics = metricNames(expr);
            assertThat(metrics).as(alert + ": metrics of " + expr).isNotEmpty().allMatch(GATEWAY_METRICS::containsKey,
                    "served by the gateway (GATEWAY_METRICS)");
            // the labels the annotations name are on the alert: those the expression keeps
            Set<String> labels = new HashSet<>();
            Matcher by = Pattern.compile("\\b(?:sum|min|max|avg|count)\\s+by\\s*\\(([^)]*)\\)").matcher(expr);
            if (by.find()) {
                for (String label : by.group(1).split(",")) {
                    labels.add(label.trim());
                }
            } else {
                labels.addAll(TARGET_LABELS);
                labels.addAll(metrics.stream().map(GATEWAY_METRICS::get)
                        .reduce((a, b) -> a.stream().filter(b::contains).collect(java.util.stream.Collectors.toSet())).orElseThrow());
            }
            r.path("annotations").forEach(text -> {
                Matcher used = Pattern.compile("\\$labels\\.(\\w+)").matcher(text.asText());
                while (used.find()) {
                    assertThat(labels).as(alert + ": $labels." + used.group(1) + " in " + text.asText()).contains(used.group(1));
                }
            });
        }
    }

    @Test
    void shouldListEveryMetricTheGatewayServesWithItsLabelsAndDocumentIt() throws IOException {
        String metrics = given().accept("text/plain").when().get("/q/metrics").then().statusCode(200).extract().asString();
        Map<String, Set<String>> served = new HashMap<>();
        Matcher sample = Pattern.compile("(?m)^(mcast_\\w+)(?:\\{([^}]*)\\})? \\S+$").matcher(metrics);
        while (sample.find()) {
            Set<String> labels = new TreeSet<>();
            Matcher label = Pattern.compile("(\\w+)=\"(?:[^\"\\\\]|\\\\.)*\"").matcher(sample.group(2) == null ? "" : sample.group(2));
            while (label.find()) {
                labels.add(label.group(1));
            }
            served.put(sample.group(1), labels);
        }
        assertThat(served).as("mcast_* in /q/metrics").isNotEmpty();
        served.forEach((name, labels) -> assertThat(GATEWAY_METRICS.get(name)).as(name + ": in GATEWAY_METRICS, with its labels")
                .isEqualTo(labels));
        Set<String> missing = new TreeSet<>(GATEWAY_METRICS.keySet());
        missing.removeAll(served.keySet());
        missing.removeAll(PER_PLAYER_GROUP);
        assertThat(missing).as("listed in GATEWAY_METRICS but not served").isSubsetOf(REDIS_ONLY);
        String operations = Files.readString(Path.of("docs/operations.md"));
        assertThat(GATEWAY_METRICS.keySet()).as("in docs/operations.md's table of metrics")
                .allMatch(name -> operations.contains("| `" + name + "` |"));
        for (JsonNode r : alertRules(YAML.readTree(RULES.toFile()))) {
            assertThat(operations).as("docs/operations.md explains the alert").contains("`" + r.path("alert").asText() + "`");
        }
    }

    @Test
    void shouldUnitTestEveryAlertFiring() throws IOException {
        JsonNode tests = YAML.readTree(RULE_TESTS.toFile());
        assertThat(tests.path("rule_files").toString()).contains(RULES.getFileName().toString());
        Set<String> fired = new TreeSet<>();
        tests.path("tests").forEach(t -> t.path("alert_rule_test").forEach(a -> {
            if (!a.path("exp_alerts").isEmpty()) {
                fired.add(a.path("alertname").asText());
            }
        }));
        assertThat(fired).as(RULE_TESTS + ": alerts a test expects to fire")
                .containsAll(alertRules(YAML.readTree(RULES.toFile())).stream().map(r -> r.path("alert").asText()).toList());
    }

    @Test
    void shouldPassPromtoolsChecksAndTheRulesUnitTests() throws IOException {
        Tools.require("KubernetesManifestsTest (alert rules)", Tools.missingCommands("promtool"));
        // the PrometheusRule's groups as kustomize renders them, as a rules file
        Path operatorRules = Path.of("target/prometheus-rule-groups.yml");
        Files.createDirectories(operatorRules.getParent());
        ObjectNode file = YAML.createObjectNode();
        file.set("groups", prometheusRule().path("spec").path("groups"));
        YAML.writeValue(operatorRules.toFile(), file);
        String checked = Commands.run(List.of("promtool", "check", "rules", RULES.toString(), operatorRules.toString()),
                Map.of(), new byte[0], 60);
        assertThat(checked).contains("SUCCESS").doesNotContain("FAILED");
        String tested = Commands.run(List.of("promtool", "test", "rules", RULE_TESTS.toString()), Map.of(), new byte[0], 60);
        assertThat(tested).contains("SUCCESS").doesNotContain("FAILED");
    }

    /** The PrometheusRule of the monitoring overlay, as rendered. */
    private static JsonNode prometheusRule() {
        List<JsonNode> docs = rendered.get(KUBERNETES.resolve("overlays/monitoring").toString());
        assertThat(docs).as("the monitoring overlay").isNotNull();
        return one(docs, "PrometheusRule");
    }

    /** The rules of every group of a rules file or a PrometheusRule's spec. */
    private static List<JsonNode> alertRules(JsonNode groupsHolder) {
        List<JsonNode> rules = new ArrayList<>();
        groupsHolder.path("groups").forEach(g -> g.path("rules").forEach(rules::add));
        assertThat(rules).as("alert rules").isNotEmpty();
        return rules;
    }

    /**
     * The metric names a PromQL expression selects: its identifiers without strings, label matchers,
     * ranges, label lists (by, on, ...), function names, keywords and numbers.
     */
    static Set<String> metricNames(String expr) {
        String e = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*\\}", "")
                .replaceAll("\\[[^\\]]*\\]", "")
                .replaceAll("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "")
                .replaceAll("\\boffset\\s+\\w+", "");
        Set<String> keywords = Set.of("and", "or", "unless", "bool", "inf", "nan");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(e);
        while (m.find()) {
            if (m.group(2) == null && !keywords.contains(m.group(1).toLowerCase())) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /**
     * A variable of a container's environment: its value (a literal or from a ConfigMap), or the
     * {@code valueFrom} that the kubelet resolves (a Secret's key, a field of the pod).
     */
    private record Env(String value, JsonNode valueFrom) {

        static Env of(String value) {
            return new Env(value, null);
        }

        boolean fromSecret() {
            return valueFrom != null && !valueFrom.path("secretKeyRef").path("name").asText().isBlank()
                    && !valueFrom.path("secretKeyRef").path("key").asText().isBlank();
        }
    }

    /**
     * A workload's environment as the kubelet builds it: the ConfigMaps of envFrom in order (a later one
     * wins; a Secret's keys are unknown here), then env, which wins over envFrom.
     */
    private static Map<String, Env> environment(List<JsonNode> docs, JsonNode workload) {
        Map<String, Env> env = new HashMap<>();
        for (JsonNode from : container(workload).path("envFrom")) {
            if (from.has("configMapRef")) {
                configMap(docs, from.path("configMapRef").path("name").asText()).forEach((k, v) -> env.put(k, Env.of(v)));
            }
        }
        for (JsonNode e : container(workload).path("env")) {
            env.put(e.path("name").asText(), e.has("valueFrom") ? new Env(null, e.path("valueFrom")) : Env.of(e.path("value").asText()));
        }
        return env;
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

    /**
     * The duration a manifest sets, or else the packaged application's (prod profile): this test runs
     * with the test profile, whose values (quarkus.shutdown.delay=0s) a pod never sees.
     */
    private static Duration duration(Env value, String key) {
        String text = value != null ? value.value() : prodProperty(key, null);
        assertThat(text).as(key + ": set by the manifest or in application.properties").isNotNull();
        return Duration.parse("PT" + text.toUpperCase());
    }

    /** quarkus.http.port as the packaged application (prod profile) has it. */
    private static int prodHttpPort() {
        return Integer.parseInt(prodProperty("quarkus.http.port", "8080"));
    }

    /** A key of application.properties as the prod profile reads it: %prod.key, else the un-prefixed key. */
    private static String prodProperty(String key, String defaultValue) {
        Properties properties = new Properties();
        try (InputStream in = KubernetesManifestsTest.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return properties.getProperty("%prod." + key, properties.getProperty(key, defaultValue));
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
