package io.mcastgateway.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.json.JsonObject;

/** Plain JUnit: the frame a datagram becomes, byte for byte what a JSON library reads back. */
class DatagramFramesTest {

    private final DatagramFrames frames = new DatagramFrames();

    @Test
    void shouldWriteTheSseFrameWithTheEventsJson() {
        String text = "quote \" backslash \\ newline \n return \r tab \t nul \0 é ✓ 😀 </script>";
        String frame = frame(text.getBytes(StandardCharsets.UTF_8), 42);

        assertThat(frame).startsWith("id: ep-42\nevent: datagram\ndata: {").endsWith("}\n\n");
        String data = frame.substring(frame.indexOf("data: ") + 6, frame.length() - 2);
        assertThat(data).doesNotContain("\n").doesNotContain("\r");
        JsonObject json = new JsonObject(data);
        assertThat(json.fieldNames()).containsExactly("id", "channel", "group", "port", "source", "receivedAt", "size",
                "text");
        assertThat(json.getString("id")).isEqualTo("ep-42");
        assertThat(json.getString("channel")).isEqualTo("video");
        assertThat(json.getString("group")).isEqualTo("239.1.2.3");
        assertThat(json.getInteger("port")).isEqualTo(5004);
        assertThat(json.getString("source")).isEqualTo("10.0.0.7:4000");
        assertThat(json.getString("receivedAt")).isEqualTo("2026-11-25T18:03:48.789Z");
        assertThat(json.getInteger("size")).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        assertThat(json.getString("text")).isEqualTo(text);
        assertThat(frames.dataStart()).isEqualTo(frame.indexOf("data: ") + 6);
    }

    @Test
    void shouldWritePlainAsciiAsItIsAndEscapeAByteThatNeedsItAnywhere() {
        Random random = new Random(11);
        for (int size : new int[] { 1, 7, 8, 9, 64, 1024 }) {
            byte[] payload = new byte[size];
            for (int i = 0; i < size; i++) {
                do {
                    payload[i] = (byte) (0x20 + random.nextInt(0x5f));
                } while (payload[i] == '"' || payload[i] == '\\');
            }
            String text = new String(payload, StandardCharsets.US_ASCII);
            String frame = frame(payload, size);
            assertThat(frame).contains("\"text\":\"" + text + "\"}");
            assertThat(json(frame).getString("text")).isEqualTo(text);
            // one byte that JSON must escape, at the end of the last eight-byte word or in the tail
            for (byte special : new byte[] { '"', '\\', '\n', 0x7f, 0x01 }) {
                byte[] changed = payload.clone();
                changed[size - 1] = special;
                String changedText = new String(changed, StandardCharsets.US_ASCII);
                assertThat(json(frame(changed, size)).getString("text")).as("size %d, byte %02x", size, special)
                        .isEqualTo(changedText);
            }
        }
    }

    @Test
    void shouldWriteBytesThatAreNotUtf8AsBase64() {
        Random random = new Random(7);
        for (int size : new int[] { 0, 1, 3, 64, 1024, 65507 }) {
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            if (size > 0) {
                payload[0] = (byte) 0xff; // never UTF-8
            }
            JsonObject json = json(frame(payload, size + 1));
            if (size == 0) {
                assertThat(json.getString("text")).isEmpty();
            } else {
                assertThat(json.containsKey("text")).isFalse();
                assertThat(Base64.getDecoder().decode(json.getString("base64"))).isEqualTo(payload);
            }
            assertThat(json.getInteger("size")).isEqualTo(size);
        }
    }

    @Test
    void shouldNotReadPastTheReadableBytesNorConsumeThem() {
        ByteBuf buf = Unpooled.copiedBuffer("xxhello world", StandardCharsets.UTF_8).readerIndex(2);
        buf.writerIndex(buf.writerIndex() - 6);
        String frame = new String(frames.write("ep", 1, "c", "239.1.1.1", 1, "s", 0, buf, -1), StandardCharsets.UTF_8);
        assertThat(json(frame).getString("text")).isEqualTo("hello");
        assertThat(buf.readerIndex()).isEqualTo(2);
    }

