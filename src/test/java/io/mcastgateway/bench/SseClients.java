package io.mcastgateway.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.HdrHistogram.Histogram;

/**
 * SSE subscribers, their own process: {@code connections} streams on one NIO selector thread, each
 * parsed as it arrives (HTTP chunked encoding, SSE lines, the benchmark payload inside the event's
 * JSON: the text's {@code <tag> <seq> <nanoTime> }, or in a Base64 payload the same at byte 4, where
 * {@link TsPayload} puts it). Per tag it counts the events of every connection and records the latency (now minus the
 * sender's timestamp) in one histogram. Prints {"ready":true} when every stream answered 200, and
 * the results when a line arrives on stdin. The share of CPU time its thread used is in the result:
 * well below 1, the client was not what limited the figures.
 * <p>
 * {@code SseClients <host> <port> <path> <connections>}
 */
public final class SseClients {

    private static final int TAGS = 100;
    private static final byte[] TEXT = "\"text\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BASE64 = "\"base64\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MISSED = "\"missed\":".getBytes(StandardCharsets.US_ASCII);

    private final Histogram[] latency = new Histogram[TAGS];
    private final long[] fields = new long[3];
    private final byte[] decoded = new byte[48];
    private long gapsMissed;
    private long events;

    /** One stream's parser state. */
    private final class Conn {
        final long[] counts = new long[TAGS];
        final byte[] head = new byte[8192];
        int headLength;
        boolean headersDone;
        int status;
        boolean chunked;
        long chunkLeft = -1; // -1: reading a size line
        boolean skipCrlf;
        final StringBuilder sizeLine = new StringBuilder();
        byte[] line = new byte[4096];
        int lineLength;

        void feed(ByteBuffer buf) {
            while (buf.hasRemaining()) {
                if (!headersDone) {
                    byte b = buf.get();
                    if (headLength < head.length) {
                        head[headLength++] = b;
                    }
                    if (headLength >= 4 && head[headLength - 4] == '\r' && head[headLength - 3] == '\n'
                            && head[headLength - 2] == '\r' && head[headLength - 1] == '\n') {
                        String headers = new String(head, 0, headLength, StandardCharsets.ISO_8859_1);
                        status = Integer.parseInt(headers.substring(9, 12));
                        chunked = headers.toLowerCase().contains("transfer-encoding: chunked");
                        headersDone = true;
                    }
                } else if (!chunked) {
                    sse(buf.get());
                } else if (skipCrlf) {
                    if (buf.get() == '\n') {
                        skipCrlf = false;
                    }
                } else if (chunkLeft < 0) {
                    byte b = buf.get();
                    if (b == '\n') {
                        String size = sizeLine.toString().trim();
                        sizeLine.setLength(0);
                        int semi = size.indexOf(';');
                        chunkLeft = Long.parseLong(semi < 0 ? size : size.substring(0, semi), 16);
                        if (chunkLeft == 0) {
                            chunkLeft = -1; // the last chunk: the stream ended
                        }
                    } else if (b != '\r') {
                        sizeLine.append((char) b);
                    }
                } else {
                    int n = (int) Math.min(chunkLeft, buf.remaining());
                    for (int i = 0; i < n; i++) {
                        sse(buf.get());
                    }
                    chunkLeft -= n;
                    if (chunkLeft == 0) {
                        chunkLeft = -1;
                        skipCrlf = true;
                    }
                }
            }
        }

        private void sse(byte b) {
            if (b != '\n') {
                if (lineLength == line.length) {
                    line = java.util.Arrays.copyOf(line, line.length * 2);
                }
                line[lineLength++] = b;
                return;
            }
            if (lineLength > 6 && line[0] == 'd' && line[4] == ':') {
                int text = indexOf(line, lineLength, TEXT);
                int base64 = text >= 0 ? -1 : indexOf(line, lineLength, BASE64);
                if (text >= 0 || base64 >= 0) {
                    boolean stamped = text >= 0 ? Payload.read(line, text + TEXT.length, lineLength, fields)
                            : Payload.readBase64(line, base64 + BASE64.length, lineLength, decoded, fields);
                    if (stamped && fields[0] < TAGS) {
                        int tag = (int) fields[0];
                        counts[tag]++;
                        events++;
                        long micros = Math.max(0, (System.nanoTime() - fields[2]) / 1000);
                        latency[tag].recordValue(Math.min(micros, 3_600_000_000L));
                    }
                } else {
                    int missed = indexOf(line, lineLength, MISSED);
                    if (missed >= 0) {
                        long n = 0;
                        for (int i = missed + MISSED.length; i < lineLength && line[i] >= '0' && line[i] <= '9'; i++) {
                            n = n * 10 + (line[i] - '0');
                        }
                        gapsMissed += n;
                    }
                }
            }
            lineLength = 0;
        }
    }

