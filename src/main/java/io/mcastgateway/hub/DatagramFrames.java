package io.mcastgateway.hub;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;

import io.netty.buffer.ByteBuf;

/**
 * Writes the SSE frame of a received datagram, its JSON straight into the frame's bytes with one
 * streaming Jackson generator that lives as long as the hub: no map, no tree, no generator or
 * serializer context per event, the payload escaped (or Base64-encoded) from its bytes without
 * decoding it into a String. The frame is
 * <pre>
 * id: &lt;id&gt;
 * event: datagram
 * data: {"id":..,"channel":..,"group":..,"port":..,"source":..,"receivedAt":..,"size":..,["seq":..,]"text"|"base64":..}
 * (blank line)
 * </pre>
 * Jackson escapes CR and LF (every control character) inside strings, so a payload can't end the
 * data line. Only the payload is escaped per event: the frame's lines are written as bytes around the
 * JSON, id and time are ASCII bytes written as they are, and channel, group and source (the same
 * few strings again and again) are kept quoted and escaped. Not thread-safe: the hub uses it under
 * its lock.
 */
final class DatagramFrames {

    private static final JsonFactory JSON = new JsonFactory();
    private static final SerializableString ID = new SerializedString("id");
    private static final SerializableString CHANNEL = new SerializedString("channel");
    private static final SerializableString GROUP = new SerializedString("group");
    private static final SerializableString PORT = new SerializedString("port");
    private static final SerializableString SOURCE = new SerializedString("source");
    private static final SerializableString RECEIVED_AT = new SerializedString("receivedAt");
    private static final SerializableString SIZE = new SerializedString("size");
    private static final SerializableString SEQ = new SerializedString("seq");
    private static final SerializableString TEXT = new SerializedString("text");
    private static final SerializableString BASE64 = new SerializedString("base64");
    private static final byte[] ID_LINE = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_LINE = ("\nevent: " + SseFrames.DATAGRAM + "\ndata: ")
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    /** Strings kept quoted and escaped at most; beyond, the map starts again (senders come and go). */
    private static final int MAX_QUOTED = 1024;

    private final Bytes out = new Bytes();
    private final JsonGenerator json;
    private final byte[] id = new byte[64];
    private final byte[] time = new byte[Timestamps.LENGTH];
    private final Map<String, SerializableString> quoted = new HashMap<>();
    private byte[] payload = new byte[2048];
    private int dataStart;

    DatagramFrames() {
        try {
            json = JSON.createGenerator(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        json.setRootValueSeparator(null);
    }

    /**
     * The frame of one datagram; the payload is read from {@code data}'s readable bytes (not consumed).
     *
     * @param epoch the run's id prefix; null when the transport's store assigns ids: then the event's
     *        JSON alone, without id ({@link #writeJson})
     * @param datagramSeq the sequence number the datagram carries (JSON format or RTP), or -1
     */
    byte[] write(String epoch, long seq, String channel, String group, int port, String source,
            long receivedAtMillis, ByteBuf data, long datagramSeq) {
        if (epoch == null) {
            return writeJson(channel, group, port, source, receivedAtMillis, data, datagramSeq);
        }
        int idLength = id(epoch, seq);
        out.reset();
        out.write(ID_LINE, 0, ID_LINE.length); // the generator has nothing buffered between frames
        out.write(id, 0, idLength);
        out.write(EVENT_LINE, 0, EVENT_LINE.length);
        dataStart = out.count;
        try {
            writeObject(idLength, channel, group, port, source, receivedAtMillis, data, datagramSeq);
            json.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writes to memory: does not happen
        }
        out.write(END, 0, END.length);
        return out.toByteArray();
    }

    /**
     * The event's JSON alone, without {@code id} (for a transport that numbers events itself: its
     * reader adds the id when it builds the frame, {@link SseFrames#datagram}).
     */
    byte[] writeJson(String channel, String group, int port, String source, long receivedAtMillis, ByteBuf data,
            long datagramSeq) {
        out.reset();
        try {
            dataStart = 0;
            writeObject(0, channel, group, port, source, receivedAtMillis, data, datagramSeq);
            json.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The JSON object; with {@code idLength} 0 without the id field. */
    private void writeObject(int idLength, String channel, String group, int port, String source,
            long receivedAtMillis, ByteBuf data, long datagramSeq) throws IOException {
        int size = data.readableBytes();
        if (payload.length < size) {
            payload = new byte[Math.max(size, payload.length * 2)];
        }
        data.getBytes(data.readerIndex(), payload, 0, size);
        Timestamps.write(receivedAtMillis, time);
        json.writeStartObject();
        if (idLength > 0) {
            json.writeFieldName(ID);
            json.writeRawUTF8String(id, 0, idLength); // ASCII: nothing to escape
        }
        json.writeFieldName(CHANNEL);
        json.writeString(quoted(channel));
        json.writeFieldName(GROUP);
        json.writeString(quoted(group));
        json.writeFieldName(PORT);
        json.writeNumber(port);
        json.writeFieldName(SOURCE);
        json.writeString(quoted(source));
        json.writeFieldName(RECEIVED_AT);
        json.writeRawUTF8String(time, 0, time.length); // ASCII: nothing to escape
        json.writeFieldName(SIZE);
        json.writeNumber(size);
        if (datagramSeq >= 0) {
            json.writeFieldName(SEQ);
            json.writeNumber(datagramSeq);
        }
        if (Payloads.isPlainAscii(payload, 0, size)) {
            json.writeFieldName(TEXT);
            json.writeRawUTF8String(payload, 0, size); // nothing to escape: the same JSON, without a pass per byte
        } else if (Payloads.isUtf8(payload, 0, size)) {
            json.writeFieldName(TEXT);
            json.writeUTF8String(payload, 0, size);
        } else {
            json.writeFieldName(BASE64);
            json.writeBinary(payload, 0, size);
        }
        json.writeEndObject();
    }

    /** Where the JSON starts in the frame last written. */
    int dataStart() {
        return dataStart;
    }

    /** The event's JSON in {@code written}, the bytes {@link #write} returned last (a copy when they are a frame). */
    byte[] json(byte[] written) {
        return dataStart == 0 ? written : Arrays.copyOfRange(written, dataStart, written.length - END.length);
    }

    /** {@code epoch-seq} as ASCII bytes into {@code id}; returns their count. */
    private int id(String epoch, long seq) {
        int n = epoch.length();
        for (int i = 0; i < n; i++) {
            id[i] = (byte) epoch.charAt(i); // base 36
        }
        id[n++] = '-';
        int digits = 1;
        for (long rest = seq / 10; rest > 0; rest /= 10) {
            digits++;
        }
        for (int i = n + digits - 1; i >= n; i--) {
            id[i] = (byte) ('0' + seq % 10);
            seq /= 10;
        }
        return n + digits;
    }

    /**
     * The string quoted and escaped once: channel, group and source are the same few strings event
     * after event (a lookup finds the same object: its hash is kept, equality is identity).
     */
    private SerializableString quoted(String s) {
        SerializableString q = quoted.get(s);
        if (q == null) {
            if (quoted.size() >= MAX_QUOTED) {
                quoted.clear();
            }
            q = new SerializedString(s);
            quoted.put(s, q);
        }
        return q;
    }

    /** A growable byte array the generator writes into, reused for every frame. */
    private static final class Bytes extends OutputStream {
        private byte[] buf = new byte[4096];
        private int count;

        @Override
        public void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        private void ensure(int more) {
            if (count + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(count + more, buf.length * 2));
            }
        }

        void reset() {
            count = 0;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }
    }
}