    @Test
    void shouldWriteEachEventsOwnChannelGroupAndSourceWhileTheyChangeFromEventToEvent() {
        // more distinct strings than the generator keeps quoted (1,024): it starts again on the way
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < 1_100; i++) {
            sources.add("10.0." + i / 256 + "." + i % 256 + ":" + (4000 + i));
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < sources.size(); i++) {
                String channel = i % 2 == 0 ? "video" : "aud\"io"; // one that needs escaping
                String frame = new String(frames.write("ep", i, channel, "239.1.2." + i % 7, 5004, sources.get(i), 0,
                        Unpooled.wrappedBuffer("x".getBytes(StandardCharsets.UTF_8)), -1), StandardCharsets.UTF_8);
                JsonObject json = json(frame);
                assertThat(json.getString("source")).isEqualTo(sources.get(i));
                assertThat(json.getString("channel")).isEqualTo(channel);
                assertThat(json.getString("group")).isEqualTo("239.1.2." + i % 7);
                assertThat(json.getString("id")).isEqualTo("ep-" + i);
            }
        }
    }

    /**
     * Not a timing: the bytes the JVM allocates on this thread for one event of the hub, frame
     * included (the budget of the whole receive path is 512 per datagram).
     */
    @Test
    void shouldAllocateLittleMoreThanTheFramePerEvent() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        Hub hub = new Hub(new NoSubscribers(), vertx.eventBus(), new StreamStats());
        io.mcastgateway.channel.ChannelSpec channel = io.mcastgateway.channel.ChannelSpec.receiving("default",
                InetAddress.getByName("239.255.255.252"), 23456, "lo", io.mcastgateway.channel.Bind.GROUP);
        ByteBuf payload = Unpooled.copiedBuffer("x".repeat(64), StandardCharsets.UTF_8);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long frameBytes = 0;
        for (int i = 0; i < 20_000; i++) { // warm up (JIT: escape analysis)
            frameBytes = hub.publish(channel, payload, "127.0.0.1", "127.0.0.1:43597", System.currentTimeMillis(), -1).frame().length;
        }
        int n = 100_000;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < n; i++) {
            hub.publish(channel, payload, "127.0.0.1", "127.0.0.1:43597", System.currentTimeMillis(), -1);
        }
        long perEvent = (threads.getCurrentThreadAllocatedBytes() - before) / n;
        System.out.printf("hub: %d bytes allocated per 64-byte datagram (frame %d bytes)%n", perEvent, frameBytes);
        vertx.close();
        assertThat(perEvent).isLessThan(frameBytes + 16 + 120);
    }

    private String frame(byte[] payload, long seq) {
        long at = java.time.Instant.parse("2026-11-25T18:03:48.789Z").toEpochMilli();
        return new String(frames.write("ep", seq, "video", "239.1.2.3", 5004, "10.0.0.7:4000", at,
                Unpooled.wrappedBuffer(payload), -1), StandardCharsets.UTF_8);
    }

    private static JsonObject json(String frame) {
        return new JsonObject(frame.substring(frame.indexOf("data: ") + 6, frame.length() - 2));
    }

    /** A transport with nobody listening and no replay: only the hub's own work is measured. */
    private static final class NoSubscribers implements Transport, EventIds {
        private long numbered;

        @Override
        public EventIds ids() {
            return this;
        }

        @Override
        public String epoch() {
            return "ep";
        }

        @Override
        public long next() {
            return ++numbered;
        }

        @Override
        public void append(StreamEvent event) {
        }

        @Override
        public void flush() {
        }

        @Override
        public void subscribe(Subscriber subscriber, String lastEventId) {
        }

        @Override
        public void unsubscribe(Subscriber subscriber) {
        }

        @Override
        public java.util.List<Subscriber> subscribers() {
            return java.util.List.of();
        }

        @Override
        public int subscriberCount() {
            return 0;
        }

        @Override
        public TransportInfo status() {
            return TransportInfo.local(0);
        }
    }
}
