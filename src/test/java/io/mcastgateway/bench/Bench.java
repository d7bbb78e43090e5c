package io.mcastgateway.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The benchmark, run by {@code bench/run}: the packaged gateway on lo against separate load-generator
 * and SSE-client processes, every figure taken in one run next to the raw socket's. Writes
 * {@code target/bench/report.md}, {@code results.json}, {@code rate.png} and {@code latency.png}; with
 * {@code --update-docs} (or its former name {@code --update-readme}) it also rewrites the report section of
 * {@code docs/performance.md} and the charts in {@code src/docs/}.
 * Not a test: nothing here asserts; it measures and reports.
 */
public final class Bench {

    static final Path OUT = Path.of("target/bench");
    static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    static final String GROUP = "239.255.255.250";
    static final int PORT = 23990;
    static final int HTTP = 18090;
    /**
     * The rate steps, datagrams a second. The highest are above what the C sender reaches on two shared CPUs with
     * a receiver beside it: each step records the rate it did reach.
     */
    static final int[] RATES = { 10_000, 25_000, 50_000, 100_000, 150_000, 200_000, 300_000, 400_000 };
    /** The MPEG-TS section's steps, up to 200k/s: it is about the checks' CPU cost, not where losses begin. */
    static final int[] TS_RATES = { 10_000, 25_000, 50_000, 100_000, 150_000, 200_000 };
    /** The step whose lossless rounds the rate table counts: the rate the gateway is held to. */
    static final int TARGET_RATE = 200_000;
    static final double STEP_SECONDS = 2;
    /**
     * Tags one measuring process tells apart (bench/sse-clients.c, RawReceiver, SseClients count tags 0 to 99):
     * tags start again at 1 with each such process ({@link #counting}).
     */
    static final int TAGS = 100;
    /**
     * Steps of {@link #RATE_WARM_UP_RATE} a gateway of the rate rows gets before its rounds, not reported: a
     * million datagrams, after which the JIT compiler has settled (measured: in the first million, C2 took up
     * to a third of a CPU per 2 s step and the steps at 200k/s lost 1 to 35 %; after it, the same steps got all).
     */
    static final int RATE_WARM_UP_STEPS = 5;
    static final int RATE_WARM_UP_RATE = 100_000;
    /** Rounds of the rate ladder per row ({@code BENCH_RATE_ROUNDS}): each round's steps take tags of one process. */
    static final int RATE_ROUNDS = rounds("BENCH_RATE_ROUNDS", 5, (TAGS - 2 - RATE_WARM_UP_STEPS) / RATES.length);
    /** Rounds of the fan-out points, each with a fresh gateway ({@code BENCH_FANOUT_ROUNDS}). */
    static final int FANOUT_ROUNDS = rounds("BENCH_FANOUT_ROUNDS", 3, 20);
    /** Starts measured each way (odd: the middle one is the median). */
    static final int STARTS = 5;

    private final ObjectNode results = Proc.JSON.createObjectNode();
    private final StringBuilder report = new StringBuilder();
    private int nextTag = 1;

    public static void main(String[] args) throws Exception {
        Files.createDirectories(OUT);
        List<String> arguments = List.of(args);
        int only = arguments.indexOf("--only");
        if (only >= 0) {
            // one part, for judging a change quickly; docs/performance.md is rewritten only from a whole run
            String part = only + 1 < args.length ? args[only + 1] : "";
            if (!PARTS.contains(part) || UPDATE_DOCS.stream().anyMatch(arguments::contains)) {
                System.err.println("usage: bench/run [--update-docs | --only " + String.join("|", PARTS) + "]");
                System.exit(2);
            }
            new Bench().runOnly(part);
            return;
        }
        Bench bench = new Bench();
        bench.run();
        if (UPDATE_DOCS.stream().anyMatch(arguments::contains)) {
            bench.updateDocs(PERFORMANCE_PAGE);
        }
    }

    /** The flag that rewrites the report in {@link #PERFORMANCE_PAGE}, and its former name. */
    static final List<String> UPDATE_DOCS = List.of("--update-docs", "--update-readme");
    /** The page whose report section {@code --update-docs} rewrites, between {@link #BEGIN} and {@link #END}. */
    public static final Path PERFORMANCE_PAGE = Path.of("docs/performance.md");
    public static final String BEGIN = "<!-- bench:begin (bench/run writes this part) -->";
    public static final String END = "<!-- bench:end -->";

    static final List<String> PARTS = List.of("rate", "rate-variants", "latency", "fanout", "jmh", "ts", "passthrough");

