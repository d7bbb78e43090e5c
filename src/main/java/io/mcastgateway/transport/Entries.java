package io.mcastgateway.transport;

import java.util.LinkedHashMap;
import java.util.Map;

import io.mcastgateway.channel.ChannelSpec;
import io.mcastgateway.hub.SseFrames;
import io.mcastgateway.hub.StreamEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The entries of the two streams as gateways write them, and the checks an entry read back must
 * pass: whoever can write to Redis must not be able to inject SSE fields or events. Stateless
 * apart from the count of skipped entries; safe from any thread.
 */
final class Entries {

    // fields of an event entry (the event stream)
    static final String CHANNEL = "c";
    static final String GROUP = "g";
    static final String SOURCE_IP = "i";
    static final String SOURCE = "s";
    static final String DATA = "d";
    // fields of a relayed send (the sends stream); its channel is CHANNEL
    static final String PAYLOAD = "p";
    static final String SENT_AT = "t";
    static final String SIGNATURE = "h";

    private final String key;
    private final int maxLength;
    /** Entries of the event stream that are not events a gateway wrote. */
    private final PassedOver skipped = new PassedOver("Skipped stream entry", "transport.skipped");

    /**
     * @param key the event stream
     * @param maxLength about how many entries the stream keeps ({@code MAXLEN ~})
     */
    Entries(String key, int maxLength) {
        this.key = key;
        this.maxLength = maxLength;
    }

    /** The XADD of an event, whose frame holds the event's JSON without id ({@code EventIds#ASSIGNED_BY_STORE}). */
    Request xadd(StreamEvent event) {
        return Request.cmd(Command.XADD).arg(key).arg("MAXLEN").arg("~").arg(maxLength).arg("*")
                .arg(CHANNEL).arg(event.channel()).arg(GROUP).arg(event.group()).arg(SOURCE_IP).arg(event.sourceIp())
                .arg(SOURCE).arg(event.source()).arg(DATA).arg(Buffer.buffer(event.frame()));
    }

    /**
     * An entry of the event stream, {@code [id, [field, value, ...]]}, with its frame built (the
     * Redis id as SSE id); an entry that is not an event a gateway wrote is skipped and counted,
     * and comes back without event ({@code previous} as its id when it has none readable).
     */
    StreamEntry event(Response entry, StreamId previous) {
        String idText = entry.get(0).toString();
        StreamId id = StreamId.parse(idText);
        Map<String, Response> fields = fields(entry.get(1));
        Response c = fields.get(CHANNEL);
        Response d = fields.get(DATA);
        byte[] data = d == null ? null : d.toBytes();
        String problem = id == null ? "an id that is not a stream id"
                : c == null || d == null ? "no " + CHANNEL + " or " + DATA + " field"
                : eventProblem(c.toString(), data);
        if (problem != null) { // the reader goes on after it
            skipped.add(idText, key, problem);
            return new StreamEntry(id == null ? previous : id, null);
        }
        byte[] frame;
        try {
            frame = SseFrames.datagram(idText, data);
        } catch (IllegalArgumentException e) {
            skipped.add(idText, key, e.getMessage());
            return new StreamEntry(id, null);
        }
        // the epoch and seq of a Redis event are the two halves of its id, so that StreamEvent#id() is the id
        StreamEvent event = new StreamEvent(id.seq(), Long.toString(id.ms()), c.toString(), text(fields.get(GROUP)),
                text(fields.get(SOURCE_IP)), text(fields.get(SOURCE)), frame);
        return new StreamEntry(id, event);
    }

    long skipped() {
        return skipped.count();
    }

    /**
     * Why an entry's fields are not an event a gateway wrote, or null: the channel must be a channel
     * name and the data one line holding a JSON object ({@code {...}} without CR, LF or any other
     * control character, which JSON never leaves unescaped), so that nothing in it can end the SSE
     * data line and add fields or events of its own.
     */
    static String eventProblem(String channel, byte[] data) {
        if (!ChannelSpec.NAME.matcher(channel).matches()) {
            return "a channel that is not a channel name";
        }
        if (data.length < 2 || data[0] != '{' || data[data.length - 1] != '}') {
            return "data that is not a JSON object";
        }
        for (byte b : data) {
            if ((b & 0xff) < 0x20 || b == 0x7f) {
                return "data that is not one line of JSON (a control character)";
            }
        }
        return null;
    }

    /** An entry's fields, or a reply of field-value pairs, as a map (RESP3 map or RESP2 flat array). */
    static Map<String, Response> fields(Response fields) {
        Map<String, Response> map = new LinkedHashMap<>();
        if (fields == null) {
            return map;
        }
        if (fields.isMap()) {
            for (String name : fields.getKeys()) {
                map.put(name, fields.get(name));
            }
        } else {
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                map.put(fields.get(i).toString(), fields.get(i + 1));
            }
        }
        return map;
    }

    static String text(Response r) {
        return r == null ? "" : r.toString();
    }

    /** The id of the first entry of an XREVRANGE reply (the newest), or {@link StreamId#ZERO} for none. */
    static StreamId newestId(Response entries) {
        if (entries == null || entries.size() == 0) {
            return StreamId.ZERO;
        }
        StreamId id = StreamId.parse(entries.get(0).get(0).toString());
        return id == null ? StreamId.ZERO : id;
    }
}
