package io.mcastgateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Plain JDK sockets on the loopback interface, TTL 1: the traffic of the tests never leaves lo.
 */
public final class Multicast {

    public static final String GROUP = "239.255.255.252";
    public static final int PORT = 23456;

    private Multicast() {
    }

    public static NetworkInterface lo() {
        try {
            return NetworkInterface.getByName("lo");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A sender bound to 127.0.0.1 that sends to the group on lo with TTL 1. */
    public static DatagramSocket sender() {
        try {
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
            socket.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo());
            socket.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void send(DatagramSocket socket, byte[] payload) {
        sendTo(socket, payload, GROUP, PORT);
    }

    public static void sendTo(DatagramSocket socket, byte[] payload, String host, int port) {
        try {
            socket.send(new DatagramPacket(payload, payload.length, InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void send(DatagramSocket socket, String text) {
        send(socket, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends {@code prefix + n} for n = 1..count, each padded to {@code size} bytes, paced at
     * {@code perSecond}: bounded in count, and in time by count / perSecond.
     */
    public static void sendNumbered(DatagramSocket socket, String prefix, int count, int perSecond, int size) {
        sendNumbered(socket, GROUP, PORT, prefix, count, perSecond, size);
    }

    /** {@link #sendNumbered(DatagramSocket, String, int, int, int)} to another group and port. */
    public static void sendNumbered(DatagramSocket socket, String group, int port, String prefix, int count,
            int perSecond, int size) {
        long start = System.nanoTime();
        for (int n = 1; n <= count; n++) {
            StringBuilder text = new StringBuilder(prefix).append(n).append(' ');
            while (text.length() < size) {
                text.append('.');
            }
            sendTo(socket, text.toString().getBytes(StandardCharsets.UTF_8), group, port);
            long due = start + (long) n * 1_000_000_000L / perSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
        }
    }

    /** The number n of a datagram text sent by {@link #sendNumbered} with this prefix, or -1. */
    public static int numberOf(String text, String prefix) {
        if (text == null || !text.startsWith(prefix)) {
            return -1;
        }
        int end = text.indexOf(' ', prefix.length());
        return Integer.parseInt(text.substring(prefix.length(), end < 0 ? text.length() : end));
    }

    /** A receiver joined to the group on lo, sharing the port with the gateway (SO_REUSEADDR). */
    public static MulticastSocket joinedReceiver() {
        return joinedReceiver(PORT);
    }

    /** A socket bound to {@code port}, joined to the default group on lo, reading with a 500 ms timeout. */
    public static MulticastSocket joinedReceiver(int port) {
        try {
            MulticastSocket socket = new MulticastSocket(null);
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            socket.joinGroup(new InetSocketAddress(GROUP, 0), lo());
            socket.setSoTimeout(500);
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads until a datagram with exactly this payload arrives, or the deadline passes (null). */
    public static DatagramPacket receiveMatching(DatagramSocket socket, byte[] expected, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        byte[] buf = new byte[65536];
        while (System.currentTimeMillis() < deadline) {
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (Arrays.equals(Arrays.copyOf(packet.getData(), packet.getLength()), expected)) {
                return packet;
            }
        }
        return null;
    }
}
