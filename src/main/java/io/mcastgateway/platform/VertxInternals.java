package io.mcastgateway.platform;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.channels.WritableByteChannel;
import java.util.Map;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.AbstractNioChannel;
import io.netty.channel.socket.DatagramChannel;
import io.vertx.core.Context;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Every reach of the gateway into Vert.x and Netty beyond their public API, in one place. Each one
 * exists because the public API has no way to say it (named at each method); {@code
 * VertxInternalsTest} runs them all against a real Vert.x, so an upgrade that moves one fails there,
 * by name, rather than somewhere in the receive or SSE path.
 * <p>
 * Methods that are optional to their callers (a faster path with a public fallback) answer null when
 * the internal is gone; the others throw {@link IllegalStateException} saying which one moved.
 */
public final class VertxInternals {

    private static final MethodHandle JAVA_CHANNEL = javaChannelHandle();

    private VertxInternals() {
    }

    /**
     * The Netty event loop behind a context (a duplicated context shares its loop's): streams and
     * subscribers are grouped per loop, which {@link Context} does not expose.
     */
    public static EventLoop eventLoop(Context context) {
        return ((ContextInternal) context).nettyEventLoop();
    }

    /**
     * A new event-loop context, whichever thread asks: {@link io.vertx.core.Vertx#getOrCreateContext()}
     * answers the caller's own (an HTTP connection's; on a thread outside Vert.x, one it keeps for that
     * thread and shares with everything else created there), and the public API has no other way.
     */
    public static Context newEventLoopContext(io.vertx.core.Vertx vertx) {
        return ((io.vertx.core.impl.VertxInternal) vertx).createEventLoopContext();
    }

    /**
     * A new event-loop context on the event loop of {@code on} (with its worker pool): what it runs shares
     * that loop's thread, so hand-offs between the two need no task and no wake-up.
     */
    public static Context newEventLoopContext(io.vertx.core.Vertx vertx, Context on) {
        ContextInternal like = (ContextInternal) on;
        return ((io.vertx.core.impl.VertxInternal) vertx).createEventLoopContext(like.nettyEventLoop(), like.workerPool(),
                like.classLoader());
    }

    /**
     * The Netty transport Vert.x's event loops (and so every socket) run on: {@code nio} (the JDK's), or a
     * native one, {@code epoll}, {@code io_uring} or {@code kqueue}, which Vert.x takes when
     * {@code quarkus.vertx.prefer-native-transport} is set and the native library loads.
     */
    public static String ioTransport(io.vertx.core.Vertx vertx) {
        String loops = vertx.nettyEventLoopGroup().getClass().getSimpleName();
        for (String[] known : new String[][] { { "Nio", "nio" }, { "Epoll", "epoll" }, { "IOUring", "io_uring" },
                { "KQueue", "kqueue" } }) {
            if (loops.startsWith(known[0])) {
                return known[1];
            }
        }
        return loops;
    }

    /** Sets a periodic timer on the given context (Vert.x's own {@code setPeriodic} uses the caller's). */
    public static long setPeriodic(Context context, long millis, io.vertx.core.Handler<Long> handler) {
        return ((ContextInternal) context).setPeriodic(millis, handler);
    }

    /** The Netty channel of an HTTP connection, or null when it is not Vert.x's implementation. */
    public static Channel channel(HttpConnection connection) {
        return connection instanceof ConnectionBase base ? base.channel() : null;
    }

    /**
     * Vert.x's HTTP/1.1 encoder in a connection's pipeline (handler {@code httpEncoder}) when nothing
     * after it transforms the body (no {@code deflater}, Vert.x's compression); else null. Chunks written
     * from below it are then exactly what it would write.
     */
    public static ChannelHandlerContext plainHttpEncoder(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        ChannelHandlerContext encoder = pipeline.context("httpEncoder");
        return encoder == null || pipeline.get("deflater") != null ? null : encoder;
    }

    /**
     * Whether nothing but the socket is below {@code handler} in the channel's pipeline (no TLS, no
     * traffic shaping: only inbound handlers before it), so bytes written to the socket keep their order
     * with what the handler writes.
     */
    public static boolean onlySocketBelow(Channel channel, ChannelHandlerContext handler) {
        for (Map.Entry<String, ChannelHandler> entry : channel.pipeline()) {
            if (entry.getKey().equals(handler.name())) {
                return true;
            }
            if (entry.getValue() instanceof ChannelOutboundHandler) {
                return false;
            }
        }
        return false;
    }

