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
import org.openqa.selenium.support.ui.WebDriverWait;

import io.mcastgateway.support.Browser;
import io.mcastgateway.support.JwtKeys;
import io.mcastgateway.support.Multicast;
import io.mcastgateway.support.TwoChannels;
import io.mcastgateway.support.TwoChannelsWithJwt;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;

/**
 * The live page with a JWT in Chromium: the token typed in once buys the session, the page lists and
 * shows only the channel its claim names, and when the token expires the page asks again.
 */
@QuarkusTest
@TestProfile(TwoChannelsWithJwt.class)
class LivePageJwtTest {

    private static WebDriver browser;

    @TestHTTPResource("/")
    URL page;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start("LivePageJwtTest");
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void shouldWatchOnlyTheClaimedChannelWithAJwtAndAskAgainWhenItExpires() {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        browser.get(page.toString());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("read-token")));
        // made once the page asks for it, so the token's life is spent on what it is for
        String jwt = Jwt.issuer(JwtKeys.ISSUER).subject("viewer").claim("mcast.subscribe", List.of("alpha"))
                .expiresIn(8).sign(JwtKeys.privateKey());
        browser.findElement(By.id("read-token")).sendKeys(jwt);
        browser.findElement(By.cssSelector("#login-form button")).click();
        wait.until(ExpectedConditions.textToBe(By.id("connection"), "connected"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("channels"), "alpha: "));
        assertThat(browser.findElement(By.id("channels")).getText()).doesNotContain("beta", "ssm");

        String id = UUID.randomUUID().toString();
        try (DatagramSocket sender = Multicast.sender()) {
            Multicast.sendTo(sender, ("to beta " + id).getBytes(StandardCharsets.UTF_8), TwoChannels.BETA, TwoChannels.PORT);
            Multicast.sendTo(sender, ("to alpha " + id).getBytes(StandardCharsets.UTF_8), TwoChannels.ALPHA,
                    TwoChannels.PORT);
        }
        wait.until(d -> payloads(id).contains("to alpha " + id));
        assertThat(payloads(id)).containsExactly("to alpha " + id);

        // the token's end ends the stream; the reconnect is refused and the page asks for a credential again
        new WebDriverWait(browser, Duration.ofSeconds(30))
                .until(ExpectedConditions.textToBe(By.id("connection"), "locked"));
        assertThat(browser.findElement(By.id("login")).isDisplayed()).isTrue();
    }

    @SuppressWarnings("unchecked")
    private static List<String> payloads(String id) {
        List<String> all = (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return [...document.querySelectorAll('#datagrams tbody tr td.payload')].map(td => td.textContent)");
        return all.stream().filter(p -> p.endsWith(id)).toList();
    }
}
