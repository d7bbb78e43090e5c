package io.mcastgateway.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Hand-made HTTP/1.1 chunks written past Vert.x's encoder, on a real Vert.x HTTP server on lo, read by
 * the JDK's HTTP client (which decodes chunked encoding strictly). Guards the socket path too: without
 * it every chunk goes through Netty's pipeline, which cost the gateway a third of its CPU with 10,000
 * subscribers.
 */
class HttpChunksTest {

    private Vertx vertx;
    private HttpServer server;
    private final CompletableFuture<HttpChunks.Writer> writers = new CompletableFuture<>();
    private static final int[] SIZES = { 1, 15, 16, 255, 4096, 70_000 }; // size lines of 1 to 5 hex digits

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> {
            var response = request.response().setChunked(true).putHeader("content-type", "text/plain");
            response.write("head|"); // the head goes out with it: only then the writer is known
            HttpChunks.Writer writer = HttpChunks.writer(request.connection(), response);
            writers.complete(writer);
            if (writer == null) {
                response.end();
                return;
            }
            // the head waits in Netty's queue (flushed after the request is read): the first chunk goes behind
            // it through the pipeline, which flushes both; the next ones straight to the socket
            write(writer, 0, 3);
            vertx.setTimer(100, t -> { // later, from a timer: straight to the socket too
                write(writer, 3, SIZES.length);
                response.end("end"); // the last chunk, through Vert.x again: order kept
            });
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void write(HttpChunks.Writer writer, int from, int to) {
        for (int i = from; i < to; i++) {
            ByteBuf chunk = PooledByteBufAllocator.DEFAULT.directBuffer();
            HttpChunks.writeHead(chunk, SIZES[i]);
            chunk.writeBytes(("x".repeat(SIZES[i] - 1) + "|").getBytes(StandardCharsets.US_ASCII));
            HttpChunks.writeTail(chunk);
            writer.write(chunk);
        }
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldWriteChunksStraightToTheSocketThatAStrictClientDecodesInOrder() throws Exception {
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("transfer-encoding")).hasValue("chunked");
        StringBuilder expected = new StringBuilder("head|");
        for (int size : SIZES) {
            expected.append("x".repeat(size - 1)).append('|');
        }
        assertThat(response.body()).isEqualTo(expected.append("end").toString());
        HttpChunks.Writer writer = writers.get(5, TimeUnit.SECONDS);
        assertThat(writer.direct()).as("the NIO socket is reachable below the encoder").isTrue();
        assertThat(writer.straightToSocket).as("chunks written while Netty's queue was empty: all but the first")
                .isEqualTo(SIZES.length - 1);
    }

    @Test
    void shouldWriteOneSharedChunkToEveryStreamWhenOneClientDoesNotReadForAWhile() throws Exception {
        // one event loop, as the streams that share a chunk; 64 KiB written 200 times (12.5 MiB) to each
        // stream: the stream whose client does not read fills its socket, and the rest of what it is given
        // (partial writes and whole chunks) goes through Netty's queue
        int copies = 200;
        String body = "y".repeat(65_535) + "|";
        Vertx one = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        List<HttpChunks.Writer> shared = new CopyOnWriteArrayList<>();
        List<HttpServerResponse> responses = new CopyOnWriteArrayList<>();
        CountDownLatch written = new CountDownLatch(1);
        AtomicReference<ByteBuf> sharedChunk = new AtomicReference<>();
        try {
            HttpServer two = one.createHttpServer().requestHandler(request -> {
                var response = request.response().setChunked(true);
                response.write("head|");
                responses.add(response);
                shared.add(HttpChunks.writer(request.connection(), response));
                if (shared.size() < 2) {
                    return;
                }
                one.setTimer(100, t -> {
                    ByteBuf chunk = PooledByteBufAllocator.DEFAULT.directBuffer();
                    HttpChunks.writeHead(chunk, body.length());
                    chunk.writeBytes(body.getBytes(StandardCharsets.US_ASCII));
                    HttpChunks.writeTail(chunk);
                    sharedChunk.set(chunk);
                    ByteBuffer view = chunk.nioBuffer(0, chunk.capacity());
                    for (int i = 0; i < copies; i++) {
                        for (HttpChunks.Writer writer : shared) {
                            writer.writeShared(chunk, view);
                        }
                    }
                    chunk.release(); // the caller's reference; what waits in Netty's queue holds its own
                    responses.forEach(r -> r.end("end")); // behind the chunks
                    written.countDown();
                });
            }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + two.actualPort() + "/"))
                    .timeout(Duration.ofSeconds(30)).build();
            var reading = client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(10)).until(() -> shared.size() == 1);
            HttpResponse<InputStream> stalled = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(written.await(20, TimeUnit.SECONDS)).isTrue();

            String expected = "head|" + body.repeat(copies) + "end";
            try (InputStream in = stalled.body()) { // only now read: the socket was full meanwhile
                byte[] got = in.readAllBytes();
                assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo(expected);
            }
            assertThat(reading.get(30, TimeUnit.SECONDS).body()).isEqualTo(expected);
            assertThat(shared.get(1).straightToSocket).as("the stalled stream's chunks went through Netty's queue")
                    .isLessThan(copies);
            // once all is written, no duplicate holds the chunk any more: nothing leaked, nothing released twice
            await().atMost(Duration.ofSeconds(10)).until(() -> sharedChunk.get().refCnt() == 0);
        } finally {
            one.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
