package io.mcastgateway.transport;

import org.jboss.logging.Logger;

import io.mcastgateway.platform.VertxInternals;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

/**
 * What the roles of the {@link RedisTransport} share: the Redis client, the stream's keys, whether
 * Redis answers, and the one Vert.x context that owns their control state.
 * <p>
 * <b>Threads.</b> Every role's state changes on {@link #context()}, one task at a time; other
 * threads hop onto it with {@link #run}. A Redis command issued on the context completes there (a
 * Vert.x future calls its listeners on the context it was created on, and the Redis client creates
 * them on the caller's context), so the callbacks of commands, and the commands they issue in turn,
 * stay on it. Timers set on it fire on it. A connection's exception and end handlers do not (they
 * run on the connection's own context): they hop. Only {@link #problem()} is read elsewhere
 * (volatile, for the stats API, metrics and readiness).
 */
final class RedisLink {

    private static final Logger LOG = Logger.getLogger(RedisLink.class);
    private static final String NOT_CONNECTED = "not connected yet";

    final Vertx vertx;
    final Redis redis;
    /** The server, without credentials, for messages. */
    final String server;
    /** The event stream. */
    final String key;
    /** The stream of relayed sends. */
    final String sendsKey;
    final long retryMillis;
    private final Context context;
    private volatile String problem = NOT_CONNECTED;
    private boolean stopped;

    RedisLink(Vertx vertx, Redis redis, String server, String key, long retryMillis) {
        this.vertx = vertx;
        this.redis = redis;
        this.server = server;
        this.key = key;
        this.sendsKey = key + ":sends";
        this.retryMillis = retryMillis;
        this.context = VertxInternals.newEventLoopContext(vertx); // its own, whichever thread creates the transport
    }

    /** The owner of the transport's control state. */
    Context context() {
        return context;
    }

    /** Runs {@code task} on the context, after what is queued there. */
    void run(Runnable task) {
        context.runOnContext(v -> task.run());
    }

    /** The lease of a channel's writer. */
    String writerKey(String channel) {
        return key + ":writer:" + channel;
    }

    /** The senders of a channel as its writer counts them. */
    String sourcesKey(String channel) {
        return key + ":sources:" + channel;
    }

    /** From now on nothing connects, retries or reports. */
    void stopped() {
        stopped = true;
    }

    boolean isStopped() {
        return stopped;
    }

    /** Why Redis does not serve this gateway now, or null when it does. */
    String problem() {
        return problem;
    }

    /** A command or connection failed. */
    void failed(String what, Throwable cause) {
        if (stopped) {
            return;
        }
        String reason = "Redis " + server + ": " + what + " failed: "
                + (cause == null ? "connection closed" : cause.getMessage() == null ? cause.toString() : cause.getMessage());
        if (problem == null) {
            LOG.warnf("%s; events received meanwhile are dropped (counted), retrying every %d ms", reason, retryMillis);
        }
        problem = reason;
    }

    /** Redis answered. */
    void recovered() {
        if (problem != null && !stopped) {
            if (!problem.equals(NOT_CONNECTED)) {
                LOG.infof("Redis %s answers again", server);
            }
            problem = null;
        }
    }
}
