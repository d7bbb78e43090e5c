package io.mcastgateway.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.mcastgateway.security.SessionCookies;
import io.mcastgateway.support.Browser;
import io.mcastgateway.support.ReadAndPublishTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The live page against a gateway with read protection and publishing on: it asks for the read token,
 * streams, and sends from its send box with the publish token, seeing its own datagram arrive.
 */
@QuarkusTest
@TestProfile(ReadAndPublishTokens.class)
class LivePageSecuredTest {

    static final String READ = ReadAndPublishTokens.READ;
    static final String PUBLISH = ReadAndPublishTokens.PUBLISH;

    private static WebDriver browser;

    @TestHTTPResource("/")
    URL page;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start("LivePageSecuredTest");
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void shouldAskForTheReadTokenThenStreamAndSendWithThePublishToken() {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        browser.get(page.toString());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("read-token")));
        assertThat(browser.findElement(By.id("connection")).getText()).isEqualTo("locked");

        browser.findElement(By.id("read-token")).sendKeys("not-the-token-0123456789");
        browser.findElement(By.cssSelector("#login-form button")).click();
        wait.until(ExpectedConditions.textToBe(By.id("login-info"), "wrong token"));

        browser.findElement(By.id("read-token")).sendKeys(READ);
        browser.findElement(By.cssSelector("#login-form button")).click();
        wait.until(ExpectedConditions.textToBe(By.id("connection"), "connected"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("channels"), "default: "));
        assertThat(browser.findElement(By.id("login")).isDisplayed()).isFalse();

        String text = "from the page " + UUID.randomUUID();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("send-button")));
        browser.findElement(By.id("send-text")).sendKeys(text);
        browser.findElement(By.id("publish-token")).sendKeys(PUBLISH);
        browser.findElement(By.id("send-button")).click();

        wait.until(ExpectedConditions.textToBe(By.id("send-info"), "sent " + text.length() + " bytes to default"));
        wait.until(d -> payloads().contains(text));
        assertThat(((JavascriptExecutor) browser).executeScript(
                "return sessionStorage.getItem('mcast-gateway.publish-token')")).isEqualTo(PUBLISH);
        assertThat(((JavascriptExecutor) browser).executeScript("return localStorage.length")).isEqualTo(0L);

        // the session cookie is scoped to /api: on a page there it is sent, yet scripts can't read it (HttpOnly)
        browser.get(page.toString() + "api/publish");
        Cookie session = browser.manage().getCookieNamed(SessionCookies.NAME);
        assertThat(session).as("the session cookie is in scope under /api").isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        assertThat(((JavascriptExecutor) browser).executeScript("return document.cookie")).as("HttpOnly cookie")
                .isEqualTo("");
    }

    @SuppressWarnings("unchecked")
    private static List<String> payloads() {
        return (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return [...document.querySelectorAll('#datagrams tbody tr td.payload')].map(td => td.textContent)");
    }
}
