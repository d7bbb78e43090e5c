package io.mcastgateway.hub;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Tells whether datagram bytes are text (valid UTF-8), and whether they are text that JSON takes as it is. */
public final class Payloads {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Payloads() {
    }

    /**
     * Whether {@code length} bytes from {@code offset} are well-formed UTF-8, with the rules of Java's
     * strict decoder: no overlong forms, no surrogates, nothing above U+10FFFF. Allocates nothing.
     */
    public static boolean isUtf8(byte[] b, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            int n;
            int min;
            if (c >= 0xc2 && c <= 0xdf) {
                n = 1;
                min = 0x80;
            } else if (c >= 0xe0 && c <= 0xef) {
                n = 2;
                min = 0x800;
            } else if (c >= 0xf0 && c <= 0xf4) {
                n = 3;
                min = 0x10000;
            } else {
                return false; // a continuation byte, an overlong 2-byte lead (c0, c1) or beyond f4
            }
            if (i + n >= end) {
                return false; // truncated sequence
            }
            int cp = c & (0x3f >> n);
            for (int k = 1; k <= n; k++) {
                int cc = b[i + k] & 0xff;
                if ((cc & 0xc0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (cc & 0x3f);
            }
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                return false;
            }
            i += n + 1;
        }
        return true;
    }

    /**
     * Whether {@code length} bytes from {@code offset} are printable ASCII (0x20 to 0x7e) without {@code "}
     * or {@code \}: text that a JSON string holds as it is, with nothing to escape. Eight bytes at a time,
     * once per datagram. Allocates nothing.
     */
    public static boolean isPlainAscii(byte[] b, int offset, int length) {
        int i = offset;
        int end = offset + length;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            long v = (long) LONGS.get(b, i);
            // a byte's high bit is set in one of these when it is >= 0x80 (v), 0x7f (v + 1), < 0x20 (v - 0x20),
            // '"' or '\' (a zero byte after the xor); a carry or borrow only spreads from a byte that fails
            long flagged = v | (v + ONES) | (v - 0x20 * ONES) | zeroByte(v ^ ('"' * ONES)) | zeroByte(v ^ ('\\' * ONES));
            if ((flagged & HIGH_BITS) != 0) {
                return false;
            }
        }
        for (; i < end; i++) {
            int c = b[i] & 0xff;
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** The high bit of each zero byte of {@code x} set (and maybe of bytes above one: they fail anyway). */
    private static long zeroByte(long x) {
        return (x - ONES) & ~x;
    }
}
