package io.mcastgateway.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.mcastgateway.support.Browser;
import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.TwoChannels;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The live page with several channels: the list with each one's state, and the channel filter. */
@QuarkusTest
@TestProfile(TwoChannels.class)
class LivePageChannelsTest {

    private static WebDriver browser;

    @TestHTTPResource("/")
    URL page;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start("LivePageChannelsTest");
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void shouldListEveryChannelWithItsStateAndShowOnlyTheChosenChannelsDatagrams() {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        browser.get(page.toString());
        wait.until(ExpectedConditions.textToBe(By.id("connection"), "connected"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("channels"),
                "alpha: " + TwoChannels.ALPHA + ":" + TwoChannels.PORT + " on lo — joined"));
        assertThat(browser.findElement(By.id("channels")).getText())
                .contains("beta: " + TwoChannels.BETA + ":" + TwoChannels.PORT + " on lo — joined")
                .contains("ssm: " + TwoChannels.SSM + ":" + TwoChannels.PORT + " from 127.0.0.1 on lo — joined");

        String id = UUID.randomUUID().toString();
        try (DatagramSocket sender = Multicast.sender()) {
            Multicast.sendTo(sender, ("to alpha " + id).getBytes(StandardCharsets.UTF_8), TwoChannels.ALPHA,
                    TwoChannels.PORT);
            Multicast.sendTo(sender, ("to beta " + id).getBytes(StandardCharsets.UTF_8), TwoChannels.BETA,
                    TwoChannels.PORT);
        }
        wait.until(d -> payloads(id).size() == 2);

        new Select(browser.findElement(By.id("channel-filter"))).selectByValue("beta");
        wait.until(d -> payloads(id).equals(List.of("to beta " + id)));
        new Select(browser.findElement(By.id("channel-filter"))).selectByValue("");
        wait.until(d -> payloads(id).size() == 2);
    }

    @SuppressWarnings("unchecked")
    private static List<String> payloads(String id) {
        List<String> all = (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return [...document.querySelectorAll('#datagrams tbody tr td.payload')].map(td => td.textContent)");
        return all.stream().filter(p -> p.endsWith(id)).toList();
    }
}
