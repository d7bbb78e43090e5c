package io.mcastgateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

import io.vertx.core.json.JsonObject;

/**
 * A real SSE client over the JDK HTTP client: reads the stream line by line and parses events as a
 * browser's EventSource would (id, event, data, retry, comment lines).
 */
public final class SseClient implements AutoCloseable {

    public record Event(String id, String name, String data) {
        public JsonObject json() {
            return new JsonObject(data);
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Consumer<Event> listener;
    private final AtomicInteger comments = new AtomicInteger();
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile Long retry;
    private volatile Stream<String> lines;
    private volatile boolean ended;

    private SseClient(URI uri, Map<String, String> headers, Consumer<Event> listener) {
        this.listener = listener;
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
        headers.forEach(request::header);
        response = HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
        response.thenAcceptAsync(r -> {
            lines = r.body();
            parse(r.body());
        });
    }

    /** Parses text it is given (see {@link #readChunked}). */
    private SseClient() {
        this.listener = null;
        this.response = CompletableFuture.completedFuture(null);
    }

    /**
     * The events of a stream on a raw socket (the HTTP/1.1 response, chunked), read until the bytes hold
     * {@code until} (or {@code atMost} has passed), parsed as {@link #open} parses: for clients that stop
     * reading for a while, which the JDK client (it reads ahead into memory) cannot be.
     */
    public static List<Event> readChunked(Socket socket, String until, Duration atMost) throws IOException {
        long deadline = System.nanoTime() + atMost.toNanos();
        socket.setSoTimeout(100);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        byte[] buffer = new byte[65536];
        String marker = new String(until.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        String carry = ""; // the end of what was read before: the marker may span two reads
        boolean found = false;
        InputStream in = socket.getInputStream();
        while (System.nanoTime() < deadline) {
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException nothingYet) {
                if (found) {
                    break; // and the rest of the event it was in has arrived
                }
                continue;
            }
            if (n < 0) {
                break;
            }
            raw.write(buffer, 0, n);
            String text = carry + new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
            found |= text.contains(marker);
            carry = text.substring(Math.max(0, text.length() - marker.length()));
        }
        byte[] bytes = raw.toByteArray();
        String response = new String(bytes, StandardCharsets.ISO_8859_1); // a char per byte: indexes are offsets
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int i = response.indexOf("\r\n\r\n") + 4; // after the head
        while (true) {
            int lineEnd = response.indexOf("\r\n", i);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(response.substring(i, lineEnd).trim(), 16);
            if (size == 0 || lineEnd + 2 + size > response.length()) {
                break; // the last chunk, or one not all read
            }
            body.write(bytes, lineEnd + 2, size);
            i = lineEnd + 2 + size + 2;
        }
        SseClient parsed = new SseClient();
        parsed.parse(Arrays.stream(body.toString(StandardCharsets.UTF_8).split("\n", -1)));
        return parsed.events();
    }

    /** Opens the stream and waits until the server has subscribed it (its retry line arrived). */
    public static SseClient open(URI uri) {
        return open(uri, Map.of());
    }

    public static SseClient open(URI uri, Map<String, String> headers) {
        return open(uri, headers, null);
    }

    /**
     * Opens a stream whose events go to {@code listener} (on the client's reading thread) instead of
     * being kept: for long runs.
     */
    public static SseClient open(URI uri, Map<String, String> headers, Consumer<Event> listener) {
        SseClient client = new SseClient(uri, headers, listener);
        try {
            client.opened.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            client.close();
            throw new AssertionError("SSE stream " + uri + " did not open: " + e, e);
        }
        return client;
    }

    private void parse(Stream<String> body) {
        String id = null;
        String name = null;
        StringBuilder data = null;
        try {
            for (var it = body.iterator(); it.hasNext();) {
                String line = it.next();
                if (line.isEmpty()) {
                    if (data != null) {
                        Event event = new Event(id, name == null ? "message" : name, data.toString());
                        if (listener != null) {
                            listener.accept(event);
                        } else {
                            events.add(event);
                        }
                    }
                    id = null;
                    name = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments.incrementAndGet();
                } else if (line.startsWith("retry:")) {
                    retry = Long.parseLong(line.substring(6).trim());
                    opened.complete(null);
                } else if (line.startsWith("id:")) {
                    id = field(line, 3);
                } else if (line.startsWith("event:")) {
                    name = field(line, 6);
                } else if (line.startsWith("data:")) {
                    data = data == null ? new StringBuilder(field(line, 5)) : data.append('\n').append(field(line, 5));
                }
            }
        } catch (RuntimeException closed) {
            // the stream was closed
        }
        ended = true;
        opened.completeExceptionally(new IllegalStateException("stream ended before it opened"));
    }

    private static String field(String line, int prefix) {
        String value = line.substring(prefix);
        return value.startsWith(" ") ? value.substring(1) : value;
    }

    public List<Event> events() {
        return new ArrayList<>(events);
    }

    public List<Event> events(String name) {
        return events.stream().filter(e -> e.name().equals(name)).toList();
    }

    /** Datagram events whose JSON matches. */
    public List<JsonObject> datagrams(Predicate<JsonObject> match) {
        return events("datagram").stream().map(Event::json).filter(match).toList();
    }

    public List<JsonObject> datagramsWithText(String text) {
        return datagrams(j -> text.equals(j.getString("text")));
    }

    /** Whether the stream has ended (the server ended it, or it was closed). */
    public boolean ended() {
        return ended;
    }

    public int comments() {
        return comments.get();
    }

    public Long retry() {
        return retry;
    }

    @Override
    public void close() {
        Stream<String> l = lines;
        if (l != null) {
            l.close();
        }
        response.cancel(true);
    }
}