    /**
     * The JDK socket below a Netty NIO channel, or null when the channel is not NIO or Netty's
     * {@code javaChannel()} moved (callers then write through the pipeline).
     */
    public static WritableByteChannel socket(Channel channel) {
        if (JAVA_CHANNEL == null || !(channel instanceof AbstractNioChannel)) {
            return null;
        }
        try {
            return (WritableByteChannel) JAVA_CHANNEL.invoke(channel);
        } catch (Throwable e) {
            return null;
        }
    }

    /** Whether the javaChannel() handle of Netty's NIO channels was found. */
    public static boolean socketsReachable() {
        return JAVA_CHANNEL != null;
    }

    /**
     * Bytes Netty holds for the channel, flushed or not; -1 when the channel has no outbound buffer
     * (closed). {@code Channel.bytesBeforeUnwritable} answers against the high-water mark, not zero.
     */
    public static long pendingWriteBytes(Channel channel) {
        ChannelOutboundBuffer queued = channel.unsafe().outboundBuffer();
        return queued == null ? -1 : queued.totalPendingWriteBytes();
    }

    /**
     * The Netty channel of a Vert.x datagram socket: its read allocator is set on it, which
     * {@code DatagramSocketOptions} does not offer.
     */
    public static DatagramChannel channel(DatagramSocket socket) {
        try {
            Field field = socket.getClass().getDeclaredField("channel");
            field.setAccessible(true);
            return (DatagramChannel) field.get(socket);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Cannot reach the Netty channel of " + socket.getClass().getName()
                    + " (field 'channel'): Vert.x moved it", e);
        }
    }

    /**
     * The kernel's inode of a Vert.x datagram socket (what {@code /proc/net/udp} lists it by), or -1
     * when it can't be found: the JDK channel below Netty's NIO channel, its file descriptor (the JDK's
     * private {@code fdVal}, read with {@code sun.misc.Unsafe}: {@code sun.nio.ch} is not open), and the
     * {@code socket:[inode]} link of {@code /proc/self/fd/<fd>} (Linux only). Blocking (reads /proc):
     * call it off the event loop.
     */
    public static long socketInode(DatagramSocket socket) {
        try {
            WritableByteChannel jdk = socket(channel(socket));
            if (jdk == null || UNSAFE == null) {
                return -1;
            }
            Field fdVal = jdk.getClass().getDeclaredField("fdVal");
            int fd = UNSAFE.getInt(jdk, UNSAFE.objectFieldOffset(fdVal));
            String link = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + fd)).toString();
            if (!link.startsWith("socket:[") || !link.endsWith("]")) {
                return -1;
            }
            // open after the link was read: the fd was still this channel's (a closed channel's fd may be
            // another socket's by now; the JDK marks the channel closed before it releases the fd)
            if (!jdk.isOpen()) {
                return -1;
            }
            return Long.parseLong(link.substring(8, link.length() - 1));
        } catch (Throwable e) {
            return -1;
        }
    }

    private static final sun.misc.Unsafe UNSAFE = unsafe();

    private static sun.misc.Unsafe unsafe() {
        try {
            Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return (sun.misc.Unsafe) field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The event bus's map of addresses to local consumers, or null when it cannot be read: Vert.x has no
     * public way to ask whether an address has a consumer.
     */
    public static Map<?, ?> consumers(EventBus bus) {
        try {
            for (Class<?> type = bus.getClass(); type != null; type = type.getSuperclass()) {
                for (Field field : type.getDeclaredFields()) {
                    if (field.getName().equals("handlerMap") && Map.class.isAssignableFrom(field.getType())) {
                        field.setAccessible(true);
                        return (Map<?, ?>) field.get(bus);
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
        return null;
    }

    private static MethodHandle javaChannelHandle() {
        try {
            Method method = AbstractNioChannel.class.getDeclaredMethod("javaChannel");
            method.setAccessible(true);
            return MethodHandles.lookup().unreflect(method);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