    public static void main(String[] args) throws Exception {
        new SseClients().run(args[0], Integer.parseInt(args[1]), args[2], Integer.parseInt(args[3]));
    }

    private void run(String host, int port, String path, int connections) throws Exception {
        for (int i = 0; i < TAGS; i++) {
            latency[i] = new Histogram(3_600_000_000L, 3);
        }
        warmUp();
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        Selector selector = Selector.open();
        List<Conn> conns = new ArrayList<>();
        int opened = 0;
        ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
        var stopped = new java.util.concurrent.atomic.AtomicBoolean();
        Thread stdin = new Thread(() -> {
            try {
                new BufferedReader(new InputStreamReader(System.in)).readLine();
            } catch (Exception e) {
                // stop anyway
            }
            stopped.set(true);
            selector.wakeup();
        });
        stdin.setDaemon(true);
        stdin.start();
        boolean readyPrinted = false;
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long wallStart = System.nanoTime();
        while (!stopped.get()) {
            // open in batches, so the server's accept queue keeps up
            for (int i = 0; i < 200 && opened < connections; i++, opened++) {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.connect(new InetSocketAddress(host, port));
                Conn conn = new Conn();
                conns.add(conn);
                ch.register(selector, SelectionKey.OP_CONNECT, conn);
            }
            selector.select(10);
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                SocketChannel ch = (SocketChannel) key.channel();
                Conn conn = (Conn) key.attachment();
                try {
                    if (key.isConnectable()) {
                        ch.finishConnect();
                        ch.write(ByteBuffer.wrap(request));
                        key.interestOps(SelectionKey.OP_READ);
                    } else if (key.isReadable()) {
                        buf.clear();
                        int n = ch.read(buf);
                        if (n < 0) {
                            key.cancel();
                            ch.close();
                            continue;
                        }
                        buf.flip();
                        conn.feed(buf);
                    }
                } catch (java.io.IOException e) {
                    key.cancel();
                    ch.close();
                }
            }
            if (!readyPrinted && opened == connections && conns.stream().allMatch(c -> c.headersDone)) {
                readyPrinted = true;
                long ok = conns.stream().filter(c -> c.status == 200).count();
                System.out.println("{\"ready\":true,\"ok\":" + ok + "}");
                System.out.flush();
                cpuStart = threads.getCurrentThreadCpuTime();
                wallStart = System.nanoTime();
            }
        }
        double busy = (threads.getCurrentThreadCpuTime() - cpuStart) / (double) Math.max(1, System.nanoTime() - wallStart);
        StringBuilder json = new StringBuilder("{\"connections\":").append(conns.size())
                .append(",\"ok\":").append(conns.stream().filter(c -> c.status == 200).count())
                .append(",\"events\":").append(events).append(",\"gapsMissed\":").append(gapsMissed)
                .append(",\"cpuBusy\":").append(String.format("%.3f", busy)).append(",\"tags\":{");
        boolean first = true;
        for (int tag = 0; tag < TAGS; tag++) {
            final int t = tag;
            long max = conns.stream().mapToLong(c -> c.counts[t]).max().orElse(0);
            if (max == 0) {
                continue;
            }
            long min = conns.stream().mapToLong(c -> c.counts[t]).min().orElse(0);
            long sum = conns.stream().mapToLong(c -> c.counts[t]).sum();
            Histogram h = latency[tag];
            json.append(first ? "" : ",").append('"').append(tag).append("\":{\"min\":").append(min)
                    .append(",\"max\":").append(max).append(",\"sum\":").append(sum)
                    .append(",\"p50\":").append(h.getValueAtPercentile(50))
                    .append(",\"p90\":").append(h.getValueAtPercentile(90))
                    .append(",\"p99\":").append(h.getValueAtPercentile(99))
                    .append(",\"p999\":").append(h.getValueAtPercentile(99.9))
                    .append(",\"max_us\":").append(h.getMaxValue()).append('}');
            first = false;
        }
        System.out.println(json.append("}}"));
        System.out.flush();
        System.exit(0);
    }

    /** Parses a synthetic stream first, so the parser is compiled before it measures anything. */
    private void warmUp() {
        Conn conn = new Conn();
        ByteBuffer head = ByteBuffer.wrap("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        conn.feed(head);
        byte[] payload = new byte[64];
        for (int i = 0; i < 50_000; i++) {
            int n = Payload.write(payload, 64, TAGS - 1, i, System.nanoTime());
            String frame = "id: x-" + i + "\nevent: datagram\ndata: {\"id\":\"x\",\"text\":\""
                    + new String(payload, 0, n, StandardCharsets.US_ASCII) + "\"}\n\n";
            String chunk = Integer.toHexString(frame.length()) + "\r\n" + frame + "\r\n";
            conn.feed(ByteBuffer.wrap(chunk.getBytes(StandardCharsets.US_ASCII)));
        }
        latency[TAGS - 1].reset();
        events = 0;
    }

    private static int indexOf(byte[] haystack, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
