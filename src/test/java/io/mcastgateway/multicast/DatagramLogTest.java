package io.mcastgateway.multicast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.LogCapture;
import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.NoSenderWithCorsDatagramLogAndPublishRate;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The per-datagram log line (mcast.receiver.log=each) shows a datagram's text with its control characters escaped. */
@QuarkusTest
@TestProfile(NoSenderWithCorsDatagramLogAndPublishRate.class) // mcast.receiver.log=each
class DatagramLogTest {

    @Test
    void shouldEscapeNewlinesAndTerminalEscapesOfADatagramInItsLogLine() {
        String tag = UUID.randomUUID().toString();
        List<String> lines;
        try (LogCapture log = LogCapture.of(MulticastReceiver.class); DatagramSocket sender = Multicast.sender()) {
            lines = log.lines();
            Multicast.send(sender, tag + " ok\n2026-12-04 12:00:00,000 INFO  [io.forged] (main) admin logged in\r\u001b[2J\u0085");
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.contains(tag)));
        }
        String line = lines.stream().filter(l -> l.contains(tag)).findFirst().orElseThrow();
        assertThat(line).doesNotContain("\n", "\r", "\u001b", "\u0085")
                .contains(tag + " ok\\x0a2026-12-04 12:00:00,000 INFO  [io.forged]", "\\x0d\\x1b[2J\\x85");
    }
}
