package io.mcastgateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * HTTP/1.1 written by hand on a socket, for requests that a client library would correct: raw paths
 * ({@code /api/stats;x}, {@code /api/./stats}, {@code %2F}) and bodies announced but never sent.
 */
public final class RawHttp {

    /** The status, the header block (lower-case names), the body read, and whether the server closed. */
    public record Answer(int status, String headers, String body, boolean closedByServer) {
        public String header(String name) {
            for (String line : headers.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private RawHttp() {
    }

    /** {@code GET path} with extra header lines (each ending in CRLF), read until the server closes or is quiet for 300 ms. */
    public static Answer get(int port, String path, String headers) throws IOException {
        return exchange(port, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + headers + "Connection: close\r\n\r\n",
                Duration.ofMillis(300), Duration.ofSeconds(10));
    }

    /** {@code GET path} as {@link #get}, read only up to its head (and what came with it): for streams, whose body never ends. */
    public static Answer head(int port, String path, String headers) throws IOException {
        return exchange(port, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + headers + "Connection: close\r\n\r\n",
                Duration.ofMillis(1), Duration.ofSeconds(10));
    }

    /**
     * Writes {@code request} as it is and reads the answer: until the server closes, or {@code quiet}
     * passes without a byte after the headers came, or {@code atMost} in all.
     */
    public static Answer exchange(int port, String request, Duration quiet, Duration atMost) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return read(socket, quiet, atMost);
        }
    }

    public static Answer read(Socket socket, Duration quiet, Duration atMost) throws IOException {
        long deadline = System.nanoTime() + atMost.toNanos();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        boolean closed = false;
        int headerEnd = -1;
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, headerEnd < 0
                    ? (deadline - System.nanoTime()) / 1_000_000 : Math.min(quiet.toMillis(), (deadline - System.nanoTime()) / 1_000_000)));
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                if (headerEnd >= 0) {
                    break;
                }
                continue;
            } catch (IOException e) { // reset by the server: closed
                closed = true;
                break;
            }
            if (n < 0) {
                closed = true;
                break;
            }
            all.write(buffer, 0, n);
            if (headerEnd < 0) {
                headerEnd = all.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
            }
        }
        String text = all.toString(StandardCharsets.ISO_8859_1);
        if (headerEnd < 0) {
            throw new IOException("no HTTP answer within " + atMost + ": " + text);
        }
        String head = text.substring(0, headerEnd);
        int status = Integer.parseInt(head.substring(9, 12));
        return new Answer(status, head.substring(head.indexOf("\r\n") + 2).toLowerCase(Locale.ROOT).isEmpty() ? ""
                : head.substring(head.indexOf("\r\n") + 2), text.substring(headerEnd + 4), closed);
    }
}
