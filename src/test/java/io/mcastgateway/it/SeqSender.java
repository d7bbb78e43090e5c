package io.mcastgateway.it;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends a numbered burst, {@code {"seq":N,"text":"<tag>"}} for N = 1..count, to a group at a steady
 * rate, TTL 1, on one interface: what the gateway recognises as its JSON format, so that every event
 * says which datagram it is. Runs in the test (on lo) or as a process inside a network namespace:
 * {@code SeqSender <group> <port> <interface> <bind address> <rate> <count> <tag>}.
 */
public final class SeqSender {

    public static void main(String[] args) throws Exception {
        send(args[0], Integer.parseInt(args[1]), args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                args[6]);
    }

    /** Sends the burst; returns when the last datagram is sent (count / rate seconds). */
    public static void send(String group, int port, String networkInterface, String bind, int rate, int count,
            String tag) throws Exception {
        try (DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET)) {
            channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, NetworkInterface.getByName(networkInterface));
            channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
            channel.bind(new InetSocketAddress(bind, 0));
            InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(group), port);
            long start = System.nanoTime();
            long interval = 1_000_000_000L / rate;
            for (int seq = 1; seq <= count; seq++) {
                long due = start + (seq - 1) * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                byte[] payload = ("{\"seq\":" + seq + ",\"text\":\"" + tag + "\"}").getBytes(StandardCharsets.UTF_8);
                channel.send(ByteBuffer.wrap(payload), target);
            }
        }
    }
}
