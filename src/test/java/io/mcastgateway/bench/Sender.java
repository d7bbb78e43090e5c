package io.mcastgateway.bench;

import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Load generator, its own process: sends {@code count} datagrams of {@code size} bytes to the group
 * on lo (TTL 0: they never leave this host) at {@code rate} per second, paced against the clock in
 * slices of 1 ms (each slice's datagrams back to back, then it sleeps, so the sender leaves the CPU
 * to the gateway between slices, as a real sender on another host would), and prints how many it sent
 * and in what time.
 * <p>
 * Before that it sends 20,000 datagrams to the next port (where nobody listens), so that a JVM just
 * started stamps the measured datagrams with its send path compiled, not interpreted.
 * <p>
 * {@code Sender <group> <port> <tag> <rate> <size> <count> [text|ts|binary [seconds]]}: the payload {@link Payload}'s
 * text (the default) or {@link TsPayload}'s MPEG-TS ({@code ts}) or the same without sync bytes ({@code binary}), as
 * {@code bench/sender.c}; with {@code seconds} (above 0) it stops after that long even when it has not sent
 * {@code count}. Prints {@code {"sent":N,"failed":F,"seconds":S,"port":P}}, P its local port.
 */
public final class Sender {

    public static void main(String[] args) throws Exception {
        String group = args[0];
        int port = Integer.parseInt(args[1]);
        int tag = Integer.parseInt(args[2]);
        long rate = Long.parseLong(args[3]);
        int size = Integer.parseInt(args[4]);
        long count = Long.parseLong(args[5]);
        String kind = args.length > 6 ? args[6] : "text";
        double atMost = args.length > 7 ? Double.parseDouble(args[7]) : 0;
        if (!List.of("text", "ts", "binary").contains(kind) || !kind.equals("text") && !TsPayload.fits(size)) {
            System.err.println("Sender: payload kind text, ts or binary (whole 188-byte packets, at least 3)");
            System.exit(2);
        }
        TsPayload ts = kind.equals("text") ? null : new TsPayload(kind.equals("ts"), rate);
        try (DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET)) {
            channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, NetworkInterface.getByName("lo"));
            channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 0);
            channel.bind(new InetSocketAddress("127.0.0.1", 0));
            byte[] bytes = new byte[Math.max(size, 64)]; // the warm-up below is text: all kinds share the send path
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            InetSocketAddress elsewhere = new InetSocketAddress(group, port + 1);
            for (int i = 0; i < 20_000; i++) {
                buffer.clear().limit(Payload.write(bytes, size, 0, i, System.nanoTime()));
                channel.send(buffer, elsewhere);
            }
            channel.connect(new InetSocketAddress(group, port));
            long start = System.nanoTime();
            long deadline = atMost > 0 ? start + (long) (atMost * 1e9) : 0;
            long failed = 0;
            long attempted = 0;
            for (long seq = 1; seq <= count; seq++) {
                if (deadline != 0 && System.nanoTime() - deadline >= 0) {
                    break;
                }
                long due = start + (seq - 1) * 1_000_000_000L / rate / 1_000_000 * 1_000_000;
                long now;
                while ((now = System.nanoTime()) < due) {
                    LockSupport.parkNanos(due - now);
                }
                int length = ts != null ? ts.write(bytes, size, tag, seq, System.nanoTime())
                        : Payload.write(bytes, size, tag, seq, System.nanoTime());
                buffer.clear().limit(length);
                if (channel.write(buffer) != length) {
                    failed++;
                }
                attempted++;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("{\"sent\":%d,\"failed\":%d,\"seconds\":%.3f,\"port\":%d}%n", attempted - failed, failed,
                    seconds, ((InetSocketAddress) channel.getLocalAddress()).getPort());
        }
    }
}
