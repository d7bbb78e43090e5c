package io.mcastgateway.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.mcastgateway.support.Browser;
import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.PlayerClient;
import io.mcastgateway.support.Players;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The live page's Players section in Debian's Chromium: a player on a group joined on demand shows up
 * with its group, its state and what it got. Screenshot under target/screenshots/.
 */
@QuarkusTest
@TestProfile(Players.class)
class LivePagePlayersTest {

    private static WebDriver browser;

    @TestHTTPResource("/")
    URL page;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start("LivePagePlayersTest");
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void shouldShowAPlayersGroupItsStateAndWhatItGot() throws Exception {
        String group = "239.255.90.90";
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        browser.manage().window().setSize(new Dimension(1200, 1400));
        browser.get(page.toString());
        wait.until(ExpectedConditions.textToBe(By.id("connection"), "connected"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("players-section")));
        assertThat(browser.findElement(By.id("players-info")).getText()).contains(Players.RANGE).contains("on lo");

        try (PlayerClient player = PlayerClient.open(page.getPort(), "/udp/" + group + ":" + Players.PORT).read();
                var sender = Multicast.sender()) {
            Multicast.sendNumbered(sender, group, Players.PORT, "to the player ", 10, 100, 100);
            player.awaitBody(1000, Duration.ofSeconds(5));
            String row = "#players tr[data-target='" + group + ":" + Players.PORT + "']";
            @SuppressWarnings("unchecked")
            List<String> cells = new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> {
                Object texts = ((JavascriptExecutor) d).executeScript(
                        "const r = document.querySelector(arguments[0]);"
                                + " return r ? Array.from(r.cells).map(c => c.textContent) : null;", row);
                List<String> c = (List<String>) texts;
                return c != null && c.get(4).equals("10") ? c : null;
            });
            assertThat(cells.get(2)).isEqualTo("joined");
            assertThat(cells.get(3)).as("players").isEqualTo("1");
            assertThat(cells.get(5)).isEqualTo("1000 bytes");
            assertThat(cells.get(8)).contains(player.localAddress()).contains("1000 bytes");
            File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
            Files.createDirectories(Path.of("target/screenshots"));
            Files.copy(shot.toPath(), Path.of("target/screenshots/live-page-players.png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
