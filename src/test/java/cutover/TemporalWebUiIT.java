package cutover;

import static cutover.CutoverEndToEndIT.await;
import static cutover.CutoverEndToEndIT.waitingGate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.starter.CutoverCli;
import cutover.testing.TemporalDevServerExtension;
import cutover.worker.DevEnvironment;
import cutover.worker.TemporalDevServer;
import cutover.workflows.CutoverResult;
import cutover.workflows.RunState;
import io.temporal.client.WorkflowFailedException;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Temporal Web UI of {@code temporal server start-dev}, in headless Chromium driven by Selenium
 * (Debian's chromium and chromedriver): a person's "Start Workflow" with the JSON input, the run on
 * the embedded PostgreSQL, its gate approved from the CLI, its page showing it Completed and its
 * search attributes; and a bad input typed in the form failing the run readably. A screenshot of
 * every page visited goes to {@code target/webui-screenshots/}.
 */
class TemporalWebUiIT {
  static final Path SCREENSHOTS = Path.of("target", "webui-screenshots");

  @RegisterExtension
  static final TemporalDevServerExtension temporal = new TemporalDevServerExtension(true);

  static DevEnvironment dev;
  static ChromeDriver browser;

  @BeforeAll
  static void upWithABrowser() throws Exception {
    String chromedriver = executable("/usr/bin/chromedriver", "chromium-driver");
    String chromium = executable("/usr/bin/chromium", "chromium");
    Files.createDirectories(SCREENSHOTS);
    dev = DevEnvironment.start(temporal.server(), null, false);
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(dev.demoTarget().jdbcUrl(), dev.demoTarget().user(),
        dev.demoTarget().password()); java.sql.Statement s = c.createStatement()) {
      s.execute(DevEnvironment.exampleFile(CutoverEndToEndIT.EXAMPLE, "workload.schema.sql"));
      s.execute(DevEnvironment.exampleFile(CutoverEndToEndIT.EXAMPLE, "workload.data.sql"));
    }
    StringWriter pushed = new StringWriter();
    assertEquals(0, CutoverCli.commandLine().setOut(new PrintWriter(pushed)).execute("plan", "push",
        "examples/contract-templates/workload.plan.yaml", "--address", dev.address()), pushed.toString());

    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1400,1400", "--no-first-run", "--disable-background-networking", "--disable-component-update");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(chromedriver))
        .usingAnyFreePort()
        .withLogFile(SCREENSHOTS.resolve("chromedriver.log").toFile())
        .build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void down() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (dev != null) {
      dev.close();
    }
  }

  @Test
  void aCutoverStartedFromTheStartWorkflowFormCompletesAndShowsItsSearchAttributes() throws Exception {
    TemporalDevServer server = dev.devServer();
    String run = "ui-ct-1";
    startFromTheForm(run, "{\"plan\":\"contract-templates\",\"target\":\"demo\"}", "ok");

    await("the go/no-go gate", Duration.ofSeconds(120), () -> waitingGate(dev.connection().client(), run) != null);
    StringWriter approved = new StringWriter();
    assertEquals(0, CutoverCli.commandLine().setOut(new PrintWriter(approved)).execute("approve", run, "--gate",
        "go-no-go", "--as", "dba-on-call", "--comment", "parity is clean", "--address", dev.address()),
        approved.toString());
    CutoverResult result = dev.connection().client().newUntypedWorkflowStub(run).getResult(CutoverResult.class);
    assertEquals(RunState.COMPLETED, result.state());

    browser.get(server.workflowUrl(run));
    awaitText("Completed", Duration.ofSeconds(30));
    shot("ok-4-workflow-completed");
    // "Search Attributes" is a tab of the workflow's page.
    waitFor(By.xpath("//*[normalize-space()='Search Attributes'][not(*[normalize-space()='Search Attributes'])]"))
        .click();
    awaitText("CutoverTarget", Duration.ofSeconds(10));
    shot("ok-5-workflow-search-attributes");
    String page = bodyText();
    for (String attribute : List.of("CutoverRun", "CutoverPlan", "CutoverTarget", "CutoverState")) {
      assertTrue(page.contains(attribute), "the workflow's page shows search attribute " + attribute);
    }
    assertTrue(page.contains("completed") && page.contains("contract-templates"), page);

    browser.get(server.uiUrl() + "/namespaces/default/workflows?query="
        + java.net.URLEncoder.encode("CutoverTarget = \"demo\"", java.nio.charset.StandardCharsets.UTF_8));
    awaitText(run, Duration.ofSeconds(30));
    shot("ok-6-workflows-by-search-attribute");
  }

  @Test
  void aBadInputTypedInTheFormFailsTheRunReadably() throws Exception {
    String run = "ui-bad-input";
    startFromTheForm(run, "{\"plan\":{\"name\":\"contract-templates\"},\"target\":\"demo\"}", "bad");
    WorkflowFailedException failure = assertThrows(WorkflowFailedException.class,
        () -> dev.connection().client().newUntypedWorkflowStub(run).getResult(Duration.ofSeconds(60).toMillis(),
            java.util.concurrent.TimeUnit.MILLISECONDS, CutoverResult.class));
    StringBuilder message = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      message.append(t.getMessage()).append('\n');
    }
    assertTrue(message.toString().contains("plan"), message.toString());
    browser.get(dev.devServer().workflowUrl(run));
    awaitText("Failed", Duration.ofSeconds(30));
    shot("bad-4-workflow-failed");
  }

  /** Workflows page, its "Start Workflow" button, the form filled as a person does, submitted. */
  private static void startFromTheForm(String workflowId, String json, String shotPrefix) throws Exception {
    TemporalDevServer server = dev.devServer();
    browser.get(server.uiUrl() + "/namespaces/default/workflows");
    WebElement start = waitFor(By.xpath("//a[normalize-space()='Start Workflow']"));
    shot(shotPrefix + "-1-workflows");
    start.click();
    WebElement id = waitFor(By.cssSelector("input[data-testid='workflowId']"));
    shot(shotPrefix + "-2-start-form");
    id.sendKeys(workflowId);
    browser.findElement(By.cssSelector("input[data-testid='taskQueue']")).sendKeys("cutover");
    browser.findElement(By.cssSelector("input[data-testid='workflowType']")).sendKeys("Cutover");
    WebElement editor = browser.findElement(By.cssSelector("[contenteditable='true'][aria-label='Data']"));
    editor.click();
    // As pasted: typed key by key, the editor's auto-closing brackets would add to the JSON.
    ((JavascriptExecutor) browser).executeScript("document.execCommand('insertText', false, arguments[0]);", json);
    assertEquals(json, editor.getText().replaceAll("\\s*\\n\\s*", ""), "the input editor holds the JSON");
    // Leaving the editor reformats the JSON and moves the form: done before reaching for the button.
    browser.findElement(By.cssSelector("input[data-testid='workflowType']")).click();
    Thread.sleep(500);
    WebElement plain = browser.findElement(By.id("json/plain"));
    if (!plain.isSelected()) {
      browser.findElement(By.xpath("//label[.//input[@id='json/plain']]")).click();
    }
    shot(shotPrefix + "-3-start-form-filled");
    WebElement submit = new WebDriverWait(browser, Duration.ofSeconds(10)).until(
        ExpectedConditions.elementToBeClickable(By.cssSelector("button[data-testid='start-workflow-button']")));
    ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'});", submit);
    submit.click();
    Thread.sleep(2000); // let the UI answer before the screenshot
    shot(shotPrefix + "-3b-submitted");
    await("the workflow started from the form", Duration.ofSeconds(30), () -> {
      try {
        dev.connection().client().newUntypedWorkflowStub(workflowId).describe();
        return true;
      } catch (RuntimeException notYet) {
        return false;
      }
    });
  }

  private static WebElement waitFor(By by) {
    return new WebDriverWait(browser, Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  /** Waits for a text on the page, in any case (the UI shows states in capitals), reloading now and then. */
  private static void awaitText(String text, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    int waited = 0;
    while (!bodyText().toLowerCase(java.util.Locale.ROOT).contains(text.toLowerCase(java.util.Locale.ROOT))) {
      if (System.nanoTime() > deadline) {
        shot("timeout-" + text.replaceAll("\\W", "_"));
        throw new AssertionError("the page " + browser.getCurrentUrl() + " never showed " + text + "; it shows:\n"
            + bodyText());
      }
      Thread.sleep(250);
      if (++waited % 20 == 0) {
        browser.navigate().refresh();
      }
    }
  }

  private static String bodyText() {
    try {
      return browser.findElement(By.tagName("body")).getText();
    } catch (RuntimeException loading) {
      return "";
    }
  }

  private static void shot(String name) throws Exception {
    Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve(name + ".png"),
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** A Debian package's binary; skipped when absent outside CI, required with CI=true. */
  private static String executable(String path, String debianPackage) {
    if (Files.isExecutable(Path.of(path))) {
      return path;
    }
    String message = path + " is not installed (apt-get install -y " + debianPackage + ")";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("CI=true but " + message + "; .ci/run installs it");
    }
    Assumptions.assumeTrue(false, message + " — skipping the Web UI test");
    return null;
  }
}
