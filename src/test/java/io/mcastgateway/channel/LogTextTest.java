package io.mcastgateway.channel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void shouldLeavePlainTextAsItIs() {
        String plain = "this message send via mcast ! é ✓";
        assertThat(LogText.escape(plain)).isSameAs(plain);
    }

    @Test
    void shouldEscapeEveryControlCharacterAndTheBackslash() {
        assertThat(LogText.escape("a\nb\rc\td\u001b[31me\u007ff\u0085g\u2028h\\i\u0000"))
                .isEqualTo("a\\x0ab\\x0dc\\x09d\\x1b[31me\\x7ff\\x85g\\u2028h\\\\i\\x00");
    }
}
