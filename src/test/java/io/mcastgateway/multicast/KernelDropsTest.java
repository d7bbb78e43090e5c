package io.mcastgateway.multicast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.URL;
import java.nio.file.StandardCopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.mcastgateway.support.Browser;
import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.StreamHealth;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * A receiver made slow on purpose (its event loop stalled for 2 s) while a burst bigger than its
 * kernel buffer arrives: the gateway shows the drops /proc/net/udp shows for that socket, and every
 * datagram sent is either received or dropped. The live page then shows the channel dropping, with
 * what to change.
 */
@QuarkusTest
@TestProfile(StreamHealth.class)
class KernelDropsTest {

    private static final int BURST = 8000;

    @Inject
    MulticastReceiver receivers;

    @Test
    void shouldShowTheKernelsDropsOfTheChannelsSocket() throws Exception {
        await().atMost(Duration.ofSeconds(5)).until(() -> kernel().getString("status").equals("ok"));
        JsonPath before = kernel();
        long dropsBefore = before.getLong("drops");
        long receivedBefore = tv().getLong("received");
        assertThat(before.getInt("receiveBufferRequested")).isEqualTo(4194304);
        assertThat(before.getInt("receiveBufferGranted")).as("capped by net.core.rmem_max")
                .isEqualTo(Math.min(4194304, rmemMax()));
        assertThat(before.getLong("hostRcvbufErrors")).isNotNull();

        CountDownLatch stalled = new CountDownLatch(1);
        receivers.receiver("tv").onContext(() -> {
            stalled.countDown();
            try {
                Thread.sleep(2000); // the receiving event loop reads nothing meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(stalled.await(5, TimeUnit.SECONDS)).isTrue();
        byte[] payload = new byte[1316];
        try (DatagramSocket sender = Multicast.sender()) {
            for (int i = 0; i < BURST; i++) {
                Multicast.sendTo(sender, payload, StreamHealth.TV, StreamHealth.TV_PORT);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> kernel().getLong("drops") - dropsBefore
                + tv().getLong("received") - receivedBefore == BURST);
        long drops = kernel().getLong("drops") - dropsBefore;
        assertThat(drops).as("a burst bigger than the buffer").isPositive();
        assertThat(kernel().getLong("drops")).as("what /proc/net/udp says of the socket")
                .isEqualTo(procDrops(StreamHealth.TV, StreamHealth.TV_PORT));
        assertThat(kernel().getBoolean("dropsRising")).isTrue();
        assertThat(kernel().getString("lastDropAt")).isNotNull();
        assertThat(StreamHealth.tvMetric("mcast_kernel_drops_total")).isEqualTo(kernel().getLong("drops"));

        // the live page warns, and says what to change
        WebDriver browser = Browser.start("KernelDropsTest");
        try {
            browser.manage().window().setSize(new Dimension(1200, 900));
            browser.get(page.toString());
            // read in one script, at one moment: the page redraws the channel list at every poll
            String read = "const li = document.querySelector(\"#channels li[data-channel='tv']\");"
                    + " if (!li || !li.classList.contains('dropping')) return null;"
                    + " const t = (c) => { const e = li.querySelector(c); return e ? e.textContent : null; };"
                    + " const k = li.querySelector('.kernel');"
                    + " return [t('.dropping-badge'), k ? k.dataset.drops : null, t('.drop-warning')];";
            @SuppressWarnings("unchecked")
            java.util.List<String> shown = (java.util.List<String>) new WebDriverWait(browser, Duration.ofSeconds(10))
                    .until(d -> ((JavascriptExecutor) d).executeScript(read));
            assertThat(shown.get(0)).isEqualTo("DROPPING");
            assertThat(shown.get(1)).isEqualTo(String.valueOf(kernel().getLong("drops")));
            assertThat(shown.get(2)).contains("mcast.receiver.receive-buffer-size").contains("net.core.rmem_max");
            Files.createDirectories(SCREENSHOTS);
            Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(),
                    SCREENSHOTS.resolve("KernelDropsTest-dropping.png"), StandardCopyOption.REPLACE_EXISTING);
        } finally {
            browser.quit();
        }
    }

    private static final Path SCREENSHOTS = Path.of("target/screenshots");

    @TestHTTPResource("/")
    URL page;

    /** The drops of the one socket bound to group:port, read from /proc/net/udp by the test itself. */
    private static long procDrops(String group, int port) throws Exception {
        String[] b = group.split("\\.");
        String local = String.format(Locale.ROOT, "%02X%02X%02X%02X:%04X", Integer.parseInt(b[3]), Integer.parseInt(b[2]),
                Integer.parseInt(b[1]), Integer.parseInt(b[0]), port);
        long found = -1;
        for (String line : Files.readAllLines(Path.of("/proc/net/udp"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 12 && f[1].equals(local)) {
                assertThat(found).as("one socket bound to " + local).isEqualTo(-1);
                found = Long.parseLong(f[f.length - 1]);
            }
        }
        return found;
    }

    private static int rmemMax() throws Exception {
        // read by lines: procfs answers a read at an offset past the first read's with nothing
        return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/core/rmem_max")).get(0).trim());
    }

    private static JsonPath tv() {
        return new JsonPath(given().get("/api/channels").then().statusCode(200).extract().asString())
                .setRootPath("find { it.name == 'tv' }");
    }

    private static JsonPath kernel() {
        return new JsonPath(given().get("/api/channels").then().statusCode(200).extract().asString())
                .setRootPath("find { it.name == 'tv' }.kernel");
    }
}
