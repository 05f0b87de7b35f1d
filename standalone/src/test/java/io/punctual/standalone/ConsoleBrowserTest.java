package io.punctual.standalone;

import io.punctual.kernel.config.ConfigKeys;
import io.punctual.testkit.CapturedLogs;
import io.punctual.testkit.LettaStandIn;
import io.punctual.testkit.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web console in a real browser (Debian's chromium, headless, through its chromedriver) against the whole of
 * Punctual in one JVM: embedded broker and registry, planner, executor, gateway, and a Letta stand-in that knows
 * two keys. Without chromium the tests are skipped, unless {@code PUNCTUAL_BROWSER_TESTS=required} (CI) makes
 * that a failure.
 */
class ConsoleBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    /** The browser's own zone, so the console shows two zones that change clocks on different days. */
    private static final String VIEWER_ZONE = "America/New_York";
    private static final String KEY_A = "sk-let-console-a-" + UUID.randomUUID();
    private static final String KEY_B = "sk-let-console-b-" + UUID.randomUUID();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The console needs no DevTools protocol; Selenium's warning that it has none for this chromium is noise. Held so they stay configured. */
    private static final List<Logger> QUIET = List.of(
            Logger.getLogger("org.openqa.selenium.devtools"), Logger.getLogger("org.openqa.selenium.chromium"));

    private static LettaStandIn letta;
    private static Standalone punctual;
    private static WebDriver browser;
    private static Path profile;

    @BeforeAll
    static void start() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "required".equals(System.getenv("PUNCTUAL_BROWSER_TESTS"))) {
            throw new IllegalStateException("chromium and chromium-driver are required: apt-get install -y chromium chromium-driver");
        }
        Assumptions.assumeTrue(present, "no /usr/bin/chromium or /usr/bin/chromedriver: apt-get install -y chromium chromium-driver");
        letta = new LettaStandIn().acceptKey(KEY_A).acceptKey(KEY_B).acceptOnlyKnownKeys();
        Path data = Files.createTempDirectory("punctual-console");
        punctual = Standalone.start(new StandaloneConfig(data, 0, 0, 0, letta.baseUrl(),
                Map.of(ConfigKeys.PLANNER_COMMIT_INTERVAL, "20ms")));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                HTTP.send(HttpRequest.newBuilder(URI.create(punctual.baseUrl() + "/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);

        profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1366,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withEnvironment(Map.of("TZ", VIEWER_ZONE))
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (punctual != null) {
            punctual.close();
        }
        if (letta != null) {
            letta.close();
        }
    }

    @BeforeEach
    void signedOut() {
        browser.get(punctual.baseUrl() + "/console/");
        ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
    }

    @Test
    void cronScheduleInADstZoneIsPreviewedTriggeredPausedAndResumed() throws Exception {
        signIn(KEY_A);
        assertThat(browser.manage().getCookies()).isEmpty();

        click(By.linkText("New schedule"));
        type("agent_id", "agent-console-1");
        type("messages", "Monthly <b>report</b> & \"review\"");
        // Sundays in March at 02:30, Berlin time: every year's list crosses the spring-forward Sunday, when 02:30
        // does not exist and the planner fires at 03:00 CEST.
        type("schedule.expression", "30 2 * 3 0");
        type("schedule.timezone", "Europe/Berlin");
        type("labels", "team=ops");
        WebElement springForward = waitFor(By.xpath("//table[@id='preview-fires']//tr[contains(., 'Clocks go forward')]"));
        assertThat(springForward.getText()).contains("03:00:00 CEST").contains("(+01:00 → +02:00)");
        assertThat(text(By.id("cadence-words"))).isEqualTo("every Sunday in March at 02:30, Europe/Berlin");
        screenshot("console-new-schedule");

        click(By.id("save"));
        WebElement idElement = waitFor(By.id("schedule-id"));
        String id = idElement.getText();
        assertThat(id).startsWith("sch_");
        assertThat(text(By.id("status"))).isEqualTo("active");
        // The message went through textContent: it is shown as typed, not parsed as markup.
        assertThat(browser.getPageSource()).doesNotContain("<b>report</b>");
        assertThat(text(By.tagName("main"))).contains("Monthly <b>report</b> & \"review\"");
        WebElement dstRow = waitFor(By.xpath("//table[@id='next-fires']//tr[contains(., 'Clocks go forward')]"));
        assertThat(dstRow.getText()).contains("03:00:00 CEST").contains("(Europe/Berlin)").contains("(" + VIEWER_ZONE + ")");
        assertThat(browser.findElements(By.cssSelector("#next-fires tbody tr"))).hasSize(10);

        click(By.id("trigger"));
        RecordedRequest delivery = letta.awaitMessages("agent-console-1", 1, Duration.ofSeconds(30)).get(0);
        WebElement runId = waitFor(By.xpath("//table[@id='runs']//td[contains(@class, 'letta-run-id') and normalize-space(.)='" + delivery.runId() + "']"));
        assertThat(runId.findElement(By.xpath("./ancestor::tr")).getText()).contains("delivered").contains("manual trigger");
        // The executor follows the run to its end; the page shows it once recorded (the page refreshes its runs).
        waitFor(By.xpath("//table[@id='runs']//tr[td[contains(@class, 'letta-run-id') and normalize-space(.)='" + delivery.runId()
                + "']]/td[contains(@class, 'letta-run-status') and contains(., 'completed')]"));
        screenshot("console-schedule");

        click(By.id("pause"));
        type(By.id("dialog-note"), "holidays");
        click(By.id("dialog-confirm"));
        await().atMost(Duration.ofSeconds(15)).until(() -> text(By.id("status")).equals("paused"));
        assertThat(text(By.id("paused-note"))).contains("holidays");
        click(By.id("resume"));
        await().atMost(Duration.ofSeconds(15)).until(() -> text(By.id("status")).equals("active"));

        // Company for the list: an interval and a paused schedule.
        createThroughApi(KEY_A, "agent-digest", "\"schedule\": {\"type\": \"interval\", \"every\": \"15m\"}, \"labels\": {\"team\": \"ops\"}");
        createThroughApi(KEY_A, "agent-weekly", "\"schedule\": {\"type\": \"cron\", \"expression\": \"0 17 * * 5\", \"timezone\": \"Asia/Tokyo\"},"
                + " \"paused\": true, \"paused_note\": \"holidays\"");
        click(By.linkText("Schedules"));
        WebElement row = waitFor(By.cssSelector("#schedules tr[data-id='" + id + "']"));
        assertThat(row.getText()).contains("active").contains("Letta agent agent-console-1")
                .contains("every Sunday in March at 02:30, Europe/Berlin").contains("team=ops");
        waitFor(By.xpath("//table[@id='schedules']//tr[contains(., 'agent-weekly') and contains(., 'paused') and contains(., 'every Friday at 17:00, Asia/Tokyo')]"));
        screenshot("console-schedules");

        new Select(browser.findElement(By.name("status"))).selectByValue("paused");
        click(By.xpath("//form[@role='search']//button"));
        await().atMost(Duration.ofSeconds(15)).until(() -> browser.findElements(By.cssSelector("#schedules tbody tr[data-id]")).size() == 1
                && text(By.cssSelector("#schedules tbody")).contains("agent-weekly"));
        type("agent_id", "agent-console-1");
        new Select(browser.findElement(By.name("status"))).selectByValue("");
        click(By.xpath("//form[@role='search']//button"));
        await().atMost(Duration.ofSeconds(15)).until(() -> browser.findElements(By.cssSelector("#schedules tbody tr[data-id]")).size() == 1
                && text(By.cssSelector("#schedules tbody")).contains(id));

        // The key went only where it belongs: not into the address, a cookie or a log line.
        assertThat(browser.getCurrentUrl()).doesNotContain(KEY_A);
        assertThat(browser.manage().getCookies()).isEmpty();
        assertThat(CapturedLogs.lines()).isNotEmpty().noneMatch(line -> line.contains(KEY_A));
    }

    @Test
    void aValidationErrorIsShownAtItsField() throws Exception {
        signIn(KEY_A);
        click(By.linkText("New schedule"));
        type("agent_id", "agent-console-2");
        type("messages", "hello");
        type("schedule.expression", "61 * * * *");
        WebElement error = waitFor(By.cssSelector("[data-error-for='schedule.expression']:not(:empty)"));
        assertThat(error.getText()).isNotBlank();
        assertThat(browser.findElement(By.name("schedule.expression")).getAttribute("aria-invalid")).isEqualTo("true");
        click(By.id("save"));
        // The save answers asynchronously (the API refuses it): wait for the problem to be shown.
        await().atMost(Duration.ofSeconds(10)).until(() -> text(By.id("form-problem")).contains("schedule.expression"));
        screenshot("console-validation");
        type("schedule.expression", "*/10 * * * *");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector("[data-error-for='schedule.expression']:not(:empty)")).isEmpty());
    }

    @Test
    void aSaveAfterSomeoneElsesChangeSaysSoAndASaveOfTheCurrentVersionWorks() throws Exception {
        String id = createThroughApi(KEY_A, "agent-console-3");
        signIn(KEY_A);
        browser.get(punctual.baseUrl() + "/console/#/schedule/" + id + "/edit");
        waitFor(By.name("jitter"));
        HttpResponse<String> other = HTTP.send(HttpRequest.newBuilder(URI.create(punctual.baseUrl() + "/v1/schedules/" + id))
                .header("Authorization", "Bearer " + KEY_A).header("Content-Type", "application/merge-patch+json").header("If-Match", "\"1\"")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"jitter\": \"5s\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
        type("jitter", "10s");
        click(By.id("save"));
        assertThat(waitFor(By.id("conflict")).getText()).contains("Someone else changed this schedule");

        click(By.linkText("Open the current version"));
        click(By.id("edit"));
        assertThat(waitFor(By.name("jitter")).getAttribute("value")).isEqualTo("5s");
        type("jitter", "10s");
        click(By.id("save"));
        await().atMost(Duration.ofSeconds(15)).until(() -> text(By.id("flash")).contains("Saved."));
        // The flash is shown as the detail view starts loading; its spec list follows when the read answers.
        await().atMost(Duration.ofSeconds(15)).until(() -> text(By.cssSelector("dl.spec")).contains("Version\n3"));
        assertThat(text(By.cssSelector("dl.spec"))).contains("Jitter\n10s").contains("Version\n3");

        click(By.id("delete"));
        click(By.id("dialog-confirm"));
        await().atMost(Duration.ofSeconds(15)).until(() -> text(By.id("flash")).contains("Deleted schedule " + id));
        assertThat(browser.findElements(By.cssSelector("#schedules tr[data-id='" + id + "']"))).isEmpty();
    }

    @Test
    void anotherTenantSeesNothingOfTheFirstAndPagesThroughItsOwn() throws Exception {
        String id = createThroughApi(KEY_A, "agent-console-4");
        signIn(KEY_B);
        waitFor(By.xpath("//table[@id='schedules']//td[contains(., 'No schedules here.')]"));
        browser.get(punctual.baseUrl() + "/console/#/schedule/" + id);
        await().atMost(Duration.ofSeconds(10)).until(() -> text(By.id("flash")).contains("No schedule " + id + " exists for this API key"));
        assertThat(browser.findElements(By.id("schedule-id"))).isEmpty();
        assertThat(browser.getPageSource()).doesNotContain("agent-console-4");

        // Cursor paging: more schedules than a page holds, every one reached by following "Next page".
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 27; i++) {
            created.add(createThroughApi(KEY_B, "agent-page-" + i));
        }
        click(By.linkText("Schedules"));
        Set<String> seen = new HashSet<>();
        for (int page = 1; ; page++) {
            String pageLabel = "Page " + page;
            await().atMost(Duration.ofSeconds(15)).until(() -> text(By.cssSelector(".pager")).contains(pageLabel));
            browser.findElements(By.cssSelector("#schedules tbody tr[data-id]")).forEach(row -> seen.add(row.getAttribute("data-id")));
            if (browser.findElements(By.id("next-page")).isEmpty()) {
                break;
            }
            assertThat(page).isLessThan(10);
            click(By.id("next-page"));
        }
        assertThat(seen).isEqualTo(created);

        click(By.id("sign-out"));
        waitFor(By.id("sign-in-button"));
        assertThat(((JavascriptExecutor) browser).executeScript("return sessionStorage.length")).isEqualTo(0L);
    }

    private static String createThroughApi(String key, String agent) throws Exception {
        return createThroughApi(key, agent, "\"schedule\": {\"type\": \"cron\", \"expression\": \"0 9 * * 1-5\", \"timezone\": \"Europe/Berlin\"}");
    }

    private static String createThroughApi(String key, String agent, String rest) throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(punctual.baseUrl() + "/v1/schedules"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"agent_id\": \"" + agent + "\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], "
                        + rest + "}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String body = created.body();
        int at = body.indexOf("\"id\":\"") + 6;
        return body.substring(at, body.indexOf('"', at));
    }

    private static void signIn(String key) {
        type(By.name("api_key"), key);
        click(By.id("sign-in-button"));
        waitFor(By.id("schedules"));
        assertThat(browser.getCurrentUrl()).doesNotContain(key);
    }

    private static WebElement waitFor(By by) {
        return new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private static void click(By by) {
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.elementToBeClickable(by)).click();
    }

    private static void type(String name, String value) {
        type(By.name(name), value);
    }

    private static void type(By by, String value) {
        WebElement input = waitFor(by);
        input.clear();
        input.sendKeys(value);
    }

    /** The element's text, or "" while it is absent or being replaced by a re-render. */
    private static String text(By by) {
        try {
            List<WebElement> found = browser.findElements(by);
            return found.isEmpty() ? "" : found.get(0).getText();
        } catch (StaleElementReferenceException e) {
            return "";
        }
    }

    /** The whole page (up to a limit) from its top, for docs/: the README shows these. */
    private static void screenshot(String name) throws Exception {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        long height = Math.min(2200, (Long) js.executeScript("return document.documentElement.scrollHeight"));
        Dimension before = browser.manage().window().getSize();
        browser.manage().window().setSize(new Dimension(before.getWidth(), (int) height + 140));
        js.executeScript("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()");
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        browser.manage().window().setSize(before);
    }

    static {
        // Selenium Manager would try to download a browser or driver; the paths above are all it may use.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        QUIET.forEach(logger -> logger.setLevel(Level.OFF));
    }
}
