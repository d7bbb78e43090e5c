package io.mcastgateway.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;
import io.vertx.core.json.JsonObject;

/** The frame of an event whose id a transport assigned (Redis): id line and id field from one id. */
class SseFramesTest {

    private final DatagramFrames frames = new DatagramFrames();

    @Test
    void shouldPutTheStreamIdInTheIdLineAndAsTheJsonsFirstField() {
        byte[] json = frames.writeJson("video", "239.1.2.3", 5004, "10.0.0.7:4000", 0,
                Unpooled.copiedBuffer("line one\nid: forged", StandardCharsets.UTF_8), 7);
        assertThat(new JsonObject(new String(json, StandardCharsets.UTF_8)).containsKey("id")).isFalse();

        String frame = new String(SseFrames.datagram("1795700009044-12", json), StandardCharsets.UTF_8);

        assertThat(frame).startsWith("id: 1795700009044-12\nevent: datagram\ndata: {").endsWith("}\n\n");
        assertThat(frame.split("\n")).hasSize(3); // the payload's newline is escaped: no line of its own
        JsonObject data = new JsonObject(frame.substring(frame.indexOf("data: ") + 6, frame.length() - 2));
        assertThat(data.getString("id")).isEqualTo("1795700009044-12");
        assertThat(data.getString("text")).isEqualTo("line one\nid: forged");
        assertThat(data.getLong("seq")).isEqualTo(7);
        assertThat(data.fieldNames()).startsWith("id", "channel");
    }

    @Test
    void shouldRefuseAnIdThatIsNotDigitsDashDigits() {
        byte[] json = "{\"a\":1}".getBytes(StandardCharsets.US_ASCII);
        for (String id : new String[] { "1-2\ndata: x", "abc-1", "-1", "1-", "12" }) {
            assertThatThrownBy(() -> SseFrames.datagram(id, json)).as(id).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(new String(SseFrames.datagram("1-0", "{}".getBytes(StandardCharsets.US_ASCII)), StandardCharsets.US_ASCII))
                .isEqualTo("id: 1-0\nevent: datagram\ndata: {\"id\":\"1-0\"}\n\n");
    }
}
