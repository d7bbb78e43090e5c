package io.mcastgateway.channel;

/**
 * Text from the network made safe for one log line: control characters (CR, LF, ESC, ...) and
 * DEL become {@code \xNN}, a backslash {@code \\}, so nothing received can end a line, forge another
 * or send terminal escapes.
 */
public final class LogText {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogText() {
    }

    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        int i = 0;
        int n = text.length();
        while (i < n && !special(text.charAt(i))) {
            i++;
        }
        if (i == n) {
            return text;
        }
        StringBuilder out = new StringBuilder(n + 16).append(text, 0, i);
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (special(c)) {
                out.append("\\x").append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
                if (c > 0xff) { // C1 controls and the like: the whole code unit
                    out.setLength(out.length() - 4);
                    out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                            .append(HEX[c & 0xf]);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean special(char c) {
        return c < 0x20 || c == 0x7f || c == '\\' || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029;
    }
}
