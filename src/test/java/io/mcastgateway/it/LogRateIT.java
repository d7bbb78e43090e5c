package io.mcastgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.mcastgateway.support.Multicast;
import org.junit.jupiter.api.Order;

/**
 * The default log mode (a line per datagram) holds any rate: beyond mcast.receiver.log-rate lines a
 * second the rest are counted, and one line per log interval says how many were not printed.
 */
@Order(7)
class LogRateIT {

    private static final int PORT = 23995;

    @Test
    void shouldPrintAtMostTheRateAndCountTheRest() throws Exception {
        Map<String, String> env = Map.of("MCAST_INTERFACE", "lo", "MCAST_PORT", String.valueOf(PORT),
                "QUARKUS_HTTP_PORT", "0", "MCAST_SENDER_ENABLED", "false", "MCAST_RECEIVER_LOG", "each",
                "MCAST_RECEIVER_LOG_RATE", "5", "MCAST_RECEIVER_LOG_INTERVAL", "1s");
        try (GatewayProcess gateway = GatewayProcess.jar("log-rate", env)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> gateway.output().contains("Joined default"));
            int sent = 200;
            try (DatagramSocket sender = Multicast.sender()) {
                // 200 within about 100 ms: at most two clock seconds, so at most 2 x 5 lines
                Multicast.sendNumbered(sender, Multicast.GROUP, PORT, "burst ", sent, 2000, 16);
            }
            Pattern notLogged = Pattern.compile("(\\d+) datagrams were not logged in the last PT1S: more than 5 per"
                    + " second \\(mcast.receiver.log-rate\\); (\\d+) received since start");
            await().atMost(Duration.ofSeconds(10)).until(() -> total(notLogged, gateway.output()) + lines(gateway.output()) >= sent);

            String output = gateway.output();
            assertThat(lines(output)).isBetween(5, 10);
            assertThat(lines(output) + total(notLogged, output)).isEqualTo(sent);
        }
    }

    private static int lines(String output) {
        return (int) Pattern.compile("Receive data from 127\\.0\\.0\\.1:\\d+: burst ").matcher(output).results().count();
    }

    private static int total(Pattern notLogged, String output) {
        int sum = 0;
        Matcher m = notLogged.matcher(output);
        while (m.find()) {
            sum += Integer.parseInt(m.group(1));
        }
        return sum;
    }
}