    /** A positive whole number from the environment variable {@code name}, at most {@code most}, else {@code otherwise}. */
    private static int rounds(String name, int otherwise, int most) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        int n = Integer.parseInt(value.trim());
        if (n < 1 || n > most) {
            throw new IllegalArgumentException(name + " is 1 to " + most + ", not " + value);
        }
        return n;
    }

    private void runOnly(String part) throws Exception {
        long started = System.currentTimeMillis();
        machine();
        switch (part) {
            case "rate" -> {
                List<RateRow> rows = new ArrayList<>();
                rows.add(rawSteps(64, "text"));
                defaultAndNio(rows, 64);
                rateTable(rows);
                rateChart(rows);
            }
            case "rate-variants" -> {
                List<RateRow> rows = new ArrayList<>();
                rows.add(rawSteps(64, "text"));
                rows.add(gatewaySteps("gateway (default), 64 B", "default-64", 64, "text", Map.of()));
                rows.addAll(rateVariants());
                rateTable(rows);
                rateChart(rows);
            }
            case "latency" -> latencyAndAllocation();
            case "fanout" -> fanOut();
            case "passthrough" -> passthrough();
            case "ts" -> {
                tsChecks(Integer.parseInt(System.getenv().getOrDefault("BENCH_TS_ROUNDS", "2")), null);
                jmh(OUT.resolve("jmh-ts.json"));
            }
            default -> jmh(OUT.resolve("jmh.json"));
        }
        long seconds = (System.currentTimeMillis() - started) / 1000;
        report.append("\nThis part took ").append(seconds).append(" s.\n");
        results.put("seconds", seconds);
        Files.writeString(OUT.resolve("report-" + part + ".md"), report);
        Proc.JSON.writerWithDefaultPrettyPrinter().writeValue(OUT.resolve("results-" + part + ".json").toFile(), results);
        System.out.println(report);
    }

    private void run() throws Exception {
        long started = System.currentTimeMillis();
        machine();
        Map<String, Long> took = new LinkedHashMap<>();
        long at = System.currentTimeMillis();
        List<RateRow> rows = new ArrayList<>();
        rows.add(rawSteps(64, "text"));
        defaultAndNio(rows, 64);
        try (Proc redis = redisServer()) {
            if (redis != null) {
                rows.add(gatewaySteps("gateway via Redis, 64 B", "redis-64", 64, "text", redisSettings()));
            }
        }
        rows.add(rawSteps(1024, "text"));
        rows.add(gatewaySteps("gateway (default), 1024 B", "default-1024", 1024, "text", Map.of()));
        RateRow rawTs = rawSteps(TS_SIZE, "ts");
        rows.add(rawTs);
        rows.add(gatewaySteps("gateway (default), MPEG-TS, " + TS_SIZE + " B", "default-ts-" + TS_SIZE, TS_SIZE, "ts",
                Map.of()));
        rateTable(rows);
        rateChart(rows);
        at = lap(took, "rate", at);
        tsChecks(Integer.parseInt(System.getenv().getOrDefault("BENCH_TS_ROUNDS", "1")), rawTs);
        at = lap(took, "MPEG-TS", at);
        Map<String, JsonNode> latencies = latencyAndAllocation();
        latencyChart(latencies);
        at = lap(took, "latency, allocation, start", at);
        fanOut();
        at = lap(took, "fan-out", at);
        passthrough();
        lap(took, "passthrough", at);
        jmh(OUT.resolve("jmh.json"));
        report.append("\nThe whole run took ").append((System.currentTimeMillis() - started) / 1000).append(" s (");
        took.forEach((part, seconds) -> results.with("seconds").put(part, seconds));
        report.append(String.join(", ", took.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + " s").toList()))
                .append(", the JMH before them not counted).\n");
        Files.writeString(OUT.resolve("report.md"), report);
        Proc.JSON.writerWithDefaultPrettyPrinter().writeValue(OUT.resolve("results.json").toFile(), results);
        System.out.println(report);
    }

    /** Puts the seconds since {@code since} under {@code part} (printed as it ends); returns now. */
    private static long lap(Map<String, Long> took, String part, long since) {
        long now = System.currentTimeMillis();
        took.put(part, (now - since) / 1000);
        System.out.println(part + " took " + (now - since) / 1000 + " s");
        return now;
    }

    private void machine() throws Exception {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        String mem = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
        String kernel = Files.readAllLines(Path.of("/proc/sys/kernel/osrelease")).get(0).trim();
        String rmem = Files.readAllLines(Path.of("/proc/sys/net/core/rmem_max")).get(0).trim();
        ObjectNode m = results.putObject("machine");
        m.put("date", Instant.now().toString()).put("cpus", Runtime.getRuntime().availableProcessors())
                .put("cpu", cpu).put("memory", mem).put("kernel", kernel).put("java", System.getProperty("java.version"))
                .put("rmem_max", rmem);
        report.append("# mcast-gateway benchmark\n\n")
                .append("Run ").append(m.get("date").asText()).append(" on ").append(m.get("cpus").asInt())
                .append(" CPUs (").append(cpu).append("), ").append(mem).append(", Linux ").append(kernel)
                .append(", net.core.rmem_max ").append(rmem).append(", the benchmark's own JVM Java ")
                .append(m.get("java").asText()).append(". Everything on `lo`: the gateway (").append(launcher())
                .append(", default settings but the group and ports),")
                .append(" the load generator (").append(senderName()).append(") and the SSE clients (").append(clientName())
                .append(") are separate processes on the same machine.\n");
    }

    /** The C client and sender bench/run compiles (as the independent harness has), else the Java ones. */
    static final Path C_CLIENTS = OUT.resolve("sse-clients");
    static final Path C_SENDER = OUT.resolve("sender");

    /** The SSE clients on the benchmark's port; see {@link #sseClients(Path, int, int)}. */
    private Proc sseClients(Path log, int connections) {
        return sseClients(log, connections, HTTP);
    }

    /** The SSE clients (a measuring process: tags start again at 1). */
    private Proc sseClients(Path log, int connections, int port) {
        if (Files.isExecutable(C_CLIENTS)) {
            return counting(Proc.start(List.of(C_CLIENTS.toString(), "127.0.0.1", String.valueOf(port), "/api/events",
                    String.valueOf(connections)), Map.of(), log, false));
        }
        return counting(Proc.tool(log, "SseClients", "127.0.0.1", port, "/api/events", connections));
    }

    /** The raw-socket receiver (a measuring process: tags start again at 1). */
    private Proc rawReceiver() {
        return counting(Proc.tool(OUT.resolve("raw.log"), "RawReceiver", GROUP, PORT));
    }

    /**
     * {@code measurer}, a process that counts datagrams or events by tag, just started: the tags start again at 1.
     * Each such process has its own counts, and none counts more than {@link #TAGS} tags: over a whole run the
     * tags went past 99, and from there on every figure counted by tag was 0.
     */
    private Proc counting(Proc measurer) {
        nextTag = 1;
        return measurer;
    }

    /** The next tag for the measuring process that runs now; refused past the {@link #TAGS} it can tell apart. */
    private int tag() {
        if (nextTag >= TAGS) {
            throw new IllegalStateException("more than " + (TAGS - 1) + " tagged runs for one measuring process");
        }
        return nextTag++;
    }

    private static String clientName() {
        return Files.isExecutable(C_CLIENTS) ? "`bench/sse-clients.c` (C, epoll, one thread)" : "`bench.SseClients` (Java NIO, one thread)";
    }

    private static String senderName() {
        return Files.isExecutable(C_SENDER) ? "`bench/sender.c`" : "`bench.Sender`";
    }

    /**
     * One step of one round of a rate row: what the sender sent and in how many seconds (its own clock), what
     * the receiving process read (the raw receiver's count, or the gateway's {@code received}), what reached the
     * subscriber (for the raw receiver the same), and where the rest went: the host's {@code RcvbufErrors} (every
     * UDP socket of the host counts there), the gateway's receiving socket's own kernel drops ({@code null} for
     * the raw receiver, or when {@code /api/channels} did not know them), the events the gateway dropped for its
     * subscriber, and those the Redis transport could not take.
     */
    record RateStep(int round, int rate, long sent, double senderSeconds, long received, long delivered,
            long hostRcvbufErrors, Long socketDrops, long gatewayDropped, long transportDropped) {

        double deliveredPercent() {
            return sent == 0 ? 0 : 100.0 * delivered / sent;
        }

        /** The rate the sender reached: datagrams sent over its own seconds. */
        double senderRate() {
            return senderSeconds <= 0 ? 0 : sent / senderSeconds;
        }

        RateStep withDelivered(long subscriber) {
            return new RateStep(round, rate, sent, senderSeconds, received, subscriber, hostRcvbufErrors, socketDrops,
                    gatewayDropped, transportDropped);
        }

        ObjectNode json() {
            ObjectNode o = Proc.JSON.createObjectNode().put("round", round).put("rate", rate).put("sent", sent)
                    .put("senderSeconds", senderSeconds).put("senderRate", Math.round(senderRate()))
                    .put("received", received).put("delivered", delivered).put("hostRcvbufErrors", hostRcvbufErrors)
                    .put("gatewayDropped", gatewayDropped).put("transportDropped", transportDropped);
            return socketDrops == null ? o.putNull("socketDrops") : o.put("socketDrops", socketDrops);
        }
    }

    /**
     * A row of the rate table: one process, the raw receiver or a gateway (its log file's {@code name}), its steps
     * over every round, and the I/O transport the gateway's {@code /api/stats} named ({@code ioTransport}: epoll,
     * nio), null when it names none.
     */
    record RateRow(String label, boolean raw, int rounds, List<RateStep> steps, String name, String ioTransport) {

        RateRow labelled(String other) {
            return new RateRow(other, raw, rounds, steps, name, ioTransport);
        }

        ObjectNode json() {
            ObjectNode row = Proc.JSON.createObjectNode().put("label", label).put("name", name).put("raw", raw)
                    .put("rounds", rounds).put("ioTransport", ioTransport)
                    .put("losslessUpTo", losslessUpTo(RATES)).put("losslessRoundsAt200k", losslessRounds(TARGET_RATE))
                    .put("senderReachedUpToLossless", Math.round(reachedUpTo(losslessUpTo(RATES))));
            ArrayNode json = row.putArray("steps");
            steps.forEach(s -> json.add(s.json()));
            return row;
        }

        /** The shares delivered at {@code rate}, one a round, in round order. */
        List<Double> shares(int rate) {
            return steps.stream().filter(s -> s.rate() == rate).map(RateStep::deliveredPercent).toList();
        }

        /** Whether every round delivered everything at {@code rate} (false when it was not measured). */
        boolean lossless(int rate) {
            List<Double> shares = shares(rate);
            return !shares.isEmpty() && shares.stream().allMatch(p -> p >= 100.0);
        }

        /** The highest of {@code rates} up to which every step was lossless in every round; 0 when the first was not. */
        int losslessUpTo(int[] rates) {
            return Bench.losslessUpTo(rates, this::lossless);
        }

        /**
         * The highest rate the sender reached in every round of a step up to {@code upTo} (per step the slowest
         * round's, then the highest of those): what "lossless up to" showed, where the sender fell behind the steps.
         */
        double reachedUpTo(int upTo) {
            double reached = 0;
            for (int rate : RATES) {
                if (rate <= upTo) {
                    reached = Math.max(reached, steps.stream().filter(s -> s.rate() == rate)
                            .mapToDouble(RateStep::senderRate).min().orElse(0));
                }
            }
            return reached;
        }

        /** The rounds that delivered everything at {@code rate}. */
        long losslessRounds(int rate) {
            return shares(rate).stream().filter(p -> p >= 100.0).count();
        }

        /** Per rate, the median share delivered over the rounds. */
        Map<Integer, Double> medians() {
            Map<Integer, Double> medians = new LinkedHashMap<>();
            for (RateStep s : steps) {
                medians.putIfAbsent(s.rate(), median(shares(s.rate())));
            }
            return medians;
        }

        /** The payload size in its label, after its last comma ("64 B"): the raw row it is compared with has it too. */
        String size() {
            return label.substring(label.lastIndexOf(", ") + 2);
        }
    }

    /**
     * The raw socket: one {@link RawReceiver}, then {@link #RATE_ROUNDS} rounds of the ladder, each rate sent for
     * {@link #STEP_SECONDS} with a {@code kind} payload and followed by 300 ms for the receiver to read what is
     * left; around each step the host's RcvbufErrors.
     */
    private RateRow rawSteps(int size, String kind) throws Exception {
        return rawSteps(size, kind, RATES, RATE_ROUNDS);
    }

    private RateRow rawSteps(int size, String kind, int[] rates, int rounds) throws Exception {
        String label = "raw socket, " + (kind.equals("ts") ? "MPEG-TS, " : "") + size + " B";
        List<RateStep> steps = new ArrayList<>();
        List<Integer> tags = new ArrayList<>();
        try (Proc raw = rawReceiver()) {
            raw.next(30);
            for (int round = 1; round <= rounds; round++) {
                for (int rate : rates) {
                    int tag = tag();
                    long host = hostRcvbufErrors();
                    JsonNode sent = step(tag, rate, size, kind);
                    Thread.sleep(300);
                    steps.add(new RateStep(round, rate, sent.path("sent").asLong(), sent.path("seconds").asDouble(), 0, 0,
                            hostRcvbufErrors() - host, null, 0, 0));
                    tags.add(tag);
                }
            }
            raw.tell("stop");
            JsonNode counts = raw.next(30).get("counts");
            for (int i = 0; i < steps.size(); i++) {
                long got = counts.get(tags.get(i)).asLong();
                RateStep s = steps.get(i);
                steps.set(i, new RateStep(s.round(), s.rate(), s.sent(), s.senderSeconds(), got, got,
                        s.hostRcvbufErrors(), null, 0, 0));
            }
        }
        return new RateRow(label, true, rounds, steps, "raw-" + size, null);
    }

    /**
     * A gateway (default settings but {@code env}), one subscriber, then {@link #RATE_ROUNDS} rounds of the ladder
     * with a {@code kind} payload of {@code size} bytes, after {@link #RATE_WARM_UP_STEPS} steps of warm-up. After
     * each step, until the gateway delivered what it received, and until its channel's kernel figures were read
     * after that: the socket's drops are counted every {@link #KERNEL_CHECK_MILLIS} ms here instead of every 5 s,
     * so that each step has its own.
     */
    private RateRow gatewaySteps(String label, String name, int size, String kind, Map<String, String> env)
            throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(env);
        settings.put("MCAST_RECEIVER_KERNEL_CHECK_INTERVAL", KERNEL_CHECK_MILLIS + "ms");
        List<RateStep> steps = new ArrayList<>();
        List<Integer> tags = new ArrayList<>();
        String ioTransport;
        try (Gateway gateway = new Gateway(name, settings);
                Proc client = sseClients(OUT.resolve("client.log"), 1)) {
            client.next(60);
            ioTransport = gateway.stats().path("ioTransport").asText(null);
            for (int i = 0; i < RATE_WARM_UP_STEPS; i++) { // warm-up, not reported
                step(tag(), RATE_WARM_UP_RATE, size, kind);
                gateway.awaitDelivered(10_000);
            }
            Long drops = socketDrops(gateway, System.currentTimeMillis());
            for (int round = 1; round <= RATE_ROUNDS; round++) {
                for (int rate : RATES) {
                    int tag = tag();
                    JsonNode before = gateway.stats();
                    long host = hostRcvbufErrors();
                    JsonNode sent = step(tag, rate, size, kind);
                    gateway.awaitDelivered(10_000);
                    Long dropsAfter = drops == null ? null : socketDrops(gateway, System.currentTimeMillis());
                    long hostAfter = hostRcvbufErrors();
                    JsonNode after = gateway.stats();
                    steps.add(new RateStep(round, rate, sent.path("sent").asLong(), sent.path("seconds").asDouble(),
                            after.path("received").asLong() - before.path("received").asLong(), 0, hostAfter - host,
                            drops == null || dropsAfter == null ? null : dropsAfter - drops,
                            after.path("dropped").asLong() - before.path("dropped").asLong(),
                            after.path("transport").path("dropped").asLong()
                                    - before.path("transport").path("dropped").asLong()));
                    tags.add(tag);
                    drops = dropsAfter;
                }
            }
            client.tell("stop");
            JsonNode out = client.next(30);
            for (int i = 0; i < steps.size(); i++) {
                steps.set(i, steps.get(i).withDelivered(out.path("tags").path(tags.get(i).toString()).path("sum").asLong()));
            }
            results.with("gateway-" + name + "-client").put("cpuBusy", out.path("cpuBusy").asDouble())
                    .put("gapsMissed", out.path("gapsMissed").asLong());
        }
        return new RateRow(label, false, RATE_ROUNDS, steps, "gateway-" + name, ioTransport);
    }

    /**
     * The gateway with default settings at {@code size} bytes, its I/O transport in its label when its
     * {@code /api/stats} says which; then, when that is not NIO, the same with Vert.x's native transport off
     * ({@code QUARKUS_VERTX_PREFER_NATIVE_TRANSPORT=false}): the row "NIO".
     */
    private void defaultAndNio(List<RateRow> rows, int size) throws Exception {
        RateRow gateway = gatewaySteps("gateway (default), " + size + " B", "default-" + size, size, "text", Map.of());
        String transport = gateway.ioTransport();
        if (transport == null) {
            rows.add(gateway);
            return;
        }
        rows.add(gateway.labelled("gateway (default, " + transport + "), " + size + " B"));
        if (!transport.equals("nio")) {
            RateRow nio = gatewaySteps("gateway (NIO), " + size + " B", "nio-" + size, size, "text",
                    Map.of("QUARKUS_VERTX_PREFER_NATIVE_TRANSPORT", "false"));
            rows.add("nio".equals(nio.ioTransport()) ? nio
                    : nio.labelled("gateway (NIO asked, " + nio.ioTransport() + " said), " + size + " B"));
        }
    }

    /** The rows of {@code --only rate-variants}: the gateway's log settings and ZGC, 64 B. */
    private List<RateRow> rateVariants() throws Exception {
        return List.of(
                gatewaySteps("gateway log=off, 64 B", "off-64", 64, "text", Map.of("MCAST_RECEIVER_LOG", "off")),
                gatewaySteps("gateway log=summary, 64 B", "summary-64", 64, "text", Map.of("MCAST_RECEIVER_LOG", "summary")),
                gatewaySteps("gateway ZGC, 64 B", "zgc-64", 64, "text", Map.of("JDK_JAVA_OPTIONS", "-XX:+UseZGC")));
    }

    /** How often the rate rows' gateways read their socket's kernel figures (the default is every 5 s). */
    static final int KERNEL_CHECK_MILLIS = 200;

    /**
     * The drops the kernel counted for the gateway's receiving socket ({@code kernel.drops} of the channel
     * {@code default} in {@code GET /api/channels}), as read at {@code notBefore} or later: waits for such a read
     * (at most 5 s); null when the gateway does not know them (its {@code kernel.status} is not ok), and then
     * not asked again in that row.
     */
    private static Long socketDrops(Gateway gateway, long notBefore) throws Exception {
        long deadline = System.currentTimeMillis() + 5_000;
        while (true) {
            JsonNode kernel = gateway.channel("default").path("kernel");
            if (kernel.path("status").asText().equals("ok") && instant(kernel.path("readAt")) >= notBefore) {
                return kernel.path("drops").asLong();
            }
            if (System.currentTimeMillis() > deadline) {
                return null;
            }
            Thread.sleep(KERNEL_CHECK_MILLIS / 4);
        }
    }

    /** Milliseconds since the epoch of a JSON instant: ISO-8601 text, or Jackson's seconds with a fraction; 0 when missing. */
    private static long instant(JsonNode at) {
        if (at.isNumber()) {
            return Math.round(at.asDouble() * 1000);
        }
        return at.isTextual() ? Instant.parse(at.asText()).toEpochMilli() : 0;
    }

    /**
     * The host's UDP receive-buffer errors so far: the value under {@code RcvbufErrors} in the {@code Udp:} lines of
     * /proc/net/snmp (a header line of names, then one of values), every IPv4 UDP socket of the host; -1 where
     * there is no such line.
     */
    static long hostRcvbufErrors() {
        try {
            return snmpValue(Files.readAllLines(Path.of("/proc/net/snmp")), "Udp:", "RcvbufErrors");
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** The value named {@code name} in the first pair of lines (names, then values) that start with {@code prefix}. */
    static long snmpValue(List<String> lines, String prefix, String name) {
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix + " ") && lines.get(i + 1).startsWith(prefix + " ")) {
                List<String> names = List.of(lines.get(i).trim().split("\\s+"));
                String[] values = lines.get(i + 1).trim().split("\\s+");
                int at = names.indexOf(name);
                return at < 0 || at >= values.length ? -1 : Long.parseLong(values[at]);
            }
        }
        return -1;
    }

    private long send(int tag, long rate, int size, long count) throws Exception {
        return send(tag, rate, size, count, "text").path("sent").asLong();
    }

    /**
     * The sender's result ({@code sent}, {@code failed}, {@code seconds}, {@code port}) for a payload of
     * {@code kind}: {@code text}, {@code ts} (MPEG-TS, {@link TsPayload}) or {@code binary} (the same without
     * sync bytes).
     */
    private static JsonNode send(int tag, long rate, int size, long count, String kind) throws Exception {
        return send(tag, rate, size, count, kind, 0);
    }

    /**
     * A rate step: {@code rate} for {@link #STEP_SECONDS}, no longer, also where the sender does not reach the rate
     * (then it sent fewer than rate × seconds datagrams, and its {@code sent} / {@code seconds} is the rate it
     * reached).
     */
    private static JsonNode step(int tag, long rate, int size, String kind) throws Exception {
        return send(tag, rate, size, (long) (rate * STEP_SECONDS), kind, STEP_SECONDS);
    }

    /** As {@link #send(int, long, int, long, String)}, the sender stopping after {@code atMost} seconds (above 0). */
    private static JsonNode send(int tag, long rate, int size, long count, String kind, double atMost) throws Exception {
        try (Proc sender = sender(GROUP, PORT, tag, rate, size, count, kind, atMost, OUT.resolve("sender.log"))) {
            return sender.next(60 + count / Math.max(1, rate));
        }
    }

    /** A sender to {@code group}:{@code port}, under way: its result is its one line of output. */
    private static Proc sender(String group, int port, int tag, long rate, int size, long count, String kind, Path log) {
        return sender(group, port, tag, rate, size, count, kind, 0, log);
    }

    /** A sender that stops after {@code atMost} seconds (above 0) even when it has not sent {@code count}. */
    private static Proc sender(String group, int port, int tag, long rate, int size, long count, String kind,
            double atMost, Path log) {
        List<Object> args = new ArrayList<>(List.of(group, port, tag, rate, size, count, kind));
        if (atMost > 0) {
            args.add(atMost);
        }
        if (Files.isExecutable(C_SENDER)) {
            List<String> command = new ArrayList<>(List.of(C_SENDER.toString()));
            args.forEach(a -> command.add(String.valueOf(a)));
            return Proc.start(command, Map.of(), log, false);
        }
        return Proc.tool(log, "Sender", args.toArray());
    }

    /** The MPEG-TS rows' datagram: seven 188-byte packets, as in most multicast video. */
    static final int TS_SIZE = 7 * TsPayload.PACKET;

    /** The payload kinds of the MPEG-TS rows, with their labels. */
    private static final Map<String, String> TS_KINDS = new LinkedHashMap<>();

    static {
        TS_KINDS.put("text", "text, not TS (the payload of the other rows)");
        TS_KINDS.put("binary", "binary, not TS (the TS bytes, sync bytes 0)");
        TS_KINDS.put("ts", "MPEG-TS, checked");
    }

    /** What one row of the MPEG-TS section measured: per rate the share delivered, the gateway's CPU per datagram. */
    private record Steps(Map<Integer, Double> delivered, Map<Integer, Double> cpuMicros, List<ObjectNode> checks) {
    }

    /**
     * The cost of the MPEG-TS checks: 1,316-byte datagrams (seven packets) at the rate table's rates, to one
     * subscriber, with three payloads of the same size: MPEG-TS ({@link TsPayload}: the gateway recognises it
     * and checks every packet), the same bytes with every sync byte 0 (not TS: the same Base64 in the events,
     * no checks) and the other rows' text. {@code rounds} times, the order reversed every other round (a drift
     * of the machine falls on all rows alike). Each gateway gets 20,000 datagrams of its payload at 10k/s
     * first, not reported. Besides the share delivered, the gateway process's CPU time (user + system, all
     * threads, /proc) per datagram it received, and for the TS rows what {@code /api/sources} says of each
     * step's sender: packets checked and errors found. The raw socket's row is {@code raw}, the rate section's
     * (its medians), or when null one round measured here.
     */
    private void tsChecks(int rounds, RateRow raw) throws Exception {
        Map<String, Map<Integer, Double>> delivered = new LinkedHashMap<>();
        Map<String, Map<Integer, Double>> cpu = new LinkedHashMap<>();
        Map<String, List<ObjectNode>> checks = new LinkedHashMap<>();
        if (raw == null) {
            RateRow measured = rawSteps(TS_SIZE, "ts", TS_RATES, 1);
            results.withArray("rate").add(measured.json());
            delivered.put(measured.label(), measured.medians());
        } else {
            delivered.put(raw.label() + " (the rate table's, median of " + raw.rounds() + " rounds)", raw.medians());
        }
        List<String> kinds = new ArrayList<>(TS_KINDS.keySet());
        for (int round = 1; round <= rounds; round++) {
            for (String kind : kinds) {
                String label = TS_KINDS.get(kind) + (rounds > 1 ? ", round " + round : "");
                Steps steps = payloadSteps(kind, TS_SIZE, round);
                delivered.put(label, steps.delivered());
                cpu.put(label, steps.cpuMicros());
                if (kind.equals("ts")) {
                    checks.put(label, steps.checks());
                }
            }
            java.util.Collections.reverse(kinds);
        }
        report.append("\n## MPEG-TS checks: 1,316-byte datagrams (seven 188-byte packets)\n\n")
                .append("The gateway with default settings, one subscriber, each rate sent for ").append(STEP_SECONDS)
                .append(" s, with three payloads of the same size: MPEG-TS (`bench/sender.c`'s `ts`: PAT and PMT")
                .append(" every 100 ms, a video and an audio PID, every continuity counter counting; the gateway")
                .append(" recognises it and checks every packet), the same bytes with every sync byte 0 (not TS: the")
                .append(" events carry the same Base64, the checks are not run) and the other rows' text. Each gateway")
                .append(" gets 20,000 datagrams of its payload at 10k/s first, not reported")
                .append(rounds > 1 ? "; the rows ran in " + rounds + " rounds, every other round in reverse order" : "")
                .append(".\n\n| |");
        for (int rate : TS_RATES) {
            report.append(' ').append(rate / 1000).append("k/s |");
        }
        report.append(" lossless up to |\n|---|").append("---|".repeat(TS_RATES.length + 1)).append('\n');
        for (var row : delivered.entrySet()) {
            report.append("| ").append(row.getKey()).append(" |");
            for (int rate : TS_RATES) {
                report.append(String.format(Locale.ROOT, " %.1f %% |", row.getValue().getOrDefault(rate, 0.0)));
            }
            int lossless = losslessUpTo(TS_RATES, rate -> row.getValue().getOrDefault(rate, 0.0) >= 100.0);
            report.append(' ').append(lossless == 0 ? "below 10k" : lossless / 1000 + "k/s").append(" |\n");
            results.with("ts-lossless").put(row.getKey(), lossless);
        }
        report.append("\nThe gateway's CPU time (user and system, all its threads, from `/proc/<pid>/stat`) per datagram")
                .append(" it received, in µs, over each step from the first datagram sent to the last delivered:")
                .append(" one CPU fully busy is 1,000,000 µs a second, so at 100k/s 10 µs per datagram is a whole")
                .append(" CPU.\n\n| |");
        for (int rate : TS_RATES) {
            report.append(' ').append(rate / 1000).append("k/s |");
        }
        report.append("\n|---|").append("---|".repeat(TS_RATES.length)).append('\n');
        for (var row : cpu.entrySet()) {
            report.append("| ").append(row.getKey()).append(" |");
            for (int rate : TS_RATES) {
                report.append(String.format(Locale.ROOT, " %.2f |", row.getValue().getOrDefault(rate, 0.0)));
            }
            report.append('\n');
        }
        report.append("\nWhat `/api/sources` said of each TS step's sender right after it (received: datagrams the")
                .append(" gateway counted for it; the checks found the PAT, its PMT and four PIDs):\n\n")
                .append("| | rate | datagrams sent | received | TS packets | = received × 7 | continuity errors |")
                .append(" PAT / PMT errors | sync byte errors | PAT, PMT |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (var row : checks.entrySet()) {
            for (ObjectNode c : row.getValue()) {
                report.append("| ").append(row.getKey()).append(" | ").append(rateName(c.path("rate").asInt()))
                        .append(" | ").append(c.path("sent").asLong()).append(" | ").append(c.path("datagrams").asLong())
                        .append(" | ").append(c.path("packets").asLong()).append(" | ")
                        .append(c.path("packets").asLong() == 7 * c.path("datagrams").asLong() ? "yes" : "no")
                        .append(" | ").append(c.path("continuityErrors").asLong()).append(" | ")
                        .append(c.path("patErrors").asLong()).append(" / ").append(c.path("pmtErrors").asLong())
                        .append(" | ").append(c.path("syncByteErrors").asLong()).append(" | ")
                        .append(c.path("pat").asText()).append(", ").append(c.path("pmt").asText()).append(" |\n");
            }
        }
        report.append("\nContinuity errors are expected only where datagrams were lost (each lost datagram breaks the")
                .append(" count of the PIDs it carried): at a lossless step they must be 0.\n");
        tsCpu();
    }

    /** The rate, datagrams and rounds of {@link #tsCpu}. */
    static final int CPU_RATE = 50_000;
    static final int CPU_DATAGRAMS = 200_000;
    static final int CPU_ROUNDS = 5;

    /**
     * CPU per datagram where every payload is delivered in full: one gateway, one subscriber, the three
     * payloads in turn ({@link #CPU_DATAGRAMS} each at {@link #CPU_RATE}, {@link #CPU_ROUNDS} rounds, the order
     * turning by one each round), so that the process, its JIT state and the machine's moment are shared.
     */
    private void tsCpu() throws Exception {
        Map<String, List<Double>> micros = new LinkedHashMap<>();
        Map<String, List<Double>> delivered = new LinkedHashMap<>();
        List<String> kinds = new ArrayList<>(TS_KINDS.keySet());
        List<Object[]> runs = new ArrayList<>(); // kind, tag, sent
        ArrayNode json = results.withArray("ts-cpu");
        try (Gateway gateway = new Gateway("ts-cpu", Map.of());
                Proc client = sseClients(OUT.resolve("client.log"), 1)) {
            client.next(60);
            for (String kind : kinds) { // warm-up, not reported: in a first round the JIT compiler still shares the CPUs
                send(tag(), CPU_RATE, TS_SIZE, CPU_DATAGRAMS / 2, kind);
                gateway.awaitDelivered(10_000);
            }
            for (int round = 0; round < CPU_ROUNDS; round++) {
                for (int k = 0; k < kinds.size(); k++) {
                    String kind = kinds.get((k + round) % kinds.size());
                    int tag = tag();
                    long receivedBefore = gateway.stats().path("received").asLong();
                    long cpuBefore = gateway.cpuNanos();
                    long sent = send(tag, CPU_RATE, TS_SIZE, CPU_DATAGRAMS, kind).path("sent").asLong();
                    gateway.awaitDelivered(10_000);
                    long cpu = gateway.cpuNanos() - cpuBefore;
                    long received = gateway.stats().path("received").asLong() - receivedBefore;
                    micros.computeIfAbsent(kind, x -> new ArrayList<>()).add(cpu / 1000.0 / Math.max(1, received));
                    runs.add(new Object[] { kind, tag, sent });
                    json.addObject().put("kind", kind).put("rate", CPU_RATE).put("sent", sent)
                            .put("receivedByGateway", received).put("cpuNanos", cpu);
                }
            }
            client.tell("stop");
            JsonNode out = client.next(30);
            for (Object[] run : runs) {
                long got = out.path("tags").path(run[1].toString()).path("sum").asLong();
                delivered.computeIfAbsent((String) run[0], x -> new ArrayList<>()).add(100.0 * got / (long) run[2]);
            }
        }
        report.append("\nThe gateway's CPU per datagram (as above) where all three are delivered in full: one gateway, one subscriber,")
                .append(" the three payloads in turn, ").append(String.format(Locale.ROOT, "%,d", CPU_DATAGRAMS))
                .append(" datagrams each at ")
                .append(rateName(CPU_RATE)).append(", ").append(CPU_ROUNDS)
                .append(" rounds (the order turning by one each round), after ").append(String.format(Locale.ROOT, "%,d", CPU_DATAGRAMS / 2))
                .append(" of each at the same rate not reported;")
                .append(" the same process, JIT state and moment of the machine for all three.\n\n")
                .append("| payload, 1,316 B | µs per datagram, each round | median | vs binary, not TS | delivered |\n")
                .append("|---|---|---|---|---|\n");
        double binary = median(micros.get("binary"));
        for (String kind : TS_KINDS.keySet()) {
            List<Double> m = micros.get(kind);
            double median = median(m);
            report.append("| ").append(TS_KINDS.get(kind)).append(" | ")
                    .append(String.join(", ", m.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList()))
                    .append(String.format(Locale.ROOT, " | %.2f | %+.1f %% | ", median, 100 * (median / binary - 1)))
                    .append(String.format(Locale.ROOT, "%.1f %%", delivered.get(kind).stream()
                            .mapToDouble(Double::doubleValue).min().orElse(0)))
                    .append(delivered.get(kind).stream().allMatch(d -> d >= 100.0) ? " (every run)" : " (fewest)")
                    .append(" |\n");
            results.with("ts-cpu-median-micros").put(kind, median);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        java.util.Collections.sort(sorted);
        int n = sorted.size();
        return n == 0 ? 0 : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The highest of {@code rates} up to which every step was {@code lossless}, 0 when the first was not. */
    private static int losslessUpTo(int[] rates, java.util.function.IntPredicate lossless) {
        int upTo = 0;
        for (int rate : rates) {
            if (!lossless.test(rate)) {
                break;
            }
            upTo = rate;
        }
        return upTo;
    }

    /** One gateway (default settings), one subscriber, the rate steps with a payload of {@code kind}. */
    private Steps payloadSteps(String kind, int size, int round) throws Exception {
        String name = "ts-" + kind + "-" + round;
        Map<Integer, Double> share = new LinkedHashMap<>();
        Map<Integer, Double> cpuMicros = new LinkedHashMap<>();
        List<ObjectNode> checks = new ArrayList<>();
        try (Gateway gateway = new Gateway(name, Map.of());
                Proc client = sseClients(OUT.resolve("client.log"), 1)) {
            client.next(60);
            send(tag(), 10_000, size, 20_000, kind); // warm-up, not reported
            gateway.awaitDelivered(10_000);
            List<long[]> tags = new ArrayList<>();
            ArrayNode steps = results.withArray("gateway-" + name);
            for (int rate : TS_RATES) {
                int tag = tag();
                long receivedBefore = gateway.stats().path("received").asLong();
                long cpuBefore = gateway.cpuNanos();
                JsonNode sent = step(tag, rate, size, kind);
                gateway.awaitDelivered(10_000);
                long cpu = gateway.cpuNanos() - cpuBefore;
                long received = gateway.stats().path("received").asLong() - receivedBefore;
                tags.add(new long[] { rate, tag, sent.path("sent").asLong(), received });
                cpuMicros.put(rate, cpu / 1000.0 / Math.max(1, received));
                ObjectNode step = steps.addObject().put("rate", rate).put("sent", sent.path("sent").asLong())
                        .put("receivedByGateway", received).put("cpuNanos", cpu);
                JsonNode source = gateway.source("127.0.0.1:" + sent.path("port").asInt());
                step.set("source", source);
                if (kind.equals("ts")) {
                    JsonNode ts = source.path("ts");
                    ObjectNode c = Proc.JSON.createObjectNode().put("rate", rate).put("sent", sent.path("sent").asLong())
                            .put("datagrams", source.path("datagrams").asLong()).put("packets", ts.path("packets").asLong())
                            .put("continuityErrors", ts.path("continuityErrors").asLong())
                            .put("patErrors", ts.path("patErrors").asLong()).put("pmtErrors", ts.path("pmtErrors").asLong())
                            .put("syncByteErrors", ts.path("syncByteErrors").asLong()).put("pat", ts.path("pat").asText("none"))
                            .put("pmt", ts.path("programs").path(0).path("state").asText("none"));
                    checks.add(c);
                }
            }
            client.tell("stop");
            JsonNode out = client.next(30);
            int i = 0;
            for (long[] t : tags) {
                long got = out.path("tags").path(Long.toString(t[1])).path("sum").asLong();
                share.put((int) t[0], 100.0 * got / t[2]);
                ((ObjectNode) steps.get(i++)).put("deliveredToSubscriber", got);
            }
        }
        return new Steps(share, cpuMicros, checks);
    }

    /**
     * The rate section: per row and rate the share delivered, worst and median round; the highest rate lossless
     * in every round, the rounds lossless at {@link #TARGET_RATE}, and that rate against the raw socket's at the same
     * size. Then the rate the sender reached, and where the missing datagrams were lost. Every row in results.json.
     */
    private void rateTable(List<RateRow> rows) {
        int rounds = rows.stream().mapToInt(RateRow::rounds).max().orElse(0);
        report.append("\n## Rate: one subscriber, datagrams delivered to it\n\n")
                .append("Each row is one process, the raw receiver (`bench.RawReceiver`: one socket, nothing else) or a")
                .append(" gateway with one SSE subscriber, that gets ").append(rounds)
                .append(rounds == 1 ? " round" : " rounds").append(" of the whole ladder, one after the other: each rate")
                .append(" is sent for ").append(STEP_SECONDS).append(" s (no longer where the sender falls behind the")
                .append(" rate: it stops then), and the next step starts once this one has drained (the raw receiver: after")
                .append(" 300 ms; a gateway: once it delivered what it received and its socket's kernel drops were")
                .append(" read). A gateway gets ").append(RATE_WARM_UP_STEPS).append(" steps of ")
                .append(rateName(RATE_WARM_UP_RATE)).append(" first, not reported (a million datagrams: the JIT")
                .append(" compiler's work is done by then; in the first million it took up to a third of a CPU per step).")
                .append(" A cell is the share of")
                .append(" the sent datagrams that arrived (for a gateway: as SSE events at its subscriber), in the worst")
                .append(" round / the median; \"100 %\" when every round got all. \"Lossless in every round up to\" is")
                .append(" the highest rate up to which every step was 100 % in every round.\n\n| |");
        for (int rate : RATES) {
            report.append(' ').append(rateName(rate)).append(" |");
        }
        report.append(" lossless in every round up to (the sender reached) | rounds lossless at ").append(rateName(TARGET_RATE))
                .append(" | vs raw socket |\n|---|").append("---|".repeat(RATES.length + 3)).append('\n');
        Map<String, Integer> rawLossless = new LinkedHashMap<>(); // by payload size
        for (RateRow row : rows) {
            report.append("| ").append(row.label()).append(" |");
            for (int rate : RATES) {
                List<Double> shares = row.shares(rate);
                report.append(' ').append(shares.isEmpty() ? "–" : spread(shares)).append(" |");
            }
            int lossless = row.losslessUpTo(RATES);
            double reached = lossless == 0 ? 0 : row.reachedUpTo(lossless);
            if (row.raw()) {
                rawLossless.put(row.size(), lossless);
            }
            int raw = rawLossless.getOrDefault(row.size(), 0);
            report.append(' ').append(lossless == 0 ? "below 10k/s" : rateName(lossless))
                    .append(reached < 0.98 * lossless && lossless > 0 ? " (" + thousands(reached) + "k/s)" : "")
                    .append(" | ").append(row.losslessRounds(TARGET_RATE)).append('/').append(row.shares(TARGET_RATE).size())
                    .append(" |").append(raw == 0 ? " – |" : String.format(Locale.ROOT, " %.0f %% |", 100.0 * lossless / raw))
                    .append('\n');
            results.with("lossless").put(row.label(), lossless);
            results.with("losslessReached").put(row.label(), Math.round(reached));
            results.withArray("rate").add(row.json());
        }
        report.append("\nIn brackets, where the sender fell behind the steps: the highest rate it reached in every round of")
                .append(" a step up to there, the rate shown lossless. \"Vs raw socket\" is the gateway's \"lossless up")
                .append(" to\" step over the raw socket's at the same size.\n");
        report.append("\nThe rate the sender reached (datagrams sent / the sender's own seconds), thousands a second,")
                .append(" in the slowest round / the median: where it is below the column's rate the sender, sharing")
                .append(" the two CPUs with the receiver (on lo much of the kernel's work of delivering each datagram")
                .append(" is done in the sender's system calls), could send no faster, and the step offered only that.\n\n| |");
        for (int rate : RATES) {
            report.append(' ').append(rateName(rate)).append(" |");
        }
        report.append("\n|---|").append("---|".repeat(RATES.length)).append('\n');
        for (RateRow row : rows) {
            report.append("| ").append(row.label()).append(" |");
            for (int rate : RATES) {
                List<Double> reached = row.steps().stream().filter(s -> s.rate() == rate)
                        .map(s -> s.senderRate() / 1000).toList();
                String slowest = thousands(reached.stream().mapToDouble(d -> d).min().orElse(0) * 1000);
                String median = thousands(median(reached) * 1000);
                report.append(' ').append(reached.isEmpty() ? "–" : worstAndMedian(slowest, median))
                        .append(" |");
            }
            report.append('\n');
        }
        report.append("\nWhere the datagrams that did not reach the subscriber were lost, summed over every round and")
                .append(" step of the row. \"Kernel, at the receiving socket\": for a gateway the drops the kernel")
                .append(" counted for its socket (`kernel.drops` of its channel in `GET /api/channels`, read after each")
                .append(" step: the rows' gateways read them every ").append(KERNEL_CHECK_MILLIS)
                .append(" ms instead of every 5 s); for the raw receiver, which has no such count, the host's")
                .append(" `RcvbufErrors`. \"Gateway, for the subscriber\": `dropped` of `/api/stats`, events the")
                .append(" subscriber lost because it did not keep up. The rest is what neither counted. The host's")
                .append(" `RcvbufErrors` (`/proc/net/snmp`) count every UDP socket of the host.\n\n")
                .append("| | datagrams sent | missing at the subscriber | kernel, at the receiving socket |")
                .append(" gateway, for the subscriber | the rest | host RcvbufErrors |\n|---|---|---|---|---|---|---|\n");
        for (RateRow row : rows) {
            long sent = 0;
            long missing = 0;
            long host = 0;
            long socket = 0;
            boolean socketKnown = true;
            long gateway = 0;
            long transport = 0;
            for (RateStep s : row.steps()) {
                sent += s.sent();
                missing += s.sent() - s.delivered();
                host += s.hostRcvbufErrors();
                if (s.socketDrops() == null) {
                    socketKnown = false;
                } else {
                    socket += s.socketDrops();
                }
                gateway += s.gatewayDropped();
                transport += s.transportDropped();
            }
            long kernel = row.raw() ? host : socketKnown ? socket : 0;
            report.append("| ").append(row.label()).append(" | ").append(count(sent)).append(" | ").append(count(missing))
                    .append(" | ").append(row.raw() ? count(host) + " (host)" : socketKnown ? count(socket) : "unknown")
                    .append(" | ").append(row.raw() ? "–" : count(gateway)).append(" | ")
                    .append(rest(missing - kernel - (row.raw() ? 0 : gateway)))
                    .append(transport > 0 ? " (the Redis transport could not take " + count(transport) + ")" : "")
                    .append(" | ").append(count(host)).append(" |\n");
        }
        report.append("\n![delivered vs offered](rate.png)\n");
    }

    /**
     * Shares delivered over rounds: "100 %" when all were, else the worst / the median (one figure where they read
     * the same, as with one round).
     */
    private static String spread(List<Double> shares) {
        String worst = share(shares.stream().mapToDouble(d -> d).min().orElse(0));
        String median = share(median(shares));
        return worstAndMedian(worst, median) + " %";
    }

    /** A figure over rounds as the tables write it: "worst / median", or one figure where both read the same. */
    private static String worstAndMedian(String worst, String median) {
        return worst.equals(median) ? median : worst + " / " + median;
    }

    /** A share with one decimal, rounded down: "100" only when nothing is missing. */
    private static String share(double percent) {
        return percent >= 100.0 ? "100" : String.format(Locale.ROOT, "%.1f", Math.floor(percent * 10) / 10);
    }

    /** The rest of a loss table's row; below 0 where a count took in more than this row lost (the host's: other sockets). */
    private static String rest(long n) {
        return n >= 0 ? count(n) : "0 (counted " + count(-n) + " more than were missing)";
    }

    /** Datagrams a second in thousands, no decimals: 153,400 is "153". */
    private static String thousands(double perSecond) {
        return String.format(Locale.ROOT, "%.0f", perSecond / 1000);
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /**
     * Delivered vs offered, per row its median round at each step: offered as the sender reached it (its median
     * rate), delivered that times the median share.
     */
    private void rateChart(List<RateRow> rows) throws Exception {
        XYSeriesCollection data = new XYSeriesCollection();
        for (RateRow row : rows) {
            XYSeries series = new XYSeries(row.label());
            for (int rate : RATES) {
                List<Double> reached = row.steps().stream().filter(s -> s.rate() == rate).map(RateStep::senderRate).toList();
                if (!reached.isEmpty()) {
                    double offered = median(reached) / 1000;
                    series.add(offered, offered * median(row.shares(rate)) / 100);
                }
            }
            data.addSeries(series);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Delivered vs offered, one subscriber (median round)",
                "offered, as the sender reached it (thousand datagrams/s)", "delivered (thousand datagrams/s)", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        ChartUtils.saveChartAsPNG(OUT.resolve("rate.png").toFile(), chart, 900, 560);
    }

    /**
     * Traffic before a latency is measured, not reported: 10,000 datagrams at 5k/s, then 20 s at 1k/s. At
     * 1k/s the gateway's event loops sleep between datagrams, and the code they run then is compiled
     * only after some seconds of it: measured right after a burst, the JIT compiler's work on the two
     * CPUs showed as a p99.9 of 3 ms that fell to 1–1.5 ms in the following runs.
     */
    private void warmUp(Gateway gateway) throws Exception {
        send(tag(), 5_000, 64, 10_000);
        send(tag(), 1_000, 64, 20_000);
        gateway.awaitDelivered(10_000);
    }

    /** Latency at 1k/s and 10k/s (default settings), then allocation per datagram, start and RSS. */
    private Map<String, JsonNode> latencyAndAllocation() throws Exception {
        Map<String, JsonNode> latencies = new LinkedHashMap<>();
        report.append("\n## Latency: sender to SSE subscriber (default settings, 64 B)\n\n")
                .append("The raw socket's rows are the machine's own latency (a plain receiver, no HTTP): what the")
                .append(" scheduler and the CPUs' wake-up add is in every figure. The plain relay's rows add the hop")
                .append(" to the subscriber: `bench/raw-fanout.c`, a C server that writes each datagram to the same SSE")
                .append(" client as one chunk of the gateway's shape (one epoll thread per CPU), so they are the floor")
                .append(" for a UDP-to-SSE gateway on this machine. Each gateway gets 30,000 datagrams of")
                .append(" warm-up first (10,000 at 5k/s, then 20 s at 1k/s), not reported: a server's steady state,")
                .append(" not its first seconds, when the JIT compiler shares the CPUs.\n\n")
                .append("| | rate | datagrams | p50 | p90 | p99 | p99.9 | max |\n|---|---|---|---|---|---|---|---|\n");
        rawLatency();
        relayLatency();
        long allocatedPerDatagram;
        long allocatedAt1k = 0;
        long collectionsAt1k = 0;
        long startedIn;
        long rss;
        String jvm;
        try (Gateway gateway = new Gateway("latency", Map.of());
                Proc client = sseClients(OUT.resolve("client.log"), 1)) {
            startedIn = gateway.startedInMillis();
            client.next(60);
            warmUp(gateway);
            // the latency runs first, with nothing but the gateway in the gateway's JVM: the JMX agent that reads
            // its allocation counters starts (and its RMI code is loaded and compiled) only after them
            int[][] runs = { { 10, 5 }, { 1_000, 10 }, { 10_000, 5 } };
            int[] tags = new int[runs.length];
            for (int i = 0; i < runs.length; i++) {
                tags[i] = tag();
                send(tags[i], runs[i][0], 64, (long) runs[i][0] * runs[i][1]);
                gateway.awaitDelivered(10_000);
            }
            jvm = gateway.jvm();
            // allocation at 1k/s, where every datagram is a batch of its own and log=each writes 100 lines/s
            for (int round = 0; round < 2; round++) { // the first round loads and compiles what JMX runs
                long allocated = gateway.allocatedBytes();
                long collections = gateway.collections();
                long received = gateway.stats().path("received").asLong();
                send(tag(), 1_000, 64, 5_000);
                gateway.awaitDelivered(10_000);
                allocatedAt1k = (gateway.allocatedBytes() - allocated)
                        / Math.max(1, gateway.stats().path("received").asLong() - received);
                collectionsAt1k = gateway.collections() - collections;
            }
            // allocation: every thread of the gateway, over 400,000 datagrams at 50k/s with one subscriber
            long before = gateway.allocatedBytes();
            long receivedBefore = gateway.stats().path("received").asLong();
            send(tag(), 50_000, 64, 400_000);
            gateway.awaitDelivered(10_000);
            long received = gateway.stats().path("received").asLong() - receivedBefore;
            allocatedPerDatagram = (gateway.allocatedBytes() - before) / Math.max(1, received);
            rss = gateway.rssMiB();
            client.tell("stop");
            JsonNode out = client.next(30);
            for (int i = 0; i < runs.length; i++) {
                JsonNode t = out.path("tags").path(Integer.toString(tags[i]));
                String name = rateName(runs[i][0]);
                latencies.put(name, t);
                latencyRow("gateway", name, (long) runs[i][0] * runs[i][1], t);
                results.with("latency").set(name, t);
            }
        }
        variantLatency(latencies, "1k/s ZGC", "gateway, `-XX:+UseZGC`", "latency-zgc",
                Map.of("JDK_JAVA_OPTIONS", "-XX:+UseZGC"));
        try (Proc redis = redisServer()) {
            if (redis != null) {
                variantLatency(latencies, "1k/s via Redis", "gateway via Redis (`mcast.transport=redis`, one process"
                        + " writes and reads)", "latency-redis", redisSettings());
            }
        }
        long[][] starts = startTimes();
        report.append("\n![latency percentiles](latency.png)\n\n## Allocation, start, memory\n\n")
                .append("| figure | value |\n|---|---|\n")
                .append("| bytes allocated per datagram, all gateway threads, receive → SSE with one subscriber (64 B,")
                .append(" 50k/s) | ").append(allocatedPerDatagram).append(" |\n")
                .append("| the same at 1k/s (5 s after the latency runs: every datagram a batch of its own, 100 log lines")
                .append(" a second)")
                .append(" | ").append(allocatedAt1k).append(" |\n")
                .append("| garbage collections during those 5 s at 1k/s | ").append(collectionsAt1k).append(" |\n")
                .append("| process start to ready (`/q/health/ready` 200) with ").append(launcher())
                .append(", median and slowest of ").append(STARTS).append(" | ").append(starts[0][STARTS / 2])
                .append(" ms, ").append(starts[0][STARTS - 1]).append(" ms |\n")
                .append("| the same with `java -jar quarkus-run.jar` on JDK ").append(Runtime.version())
                .append(" (no AOT cache) | ")
                .append(starts[1][STARTS / 2]).append(" ms, ").append(starts[1][STARTS - 1]).append(" ms |\n")
                .append("| the gateway's JVM in the latency, allocation and fan-out runs | ").append(jvm).append(" |\n")
                .append("| Quarkus \"started in\" | ").append(startedIn).append(" ms |\n")
                .append("| resident memory after the load | ").append(rss).append(" MiB |\n");
        results.putObject("process").put("allocatedBytesPerDatagram", allocatedPerDatagram)
                .put("allocatedBytesPerDatagramAt1k", allocatedAt1k).put("collectionsDuring1kRun", collectionsAt1k)
                .put("readyMillis", starts[0][STARTS / 2]).put("readyMillisJavaJar", starts[1][STARTS / 2])
                .put("startedInMillis", startedIn).put("rssMiB", rss).put("jvm", jvm).putPOJO("readyMillisAll", starts);
        return latencies;
    }

    /** How the gateway is launched in this run, for the report. */
    private static String launcher() {
        return Gateway.LAUNCHER == Gateway.JAVA_JAR ? "`java -jar quarkus-run.jar` on Java " + Runtime.version()
                : "`target/quarkus-app/run` (the JVM and archive of `./mvnw package`'s training run)";
    }

    /**
     * Start to ready, {@link #STARTS} times each way, alternating: as users are told to start it ({@code run}), and
     * plain {@code java -jar} on the benchmark's JVM. Sorted ascending per way. Start-up on 2 shared vCPUs varies by
     * a few hundred ms from run to run: one start says little.
     */
    private long[][] startTimes() throws Exception {
        long[][] ms = new long[2][STARTS];
        for (int i = 0; i < STARTS; i++) {
            try (Gateway gateway = new Gateway("start-run", Map.of(), Gateway.LAUNCHER)) {
                ms[0][i] = gateway.readyMillis;
            }
            try (Gateway gateway = new Gateway("start-java-jar", Map.of(), Gateway.JAVA_JAR)) {
                ms[1][i] = gateway.readyMillis;
            }
        }
        Arrays.sort(ms[0]);
        Arrays.sort(ms[1]);
        return ms;
    }

    /**
     * The gateway at 1k/s once more, with other settings: ZGC ({@code JDK_JAVA_OPTIONS=-XX:+UseZGC}; on
     * this machine a G1 young collection pauses 10-20 ms, which is the default's latency tail), or the
     * Redis transport (each event goes to Redis and back before the subscriber gets it).
     */
    private void variantLatency(Map<String, JsonNode> latencies, String key, String label, String name,
            Map<String, String> env) throws Exception {
        try (Gateway gateway = new Gateway(name, env);
                Proc client = sseClients(OUT.resolve("client.log"), 1)) {
            client.next(60);
            warmUp(gateway);
            int tag = tag();
            send(tag, 1_000, 64, 10_000);
            gateway.awaitDelivered(10_000);
            client.tell("stop");
            JsonNode t = client.next(30).path("tags").path(Integer.toString(tag));
            latencies.put(key, t);
            latencyRow(label, "1k/s", 10_000, t);
            results.with("latency").set(key, t);
        }
    }

    static final int REDIS_PORT = 16390;

    /**
     * A redis-server for the Redis rows (on lo, no persistence, its files under target/bench), or null
     * with a line in the report when it is not installed.
     */
    private Proc redisServer() throws Exception {
        if (io.mcastgateway.support.Tools.find("redis-server") == null) {
            report.append("\n(redis-server is not installed: no Redis rows; `apt-get install redis-server`)\n");
            return null;
        }
        Path dir = OUT.resolve("redis").toAbsolutePath();
        Files.createDirectories(dir);
        Proc redis = Proc.start(List.of("redis-server", "--port", String.valueOf(REDIS_PORT), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()), Map.of(), OUT.resolve("redis.log"), true);
        long deadline = System.currentTimeMillis() + 10_000;
        while (!Files.readString(OUT.resolve("redis.log")).contains("Ready to accept connections")) {
            if (System.currentTimeMillis() > deadline) {
                redis.close();
                throw new IllegalStateException("redis-server did not start; see " + OUT.resolve("redis.log"));
            }
            Thread.sleep(50);
        }
        return redis;
    }

    private static Map<String, String> redisSettings() {
        return Map.of("MCAST_TRANSPORT", "redis", "QUARKUS_REDIS_HOSTS", "redis://127.0.0.1:" + REDIS_PORT,
                "MCAST_REDIS_MAX_PENDING", "100000");
    }

    /** The raw socket at 10/s, 1k/s and 10k/s: the floor under every latency figure. */
    private void rawLatency() throws Exception {
        int[][] runs = { { 10, 50 }, { 1_000, 10_000 }, { 10_000, 50_000 } };
        try (Proc raw = rawReceiver()) {
            raw.next(30);
            measuredRuns(runs, 300, raw, "latency", "raw socket", "rawLatency");
        }
    }

    /** The plain C relay (one stream) at 1k/s and 10k/s: the floor with the hop to an SSE subscriber. */
    private void relayLatency() throws Exception {
        if (!Files.isExecutable(C_RAW_FANOUT)) {
            return;
        }
        int[][] runs = { { 1_000, 10_000 }, { 10_000, 50_000 } };
        try (Proc server = rawFanout(HTTP)) {
            server.next(30); // listening: the client may connect
            try (Proc client = sseClients(OUT.resolve("client.log"), 1)) {
                client.next(60);
                send(tag(), 1_000, 64, 2_000); // the first datagrams fault in the relay's pages: not reported
                measuredRuns(runs, 500, client, "tags", "plain relay (C)", "relayLatency");
            }
        }
    }

    /**
     * Sends each run ({rate, datagrams}) under a tag of its own, then stops the tool that measured them
     * and writes its figures per run (found under {@code field} of its result) as rows of the latency table.
     */
    private void measuredRuns(int[][] runs, long settleMillis, Proc measurer, String field, String who, String key)
            throws Exception {
        int[] tags = new int[runs.length];
        for (int i = 0; i < runs.length; i++) {
            tags[i] = tag();
            send(tags[i], runs[i][0], 64, runs[i][1]);
        }
        Thread.sleep(settleMillis);
        measurer.tell("stop");
        JsonNode out = measurer.next(60).path(field);
        for (int i = 0; i < runs.length; i++) {
            JsonNode t = out.path(Integer.toString(tags[i]));
            String name = rateName(runs[i][0]);
            latencyRow(who, name, runs[i][1], t);
            results.with(key).set(name, t);
        }
    }

    /** The plain C server's epoll threads: one per CPU. */
    private static final int FLOOR_THREADS = Runtime.getRuntime().availableProcessors();

    /** bench/raw-fanout.c on an HTTP port. */
    private static Proc rawFanout(int http) {
        return Proc.start(List.of(C_RAW_FANOUT.toString(), GROUP, String.valueOf(PORT), String.valueOf(http),
                String.valueOf(FLOOR_THREADS)), Map.of(), OUT.resolve("raw-fanout.log"), false);
    }

    /** A row of the latency table: who, the rate, how many of the sent datagrams arrived, the percentiles. */
    private void latencyRow(String who, String rate, long sent, JsonNode t) {
        report.append("| ").append(who).append(" | ").append(rate).append(" | ").append(t.path("sum").asLong())
                .append(" of ").append(sent).append(" | ").append(ms(t, "p50")).append(" | ").append(ms(t, "p90"))
                .append(" | ").append(ms(t, "p99")).append(" | ").append(ms(t, "p999")).append(" | ")
                .append(ms(t, "max_us")).append(" |\n");
    }

    private static String rateName(int perSecond) {
        return perSecond >= 1000 ? perSecond / 1000 + "k/s" : perSecond + "/s";
    }

    private static String ms(JsonNode t, String field) {
        return String.format(Locale.ROOT, "%.2f ms", t.path(field).asLong() / 1000.0);
    }

    private void latencyChart(Map<String, JsonNode> latencies) throws Exception {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (var e : latencies.entrySet()) {
            for (String p : List.of("p50", "p90", "p99", "p999", "max_us")) {
                data.addValue(e.getValue().path(p).asLong() / 1000.0, e.getKey(), p.equals("max_us") ? "max" : p);
            }
        }
        JFreeChart chart = ChartFactory.createBarChart("Latency, sender to SSE subscriber", "percentile", "ms", data);
        chart.getPlot().setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(OUT.resolve("latency.png").toFile(), chart, 900, 500);
    }

    /** The fan-out runs: subscribers, events a second, seconds of sending. */
    private static final int[][] FAN_OUT_RUNS = { { 10, 10, 5 }, { 100, 10, 5 }, { 1_000, 10, 5 }, { 10_000, 10, 5 },
            { 1_000, 100, 3 } };

    /** The plain C SSE server bench/run compiles: the floor under the fan-out figures. */
    static final Path C_RAW_FANOUT = OUT.resolve("raw-fanout");

    /**
     * Many subscribers: every event to every one of them, and the latency over all, in {@link #FANOUT_ROUNDS}
     * rounds of every point of {@link #FAN_OUT_RUNS}. Each round has a fresh gateway, started right after the
     * floor's run of the round's first point: nothing but its start comes before its first point (no warm-up),
     * as after a restart in production. Each point goes first to a plain C server (the floor: what this
     * machine's kernel and CPUs allow; one process for all rounds) and then, with the same clients and load, to
     * the gateway: one after the other, so that both see the machine as it is then. Both listen all along (the
     * floor on the next port) and both get every datagram.
     */
    private void fanOut() throws Exception {
        boolean withFloor = Files.isExecutable(C_RAW_FANOUT);
        List<List<JsonNode>> gateways = new ArrayList<>();
        List<List<JsonNode>> floors = new ArrayList<>();
        for (int p = 0; p < FAN_OUT_RUNS.length; p++) {
            gateways.add(new ArrayList<>());
            floors.add(new ArrayList<>());
        }
        try (Proc floorServer = withFloor ? rawFanout(HTTP + 1) : null) {
            if (floorServer != null) {
                floorServer.next(30);
            }
            for (int round = 1; round <= FANOUT_ROUNDS; round++) {
                Gateway started = null;
                try {
                    for (int p = 0; p < FAN_OUT_RUNS.length; p++) {
                        int[] run = FAN_OUT_RUNS[p];
                        int n = run[0];
                        if (floorServer != null) {
                            // every stream the client counts as answered is a subscriber already: nothing to wait for
                            ObjectNode floor = fanOutRun(run, HTTP + 1, () -> { }, () -> Thread.sleep(2_000));
                            floor.put("round", round);
                            results.withArray("fanoutFloor").add(floor);
                            floors.get(p).add(floor);
                        }
                        if (started == null) {
                            started = new Gateway("fanout-" + round, Map.of());
                        }
                        Gateway gateway = started;
                        ObjectNode t = fanOutRun(run, HTTP, () -> {
                            long deadline = System.currentTimeMillis() + 60_000;
                            while (gateway.stats().path("subscribers").asInt() < n && System.currentTimeMillis() < deadline) {
                                Thread.sleep(100);
                            }
                        }, () -> gateway.awaitDelivered(30_000));
                        t.put("round", round);
                        results.withArray("fanout").add(t);
                        gateways.get(p).add(t);
                        long deadline = System.currentTimeMillis() + 30_000;
                        while (gateway.stats().path("subscribers").asInt() > 0 && System.currentTimeMillis() < deadline) {
                            Thread.sleep(100);
                        }
                    }
                } finally {
                    if (started != null) {
                        started.close();
                    }
                }
            }
        }
        report.append("\n## Fan-out: many subscribers (default settings, 64 B)\n\n")
                .append("Every point in ").append(FANOUT_ROUNDS).append(FANOUT_ROUNDS == 1 ? " round" : " rounds")
                .append(", each round with a fresh gateway: started, its clients connect, then the load; no warm-up,")
                .append(" the round's first point is the gateway's first traffic (the floor's run of that point comes")
                .append(" before its start). \"Round 1\" is the first round's p99, the gateway's / the floor's; the")
                .append(" other latency columns are the worst round / the median (one figure where they are the same),")
                .append(" \"p99 ÷ floor\" each round's gateway p99 over the floor's p99 of the same round.\n\n")
                .append("| subscribers | rate | events each | round 1: p99, gateway / floor | p50 | p99 | p99.9 | floor p99 |")
                .append(" p99 ÷ floor | every event to every subscriber | client CPU, most |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (int p = 0; p < FAN_OUT_RUNS.length; p++) {
            List<JsonNode> g = gateways.get(p);
            List<JsonNode> f = floors.get(p);
            JsonNode first = g.get(0);
            report.append("| ").append(FAN_OUT_RUNS[p][0]).append(" | ").append(FAN_OUT_RUNS[p][1]).append("/s | ")
                    .append(first.path("events").asLong()).append(" | ").append(ms(first, "p99"));
            if (!f.isEmpty()) {
                report.append(" / ").append(ms(f.get(0), "p99")).append(String.format(Locale.ROOT, " = %.2f ×",
                        ratio(first, f.get(0))));
            }
            report.append(" | ").append(msSpread(g, "p50")).append(" | ").append(msSpread(g, "p99")).append(" | ")
                    .append(msSpread(g, "p999")).append(" | ").append(f.isEmpty() ? "–" : msSpread(f, "p99")).append(" | ");
            if (f.isEmpty()) {
                report.append("–");
            } else {
                List<Double> ratios = new ArrayList<>();
                for (int r = 0; r < g.size(); r++) {
                    ratios.add(ratio(g.get(r), f.get(r)));
                }
                double worst = ratios.stream().mapToDouble(d -> d).max().orElse(0);
                String w = String.format(Locale.ROOT, "%.2f", worst);
                String m = String.format(Locale.ROOT, "%.2f", median(ratios));
                report.append(worstAndMedian(w, m)).append(" ×");
                results.withArray("fanoutPoints").addObject().put("subscribers", FAN_OUT_RUNS[p][0])
                        .put("rate", FAN_OUT_RUNS[p][1]).put("rounds", g.size()).put("firstRoundP99", first.path("p99").asLong())
                        .put("firstRoundFloorP99", f.get(0).path("p99").asLong()).put("firstRoundRatio", ratios.get(0))
                        .put("worstRatio", worst).put("medianRatio", median(ratios))
                        .put("allDeliveredEveryRound", g.stream().allMatch(t -> t.path("allDelivered").asBoolean()));
            }
            List<String> shortfalls = new ArrayList<>();
            for (JsonNode t : g) {
                if (!t.path("allDelivered").asBoolean()) {
                    shortfalls.add("round " + t.path("round").asInt() + ": " + t.path("connected").asInt() + " connected, fewest got "
                            + t.path("min").asLong());
                }
            }
            boolean floorShort = f.stream().anyMatch(t -> !t.path("allDelivered").asBoolean());
            report.append(" | ").append(shortfalls.isEmpty() ? "yes" : "no (" + String.join("; ", shortfalls) + ")")
                    .append(floorShort ? " (the floor did not deliver all in every round)" : "").append(" | ")
                    .append(String.format(Locale.ROOT, "%.0f %%",
                            100 * g.stream().mapToDouble(t -> t.path("clientCpuBusy").asDouble()).max().orElse(0)))
                    .append(" |\n");
        }
        report.append("\nThe clients are one process (").append(clientName()).append("), parsing every stream (chunked HTTP, SSE, the JSON's")
                .append(" text): \"client CPU\" is the share of that thread's time it was busy, the busiest round's. Well")
                .append(" below 100 %, the client was not what limited the figures.\n");
        if (!withFloor) {
            report.append("\nNo floor: without a C compiler there is no plain C server to measure.\n");
        } else {
            report.append("\n\"Floor\" is the same run, with the same clients and load, right before the gateway's,")
                    .append(" against `bench/raw-fanout.c`: a plain C server with one epoll thread per CPU (").append(FLOOR_THREADS)
                    .append(") that writes each datagram to every stream as one chunk of the gateway's shape and size,")
                    .append(" with one write(2) and nothing else. It is what this machine's kernel and CPUs allow: at")
                    .append(" 10,000 subscribers nearly all of the time is the kernel's loopback TCP, in the writer and in")
                    .append(" the client.\n");
        }
    }

    /** A run's p99 over its floor's p99 (0 when the floor's is 0). */
    private static double ratio(JsonNode gateway, JsonNode floor) {
        long f = floor.path("p99").asLong();
        return f == 0 ? 0 : (double) gateway.path("p99").asLong() / f;
    }

    /** A latency percentile over rounds: the worst / the median, one figure when they are the same. */
    private static String msSpread(List<JsonNode> runs, String field) {
        List<Double> values = runs.stream().map(t -> (double) t.path(field).asLong()).toList();
        String worst = String.format(Locale.ROOT, "%.2f", values.stream().mapToDouble(d -> d).max().orElse(0) / 1000);
        String median = String.format(Locale.ROOT, "%.2f", median(values) / 1000);
        return worstAndMedian(worst, median) + " ms";
    }

    private interface Step {
        void run() throws Exception;
    }

    /** One fan-out run against whatever listens on the port: its client's figures for the run's tag. */
    private ObjectNode fanOutRun(int[] run, int port, Step awaitSubscribers, Step awaitDelivered) throws Exception {
        int n = run[0];
        int rate = run[1];
        long count = (long) rate * run[2];
        try (Proc client = sseClients(OUT.resolve("fanout-client.log"), n, port)) {
            JsonNode ready = client.next(120);
            awaitSubscribers.run();
            int tag = tag();
            send(tag, rate, 64, count);
            awaitDelivered.run();
            client.tell("stop");
            JsonNode out = client.next(60);
            ObjectNode t = out.path("tags").path(Integer.toString(tag)) instanceof ObjectNode o ? o : Proc.JSON.createObjectNode();
            t.put("subscribers", n).put("rate", rate).put("events", count)
                    .put("clientCpuBusy", out.path("cpuBusy").asDouble())
                    .put("connected", ready.path("ok").asInt())
                    .put("allDelivered", t.path("min").asLong() == count && out.path("ok").asInt() == n);
            return t;
        }
    }

    /** The passthrough rows' HTTP ports, the gateway's and the floor's: no other part listens on them. */
    static final int PASSTHROUGH_HTTP = 18092;
    static final int PASSTHROUGH_FLOOR_HTTP = 18093;
    /** Group n of a row is 239.255.91.n, all on this port: no other part sends to them. */
    static final String PASSTHROUGH_GROUPS = "239.255.91.";
    static final int PASSTHROUGH_PORT = 23993;
    /** A group's stream: 40 Mbit/s of 1,316-byte MPEG-TS datagrams, 3,799 a second. */
    static final long PASSTHROUGH_BITS = 40_000_000;
    static final int PASSTHROUGH_RATE = (int) Math.round(PASSTHROUGH_BITS / 8.0 / TS_SIZE);
    /**
     * Seconds of load before each measured run, not reported: at least the first, and until every client got
     * some of it (a server may hold a new client of an MPEG-TS stream until a random access point, which the
     * benchmark's payload has none of: the gateway does for 5 s), at most the second.
     */
    static final int PASSTHROUGH_WARM_UP_SECONDS = 3;
    static final int PASSTHROUGH_WARM_UP_MAX_SECONDS = 15;
    /** Seconds of the measured run. */
    static final int PASSTHROUGH_SECONDS = 10;
    /** Bytes kept for a client that does not take them, in both servers: the gateway's default. */
    static final int PASSTHROUGH_CLIENT_BUFFER = 4 * 1024 * 1024;
    /** How long the gateway stays joined to a group its last client left. */
    static final int PASSTHROUGH_LINGER_SECONDS = 2;

    /** The raw-stream clients and the plain C relay bench/run compiles. */
    static final Path C_STREAM_CLIENTS = OUT.resolve("stream-clients");
    static final Path C_RAW_RELAY = OUT.resolve("raw-relay");

    /** A row of the passthrough section: its groups, each with as many clients. */
    private record PassthroughRow(String label, int groups, int clientsPerGroup) {
    }

    private static final List<PassthroughRow> PASSTHROUGH_ROWS = List.of(new PassthroughRow("8 groups × 1 client", 8, 1),
            new PassthroughRow("1 group × 100 clients", 1, 100));

    /**
     * The gateway's passthrough settings in the rows: the groups' range on lo, the defaults' limits spelled out,
     * but the players per address: every client here comes from 127.0.0.1.
     */
    static Map<String, String> passthroughSettings() {
        return Map.of("MCAST_PASSTHROUGH_ALLOW", PASSTHROUGH_GROUPS + "0/24", "MCAST_PASSTHROUGH_INTERFACE", "lo",
                "MCAST_PASSTHROUGH_LINGER", PASSTHROUGH_LINGER_SECONDS + "s", "MCAST_PASSTHROUGH_MAX_CLIENTS", "256",
                "MCAST_PASSTHROUGH_MAX_PER_CLIENT", "256", "MCAST_PASSTHROUGH_MAX_GROUPS", "16",
                "MCAST_PASSTHROUGH_CLIENT_BUFFER", String.valueOf(PASSTHROUGH_CLIENT_BUFFER));
    }

    /** What a passthrough run runs against: its process's CPU time, and its own figures once the run is over. */
    private interface RelayServer {
        long cpuNanos() throws Exception;

        JsonNode figures() throws Exception;
    }

    /**
     * The passthrough rows (udpxy's {@code GET /udp/<group>:<port>}): per row, its groups' streams to their
     * clients, first through the floor ({@code bench/raw-relay.c}, a fresh process each row) and then through the
     * gateway (one process for all rows, the groups' range allowed), with the same clients and load; after each
     * gateway run it is left the linger and a second to leave the groups before the next floor run joins them.
     */
    private void passthrough() throws Exception {
        report.append("\n## Passthrough: raw streams (`GET /udp/<group>:<port>`), 40 Mbit/s of MPEG-TS a group\n\n");
        if (!Files.isExecutable(C_STREAM_CLIENTS) || !Files.isExecutable(C_RAW_RELAY) || !Files.isExecutable(C_SENDER)) {
            report.append("No rows: they need `bench/stream-clients.c`, `bench/raw-relay.c` and `bench/sender.c`, which")
                    .append(" bench/run compiles when there is a C compiler (cc).\n");
            return;
        }
        report.append("Each group gets 1,316-byte MPEG-TS datagrams (`bench/sender.c`'s `ts`, one sender process a group,")
                .append(" group n at ").append(PASSTHROUGH_GROUPS).append("n:").append(PASSTHROUGH_PORT).append(" on lo) at ")
                .append(String.format(Locale.ROOT, "%,d", PASSTHROUGH_RATE)).append("/s, 40 Mbit/s, for ")
                .append(PASSTHROUGH_SECONDS).append(" s, after the same not reported for at least ")
                .append(PASSTHROUGH_WARM_UP_SECONDS).append(" s and until every client got some of it (the gateway holds")
                .append(" a new client of an MPEG-TS stream up to 5 s for a random access point, which this payload")
                .append(" has none of). Its clients (`bench/stream-clients.c`: one process, one epoll")
                .append(" thread) ask for `/udp/<group>:<port>` (HTTP/1.1), take the chunked body, count its bytes (not")
                .append(" the chunks' framing) and every datagram by its sequence number, and check the 188-byte")
                .append(" packets' sync bytes. The floor is `bench/raw-relay.c`, a plain C relay with one epoll thread per")
                .append(" CPU (").append(FLOOR_THREADS).append(") that joins each group once (one socket, SO_RCVBUF 4 MiB,")
                .append(" bound to the group), reads every datagram waiting per wake-up (recvmmsg) and writes them to")
                .append(" each client as HTTP chunks, one a datagram, with one writev(2) per client and wake-up (as the")
                .append(" gateway writes one chunk per client and wake-up), keeping up to 4 MiB a client that the")
                .append(" socket does not take (the gateway's default) and dropping whole datagrams beyond. Per row the")
                .append(" floor runs first, then the gateway (`MCAST_PASSTHROUGH_ALLOW=").append(PASSTHROUGH_GROUPS)
                .append("0/24`, linger ").append(PASSTHROUGH_LINGER_SECONDS)
                .append(" s, the same process for both rows). CPU is the server process's user and system time (all")
                .append(" threads, `/proc/<pid>/stat`) from the first datagram sent to the last delivered: on lo the")
                .append(" kernel's work for the receiving TCP side runs mostly in the writer's system calls, so it counts")
                .append(" with the server. CPU s per Gbit delivered is also CPUs busy per Gbit/s.\n\n")
                .append("| row | server | datagrams sent | bytes delivered | worst client | missing | Gbit/s | CPU s |")
                .append(" CPU s per Gbit | client CPU |\n|---|---|---|---|---|---|---|---|---|---|\n");
        ArrayNode json = results.withArray("passthrough");
        try (Gateway gateway = new Gateway("passthrough", passthroughSettings(), Gateway.LAUNCHER, PASSTHROUGH_HTTP)) {
            RelayServer viaGateway = new RelayServer() {
                @Override
                public long cpuNanos() throws Exception {
                    return gateway.cpuNanos();
                }

                @Override
                public JsonNode figures() throws Exception {
                    return gateway.stats();
                }
            };
            for (PassthroughRow row : PASSTHROUGH_ROWS) {
                ObjectNode floor;
                try (Proc relay = rawRelay()) {
                    floor = passthroughRun(row, new RelayServer() {
                        @Override
                        public long cpuNanos() throws Exception {
                            return relay.cpuNanos();
                        }

                        @Override
                        public JsonNode figures() throws Exception {
                            relay.tell("stop");
                            return relay.next(30);
                        }
                    }, PASSTHROUGH_FLOOR_HTTP, "floor");
                }
                ObjectNode t = passthroughRun(row, viaGateway, PASSTHROUGH_HTTP, "gateway");
                json.add(floor).add(t);
                passthroughRow(row.label(), "floor (C)", floor, null);
                passthroughRow("", "gateway", t, floor);
                Thread.sleep((PASSTHROUGH_LINGER_SECONDS + 1) * 1000L); // the gateway left the row's groups
            }
        }
        report.append("\nDelivered: the bytes of the measured datagrams the clients got, of all that were sent times the")
                .append(" clients of their group; worst client: the fewest bytes one client got, of what its group's")
                .append(" sender sent; missing: datagrams sent that a client did not get, over all clients (with")
                .append(" datagrams of other groups a client got, packets whose sync byte was not 0x47 and clients the")
                .append(" server closed, when there were any). \"Client CPU\"")
                .append(" is the share of the clients' thread's time it was busy: well below 100 %, the client was not")
                .append(" what limited the figures.\n");
    }

    /** bench/raw-relay.c on its port, listening; refused when something listens there already. */
    private static Proc rawRelay() throws Exception {
        try (java.net.Socket probe = new java.net.Socket()) {
            probe.connect(new java.net.InetSocketAddress("127.0.0.1", PASSTHROUGH_FLOOR_HTTP), 1000);
            throw new IllegalStateException("something already listens on port " + PASSTHROUGH_FLOOR_HTTP + ": stop it first");
        } catch (java.io.IOException free) {
            // nothing listens: the relay may
        }
        Proc relay = Proc.start(List.of(C_RAW_RELAY.toString(), String.valueOf(PASSTHROUGH_FLOOR_HTTP),
                String.valueOf(FLOOR_THREADS), String.valueOf(PASSTHROUGH_CLIENT_BUFFER), "read"), Map.of(),
                OUT.resolve("raw-relay.log"), false);
        try {
            relay.next(30);
            return relay;
        } catch (Exception e) {
            relay.close();
            throw e;
        }
    }

    private static String passthroughPath(int group) {
        return "/udp/" + PASSTHROUGH_GROUPS + group + ":" + PASSTHROUGH_PORT;
    }

    /**
     * One row against whatever serves /udp/ on {@code port}: the clients connect, every group gets
     * {@link #PASSTHROUGH_WARM_UP_SECONDS} of load, then the measured {@link #PASSTHROUGH_SECONDS} under new tags,
     * with the server's CPU time taken before the first and after the last is delivered. Its figures as JSON
     * ({@code served} false, with the ok count and a status, when not every client got a 200).
     */
    private ObjectNode passthroughRun(PassthroughRow row, RelayServer server, int port, String who) throws Exception {
        ObjectNode r = Proc.JSON.createObjectNode().put("row", row.label()).put("server", who)
                .put("groups", row.groups()).put("clientsPerGroup", row.clientsPerGroup()).put("rate", PASSTHROUGH_RATE)
                .put("size", TS_SIZE).put("seconds", PASSTHROUGH_SECONDS);
        List<String> command = new ArrayList<>(List.of(C_STREAM_CLIENTS.toString(), "127.0.0.1", String.valueOf(port),
                String.valueOf(row.clientsPerGroup())));
        for (int g = 1; g <= row.groups(); g++) {
            command.add(passthroughPath(g));
        }
        int connections = row.groups() * row.clientsPerGroup();
        try (Proc clients = counting(Proc.start(command, Map.of(), OUT.resolve("stream-clients-" + who + ".log"), false))) {
            // the warm-up under way before the clients count as answered: a server may hold its response head
            // until the first datagram (its Content-Type depends on the payload)
            List<Integer> warmUpTags;
            long warmUpStart = System.currentTimeMillis();
            try (Senders warmUp = startSenders(row.groups(), PASSTHROUGH_WARM_UP_MAX_SECONDS)) {
                warmUpTags = warmUp.tags();
                JsonNode ready;
                try {
                    ready = clients.next(60);
                } catch (IllegalStateException noAnswer) {
                    return r.put("served", false).put("ok", 0).put("connections", connections).put("status", 0);
                }
                r.put("contentType", ready.path("contentType").asText());
                if (ready.path("ok").asInt() < connections) {
                    return r.put("served", false).put("ok", ready.path("ok").asInt()).put("connections", connections)
                            .put("status", ready.path("status").asInt());
                }
                r.put("warmUpSeconds", awaitWarm(clients, warmUpTags, warmUpStart) / 1000.0); // not reported
            } // stops the warm-up's senders
            Thread.sleep(500);
            long cpuBefore = server.cpuNanos();
            List<JsonNode> sent;
            List<Integer> tags;
            try (Senders measured = startSenders(row.groups(), PASSTHROUGH_SECONDS)) {
                sent = measured.await(PASSTHROUGH_SECONDS);
                tags = measured.tags();
            }
            List<PassthroughFigures.Stream> streams = new ArrayList<>();
            double seconds = 0;
            for (int g = 1; g <= row.groups(); g++) {
                streams.add(new PassthroughFigures.Stream(passthroughPath(g), tags.get(g - 1),
                        sent.get(g - 1).path("sent").asLong(), warmUpTags.get(g - 1)));
                seconds = Math.max(seconds, sent.get(g - 1).path("seconds").asDouble());
            }
            awaitStreams(clients, streams, row.clientsPerGroup());
            long cpu = server.cpuNanos() - cpuBefore;
            clients.tell("poll");
            JsonNode out = clients.next(60);
            r.set("serverFigures", server.figures()); // while its clients are still there (the floor ends on it)
            clients.tell("stop");
            clients.next(60);
            PassthroughFigures f = PassthroughFigures.of(out, streams, row.clientsPerGroup(), TS_SIZE, seconds, cpu);
            r.put("served", true).put("datagramsSent", f.datagramsSent()).put("bytesToDeliver", f.bytesToDeliver())
                    .put("bytesDelivered", f.bytesDelivered()).put("worstClientPercent", f.worstClientPercent())
                    .put("missing", f.missing()).put("gaps", f.gaps()).put("disorder", f.disorder())
                    .put("foreign", f.foreign())
                    .put("allDelivered", f.allDelivered()).put("loadSeconds", seconds)
                    .put("gbitsPerSecond", f.gbitsPerSecond()).put("cpuSeconds", f.cpuSeconds())
                    .put("cpuSecondsPerGbit", f.cpuSecondsPerGbit()).put("syncErrors", out.path("syncErrors").asLong())
                    .put("closedByServer", out.path("closed").asInt()).put("clientCpuBusy", out.path("cpuBusy").asDouble());
            return r;
        }
    }

    /** One sender per group, all under way, each under a tag of its own; closing stops those still sending. */
    private record Senders(List<Proc> procs, List<Integer> tags) implements AutoCloseable {

        /** Their results, by group, once all have sent (at most a minute more than {@code seconds}). */
        List<JsonNode> await(int seconds) throws Exception {
            List<JsonNode> sent = new ArrayList<>();
            for (Proc sender : procs) {
                sent.add(sender.next(60 + seconds));
            }
            return sent;
        }

        @Override
        public void close() throws Exception {
            for (Proc sender : procs) {
                sender.close();
            }
        }
    }

    /** Starts one sender per group (1 to {@code groups}), each at {@link #PASSTHROUGH_RATE} for {@code seconds}. */
    private Senders startSenders(int groups, int seconds) {
        Senders senders = new Senders(new ArrayList<>(), new ArrayList<>());
        try {
            for (int g = 1; g <= groups; g++) {
                int tag = tag();
                senders.procs().add(sender(PASSTHROUGH_GROUPS + g, PASSTHROUGH_PORT, tag, PASSTHROUGH_RATE, TS_SIZE,
                        (long) PASSTHROUGH_RATE * seconds, "ts", OUT.resolve("sender-" + g + ".log")));
                senders.tags().add(tag);
            }
            return senders;
        } catch (RuntimeException e) {
            try {
                senders.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Waits while the warm-up (tags by group) is sent until it lasted {@link #PASSTHROUGH_WARM_UP_SECONDS} and
     * every client got some of it, at most {@link #PASSTHROUGH_WARM_UP_MAX_SECONDS} from {@code start}: the
     * milliseconds it took.
     */
    private static long awaitWarm(Proc clients, List<Integer> tags, long start) throws Exception {
        long deadline = start + (PASSTHROUGH_WARM_UP_MAX_SECONDS - 1) * 1000L; // before its senders are done
        Thread.sleep(Math.max(0, start + PASSTHROUGH_WARM_UP_SECONDS * 1000L - System.currentTimeMillis()));
        while (System.currentTimeMillis() < deadline) {
            clients.tell("poll");
            JsonNode paths = clients.next(30).path("paths");
            boolean all = true;
            for (int g = 1; g <= tags.size(); g++) {
                all &= paths.path(passthroughPath(g)).path("tags").path(tags.get(g - 1).toString()).path("min").asLong() > 0;
            }
            if (all) {
                break;
            }
            Thread.sleep(200);
        }
        return System.currentTimeMillis() - start;
    }

    /** Waits until every client got every byte of its group's stream, or nothing moved for a second (at most 15 s). */
    private static void awaitStreams(Proc clients, List<PassthroughFigures.Stream> streams, int clientsPerGroup)
            throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        long lastDelivered = -1;
        long stillSince = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline) {
            clients.tell("poll");
            PassthroughFigures f = PassthroughFigures.of(clients.next(30), streams, clientsPerGroup, TS_SIZE, 0, 0);
            if (f.allDelivered()) {
                return;
            }
            if (f.bytesDelivered() != lastDelivered) {
                lastDelivered = f.bytesDelivered();
                stillSince = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - stillSince > 1000) {
                return;
            }
            Thread.sleep(100);
        }
    }

    /** A share with two decimals, rounded down: "100.00 %" only when nothing is missing. */
    private static String percentDown(double percent) {
        return String.format(Locale.ROOT, "%.2f %%", Math.floor(percent * 100) / 100);
    }

    /** A line of the passthrough table; the gateway's CPU per Gbit beside the floor's when there is one. */
    private void passthroughRow(String row, String who, JsonNode t, JsonNode floor) {
        String type = t.path("contentType").asText();
        report.append("| ").append(row).append(" | ").append(who)
                .append(t.path("served").asBoolean() && !type.equals("video/mp2t") ? " (Content-Type: " + type + ")" : "")
                .append(" | ");
        if (!t.path("served").asBoolean()) {
            report.append("not served: ").append(t.path("ok").asInt()).append(" of ").append(t.path("connections").asInt())
                    .append(" clients got a 200 (one got ").append(t.path("status").asInt() == 0 ? "no answer"
                            : "HTTP " + t.path("status").asInt())
                    .append(") | – | – | – | – | – | – | – |\n");
            return;
        }
        double perGbit = t.path("cpuSecondsPerGbit").asDouble();
        double floorPerGbit = floor == null ? 0 : floor.path("cpuSecondsPerGbit").asDouble();
        report.append(String.format(Locale.ROOT, "%,d", t.path("datagramsSent").asLong())).append(" | ")
                .append(String.format(Locale.ROOT, "%,d of %,d (", t.path("bytesDelivered").asLong(),
                        t.path("bytesToDeliver").asLong()))
                .append(percentDown(100.0 * t.path("bytesDelivered").asLong() / Math.max(1, t.path("bytesToDeliver").asLong())))
                .append(") | ").append(percentDown(t.path("worstClientPercent").asDouble()))
                .append(" | ").append(t.path("missing").asLong())
                .append(t.path("syncErrors").asLong() > 0 ? ", " + t.path("syncErrors").asLong() + " sync errors" : "")
                .append(t.path("foreign").asLong() > 0 ? ", " + t.path("foreign").asLong() + " of other groups" : "")
                .append(t.path("closedByServer").asInt() > 0 ? ", " + t.path("closedByServer").asInt() + " closed" : "")
                .append(" | ").append(String.format(Locale.ROOT, "%.2f", t.path("gbitsPerSecond").asDouble()))
                .append(" | ").append(String.format(Locale.ROOT, "%.2f", t.path("cpuSeconds").asDouble()))
                .append(" | ").append(String.format(Locale.ROOT, "%.3f", perGbit))
                .append(floorPerGbit > 0 ? String.format(Locale.ROOT, " (%.1f × floor)", perGbit / floorPerGbit) : "")
                .append(" | ").append(String.format(Locale.ROOT, "%.0f %%", 100 * t.path("clientCpuBusy").asDouble()))
                .append(" |\n");
    }

    /** The JMH results of bench/run, when it ran them (target/bench/jmh.json, or jmh-ts.json for --only ts). */
    private void jmh(Path file) throws Exception {
        if (!Files.exists(file)) {
            return;
        }
        report.append("\n## Microbenchmarks (JMH, `-prof gc`)\n\n| benchmark | time per op | bytes allocated per op |\n")
                .append("|---|---|---|\n");
        for (JsonNode b : Proc.JSON.readTree(file.toFile())) {
            String name = b.path("benchmark").asText().replaceAll(".*\\.bench\\.", "");
            JsonNode primary = b.path("primaryMetric");
            JsonNode alloc = b.path("secondaryMetrics").path("gc.alloc.rate.norm");
            report.append("| ").append(name).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f %s", primary.path("score").asDouble(),
                            primary.path("scoreUnit").asText()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.0f", alloc.path("score").asDouble()))
                    .append(" |\n");
        }
    }

    /** Replaces the page's text between the bench markers with this report's tables, and its charts. */
    private void updateDocs(Path page) throws Exception {
        Files.writeString(page, withReport(Files.readString(page), report.toString()));
        Files.copy(OUT.resolve("rate.png"), Path.of("src/docs/bench-rate.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(OUT.resolve("latency.png"), Path.of("src/docs/bench-latency.png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * {@code page} with the text between {@link #BEGIN} and {@link #END} replaced by {@code report} (as
     * {@code target/bench/report.md} has it): its title dropped, its sections one level down under the page's
     * "Latest report", its charts pointing at {@code src/docs/} from {@code docs/}.
     */
    public static String withReport(String page, String report) {
        int a = page.indexOf(BEGIN);
        int b = page.indexOf(END);
        if (a < 0 || b < a) {
            throw new IllegalStateException(PERFORMANCE_PAGE + " has no bench markers");
        }
        String body = report.replaceFirst("# mcast-gateway benchmark\n\n", "").replace("## ", "### ")
                .replace("](rate.png)", "](../src/docs/bench-rate.png)")
                .replace("](latency.png)", "](../src/docs/bench-latency.png)");
        return page.substring(0, a + BEGIN.length()) + "\n" + body + "\n" + page.substring(b);
    }
}
