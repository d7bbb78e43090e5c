package io.mcastgateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mcastgateway.it.RedisServer;
import io.mcastgateway.support.Tools;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * What the Redis transport's one owner rests on, against a real redis-server: a command issued on
 * the owner context calls back there, through the client's pool and on a connection of its own, and
 * so does a command issued from such a callback. If a Vert.x or client upgrade changes that, the
 * transport's state would be touched from another thread: this test says so first.
 */
class RedisLinkTest {

    private RedisServer server;
    private Vertx vertx;

    @BeforeEach
    void start() {
        Tools.require("RedisLinkTest", RedisServer.unavailableReason());
        server = RedisServer.onLoopback("link");
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldCallBackOnTheOwnerContextForCommandsIssuedThere() throws Exception {
        RedisLink link = new RedisLink(vertx, Redis.createClient(vertx, server.url()), server.url(), "k", 1000);
        CompletableFuture<List<Context>> seen = new CompletableFuture<>();
        link.run(() -> link.redis.send(Request.cmd(Command.PING)).onComplete(pooled -> {
            Context first = Vertx.currentContext();
            link.redis.connect().onComplete(connected -> {
                Context second = Vertx.currentContext();
                connected.result().send(Request.cmd(Command.PING)).onComplete(own -> {
                    Context third = Vertx.currentContext();
                    connected.result().batch(List.of(Request.cmd(Command.PING))).onComplete(batch -> {
                        seen.complete(List.of(first, second, third, Vertx.currentContext()));
                        connected.result().close();
                    });
                });
            });
        }));

        assertThat(seen.get(10, TimeUnit.SECONDS)).as("the contexts of the callbacks: pooled send, connect,"
                + " send and batch on the connection").containsOnly(link.context());
    }
}
