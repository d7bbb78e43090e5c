package io.mcastgateway.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The limit to compare with, its own process: a plain socket bound to the group and joined on lo, as
 * the gateway's is, with the same kernel buffer, counting datagrams per tag and recording their
 * latency (the machine's own: scheduling and wake-up included). Prints the counts and latency
 * percentiles (µs) when a line arrives on stdin. The stamp is the text payload's, or at byte 4 (the
 * MPEG-TS payload of {@link TsPayload}).
 * <p>
 * {@code RawReceiver <group> <port>}
 */
public final class RawReceiver {

    public static void main(String[] args) throws Exception {
        InetAddress group = InetAddress.getByName(args[0]);
        int port = Integer.parseInt(args[1]);
        AtomicLongArray counts = new AtomicLongArray(100);
        org.HdrHistogram.Histogram[] latency = new org.HdrHistogram.Histogram[100];
        for (int i = 0; i < latency.length; i++) {
            latency[i] = new org.HdrHistogram.Histogram(3_600_000_000L, 3);
        }
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 * 1024 * 1024);
        channel.bind(new InetSocketAddress(group, port));
        channel.join(group, NetworkInterface.getByName("lo"));
        Thread reader = new Thread(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(65536);
            long[] fields = new long[3];
            try {
                while (true) {
                    buffer.clear();
                    channel.receive(buffer);
                    if ((Payload.read(buffer.array(), 0, buffer.position(), fields)
                            || Payload.read(buffer.array(), TsPayload.STAMP_AT, buffer.position(), fields)) && fields[0] < 100) {
                        counts.incrementAndGet((int) fields[0]);
                        synchronized (latency) {
                            latency[(int) fields[0]].recordValue(Math.max(0, (System.nanoTime() - fields[2]) / 1000));
                        }
                    }
                }
            } catch (Exception e) {
                // closed
            }
        });
        reader.setDaemon(true);
        reader.start();
        System.out.println("{\"ready\":true}");
        new BufferedReader(new InputStreamReader(System.in)).readLine();
        StringBuilder json = new StringBuilder("{\"counts\":[");
        for (int i = 0; i < counts.length(); i++) {
            json.append(i == 0 ? "" : ",").append(counts.get(i));
        }
        json.append("],\"latency\":{");
        synchronized (latency) {
            boolean first = true;
            for (int i = 0; i < latency.length; i++) {
                var h = latency[i];
                if (h.getTotalCount() > 0) {
                    json.append(first ? "" : ",").append('"').append(i).append("\":{\"p50\":")
                            .append(h.getValueAtPercentile(50)).append(",\"p90\":").append(h.getValueAtPercentile(90))
                            .append(",\"p99\":").append(h.getValueAtPercentile(99)).append(",\"p999\":")
                            .append(h.getValueAtPercentile(99.9)).append(",\"max_us\":").append(h.getMaxValue())
                            .append(",\"sum\":").append(h.getTotalCount()).append('}');
                    first = false;
                }
            }
        }
        System.out.println(json.append("}}"));
        channel.close();
    }
}
