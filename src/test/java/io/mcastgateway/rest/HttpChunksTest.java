package io.mcastgateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

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
}
