package io.mcastgateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A player's view of a raw stream, on a plain socket: sends {@code GET} (HTTP/1.1, or HTTP/1.0 as old
 * players do), reads the head, then the body (chunked decoded, or up to the close) on a thread of its
 * own, started when the test wants it to read: a client that does not read yet stands for a stalled
 * player. Bounded: every wait has a deadline, and {@link #close()} ends the thread.
 */
public final class PlayerClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final int status;
    private final Map<String, String> headers = new TreeMap<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final boolean chunked;
    private volatile boolean ended;
    private volatile IOException failure;
    private Thread reader;

    private PlayerClient(Socket socket, boolean readHead) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        String statusLine = line();
        this.status = Integer.parseInt(statusLine.split(" ")[1]);
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        this.chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
    }

    /** Opens {@code path} on 127.0.0.1:port and reads the response's head (waits at most 10 s for it). */
    public static PlayerClient open(int port, String path, String extraHeaders, boolean http10, int receiveBuffer) {
        return open("127.0.0.1", port, path, extraHeaders, http10, receiveBuffer);
    }

    /** Opens {@code path} on host:port and reads the response's head (waits at most 10 s for it). */
    public static PlayerClient open(String host, int port, String path, String extraHeaders, boolean http10,
            int receiveBuffer) {
        try {
            Socket socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer); // before connecting: the window the server sees
            }
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1." + (http10 ? "0" : "1") + "\r\nHost: 127.0.0.1\r\nUser-Agent: test-player\r\n"
                    + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new PlayerClient(socket, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PlayerClient open(int port, String path) {
        return open(port, path, "", false, 0);
    }

    public int status() {
        return status;
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The client's own address as the server sees it: 127.0.0.1:port. */
    public String localAddress() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    /** Starts reading the body on a thread of its own, until the stream ends or the client is closed. */
    public PlayerClient read() {
        reader = new Thread(this::readBody, "player-" + socket.getLocalPort());
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    private void readBody() {
        try {
            socket.setSoTimeout(0);
            byte[] buf = new byte[64 * 1024];
            while (true) {
                if (chunked) {
                    int size = Integer.parseInt(line().trim(), 16);
                    if (size == 0) {
                        break;
                    }
                    int left = size;
                    while (left > 0) {
                        int n = in.read(buf, 0, Math.min(buf.length, left));
                        if (n < 0) {
                            throw new IOException("the stream ended inside a chunk");
                        }
                        append(buf, n);
                        left -= n;
                    }
                    line(); // the CRLF after the chunk
                } else {
                    int n = in.read(buf);
                    if (n < 0) {
                        break;
                    }
                    append(buf, n);
                }
            }
        } catch (IOException e) {
            if (!socket.isClosed()) {
                failure = e;
            }
        } finally {
            ended = true;
        }
    }

    private void append(byte[] buf, int n) {
        synchronized (body) {
            body.write(buf, 0, n);
        }
    }

    /** The body bytes read so far. */
    public byte[] body() {
        synchronized (body) {
            return body.toByteArray();
        }
    }

    public int bodyLength() {
        synchronized (body) {
            return body.size();
        }
    }

    /** Waits until at least {@code bytes} were read, at most {@code atMost}; returns the body. */
    public byte[] awaitBody(int bytes, Duration atMost) {
        long end = System.nanoTime() + atMost.toNanos();
        while (bodyLength() < bytes && !ended && System.nanoTime() < end) {
            sleep();
        }
        return body();
    }

    /** Waits until the server ended the stream (or closed the connection), at most {@code atMost}. */
    public boolean awaitEnd(Duration atMost) {
        long end = System.nanoTime() + atMost.toNanos();
        while (!ended && System.nanoTime() < end) {
            sleep();
        }
        return ended;
    }

    /** A read error other than the close (a chunk cut off), or null. */
    public IOException failure() {
        return failure;
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A line of the head or of the chunk framing, without its CRLF. */
    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("the stream ended");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
        if (reader != null) {
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
