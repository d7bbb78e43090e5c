package io.mcastgateway.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.mcastgateway.sse.EventStreamRoute;
import io.mcastgateway.support.Browser;
import io.mcastgateway.support.Multicast;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The live page in Debian's Chromium (headless), against the running gateway, with datagrams sent
 * to the group on lo. Each scenario leaves a screenshot under target/screenshots/.
 */
@QuarkusTest
class LivePageTest {

    private static final Path SCREENSHOTS = Path.of("target/screenshots");

    private static WebDriver browser;

    @TestHTTPResource("/")
    URL page;

    @Inject
    EventStreamRoute stream;

    private DatagramSocket sender;
    private WebDriverWait wait;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start("LivePageTest");
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void openPage() {
        sender = Multicast.sender();
        wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1200, 900));
        browser.get(page.toString());
        wait.until(ExpectedConditions.textToBe(By.id("connection"), "connected"));
    }

    @AfterEach
    void screenshotAndClose(TestInfo test) throws IOException {
        sender.close();
        Files.createDirectories(SCREENSHOTS);
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(test.getTestMethod().orElseThrow().getName() + ".png"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void shouldShowASentDatagramWithItsSourceAndTextWithinTwoSeconds() {
        String text = "hello browser " + UUID.randomUUID();
        Multicast.send(sender, text);

        Row row = new WebDriverWait(browser, Duration.ofSeconds(2)).until(d -> rowWithPayload(text));
        assertThat(row.source()).isEqualTo("127.0.0.1:" + sender.getLocalPort());
        assertThat(row.bytes()).isEqualTo(String.valueOf(text.length()));
        assertThat(row.channel()).isEqualTo("default 239.255.255.252:23456");
        // the channel list comes from /api/channels
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("channels"), "239.255.255.252:23456 on lo — joined"));
    }

    @Test
    void shouldRenderAnHtmlPayloadAsTextAndRunNoScript() {
        String text = "<img src=x onerror=\"window.__xss=1;alert(1)\"> " + UUID.randomUUID();
        Multicast.send(sender, text);

        // found by its payload text: the markup is shown literally
        Row row = wait.until(d -> rowWithPayload(text));
        assertThat(row).isNotNull();
        assertThat(((JavascriptExecutor) browser).executeScript(
                "return document.querySelectorAll('#datagrams img').length === 0 && window.__xss === undefined"))
                .isEqualTo(true);
        try {
            browser.switchTo().alert();
            throw new AssertionError("the payload opened an alert");
        } catch (NoAlertPresentException expected) {
            // no script ran
        }
    }

    @Test
    void shouldHoldUpdatesWhilePausedAndShowWhatArrivedOnResume() {
        String before = "before pause " + UUID.randomUUID();
        String during = "during pause " + UUID.randomUUID();
        Multicast.send(sender, before);
        wait.until(d -> rowWithPayload(before));

        browser.findElement(By.id("pause")).click();
        assertThat(browser.findElement(By.id("pause")).getText()).isEqualTo("Resume");
        Multicast.send(sender, during);
        // the page has it (counted as new while paused) but does not show it
        wait.until(d -> d.findElement(By.id("paused-info")).getText().matches("[1-9]\\d* new while paused"));
        assertThat(rowWithPayload(during)).isNull();

        browser.findElement(By.id("pause")).click();
        wait.until(d -> rowWithPayload(during));
        assertThat(browser.findElement(By.id("pause")).getText()).isEqualTo("Pause");
    }

    @Test
    void shouldHideRowsThatDoNotMatchTheFilters() {
        String mine = "mine " + UUID.randomUUID();
        String theirs = "theirs " + UUID.randomUUID();
        try (DatagramSocket other = Multicast.sender()) {
            Multicast.send(sender, mine);
            Multicast.send(other, theirs);
            wait.until(d -> rowWithPayload(mine) != null && rowWithPayload(theirs) != null);

            browser.findElement(By.id("source-filter")).sendKeys(":" + sender.getLocalPort());
            wait.until(d -> rowWithPayload(theirs) == null);
            assertThat(rowWithPayload(mine)).isNotNull();
            assertThat(rows()).isNotEmpty().allMatch(r -> r.source().endsWith(":" + sender.getLocalPort()));

            new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("group-filter")))
                    .selectByValue("239.255.255.252");
            assertThat(rowWithPayload(mine)).isNotNull();
            browser.findElement(By.id("clear")).click();
            wait.until(d -> rowWithPayload(mine) == null);
        }
    }

    @Test
    void shouldShowReconnectingThenConnectedAfterTheServerClosesTheStreamWithoutDuplicatingRows() {
        String before = "before close " + UUID.randomUUID();
        Multicast.send(sender, before);
        wait.until(d -> rowWithPayload(before));

        stream.endAll();
        wait.until(ExpectedConditions.textToBe(By.id("connection"), "reconnecting"));
        String whileAway = "while reconnecting " + UUID.randomUUID();
        Multicast.send(sender, whileAway);
        wait.until(ExpectedConditions.textToBe(By.id("connection"), "connected"));
        String after = "after reconnect " + UUID.randomUUID();
        Multicast.send(sender, after);
        wait.until(d -> rowWithPayload(after));

        // replayed with Last-Event-ID: the datagram sent while away is there, and nothing twice
        assertThat(rowWithPayload(whileAway)).isNotNull();
        assertThat(rows()).extracting(Row::id).doesNotHaveDuplicates();
        assertThat(rowsWithPayload(before)).hasSize(1);
    }

    @Test
    void shouldBeUsableAt375PixelsWide() {
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(375, 800));
        String text = "narrow " + UUID.randomUUID();
        Multicast.send(sender, text);
        wait.until(d -> rowWithPayload(text));
        Object pageWidth = ((JavascriptExecutor) browser)
                .executeScript("return document.documentElement.scrollWidth <= window.innerWidth");
        assertThat(pageWidth).as("no horizontal scrolling of the page").isEqualTo(true);
        assertThat(browser.findElement(By.id("pause")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.cssSelector("label input#source-filter")).isDisplayed()).isTrue();
    }

    @Test
    void shouldShowEachSendersLossInTheSourcesTable() {
        try (DatagramSocket sequenced = Multicast.sender()) {
            for (long n = 1; n <= 30; n++) {
                if (n != 10 && n != 20) {
                    Multicast.send(sequenced, "{\"seq\":" + n + ",\"text\":\"page\"}");
                }
            }
            String row = "#sources tr[data-source='127.0.0.1:" + sequenced.getLocalPort() + "'] td";
            wait.until(d -> {
                List<org.openqa.selenium.WebElement> cells = d.findElements(By.cssSelector(row));
                return cells.size() == 14 && cells.get(2).getText().equals("28") && cells.get(4).getText().equals("2");
            });
            List<org.openqa.selenium.WebElement> cells = browser.findElements(By.cssSelector(row));
            assertThat(cells.get(1).getText()).isEqualTo("default");
            assertThat(cells.get(5).getText()).isEqualTo("0"); // duplicated
            assertThat(cells.get(7).getText()).isEqualTo("0"); // restarts
        }
    }

    /** A table row as rendered, read in one script call (the table is rebuilt as events arrive). */
    record Row(String id, String time, String channel, String source, String bytes, String payload) {
    }

    @SuppressWarnings("unchecked")
    private List<Row> rows() {
        List<List<String>> cells = (List<List<String>>) ((JavascriptExecutor) browser).executeScript(
                "return [...document.querySelectorAll('#datagrams tbody tr')]"
                        + ".map(tr => [tr.dataset.id, ...[...tr.cells].map(td => td.textContent)])");
        return cells.stream().map(c -> new Row(c.get(0), c.get(1), c.get(2), c.get(3), c.get(4), c.get(5))).toList();
    }

    private Row rowWithPayload(String text) {
        List<Row> rows = rowsWithPayload(text);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private List<Row> rowsWithPayload(String text) {
        return rows().stream().filter(r -> r.payload().equals(text)).toList();
    }
}
