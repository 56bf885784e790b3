package cutover.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.worker.TemporalConnection;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The Temporal CLI's conventions (environment, config file, flag; in that order of weakness),
 * completion, help for every command and plan validate's JSON: all in this JVM, no server.
 */
class CliConventionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path home;

  /** The command object picocli filled in for {@code args}, with this environment and home. */
  private <T> T parsed(Map<String, String> environment, String... args) {
    ParseResult result = CutoverCli.commandLine(environment, home).parseArgs(args);
    while (result.hasSubcommand()) {
      result = result.subcommand();
    }
    return result.commandSpec().commandLine().getCommand();
  }

  private record Run(int exitCode, String out, String err) {}

  private Run run(Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = CutoverCli.commandLine(environment, home);
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private Path config(String yaml) throws Exception {
    Path file = home.resolve("cutover.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void aFlagBeatsTheEnvironmentWhichBeatsTheConfigFileWhichBeatsTheDefault() throws Exception {
    Map<String, String> none = Map.of();
    StatusCommand defaults = parsed(none, "status", "r");
    assertEquals(TemporalConnection.DEFAULT_ADDRESS, defaults.temporal.address);
    assertEquals("default", defaults.temporal.namespace);
    assertFalse(defaults.output.json());

    // the default location, ~/.config/cutover/config.yaml
    Path file = home.resolve(".config/cutover/config.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "address: file-host:7233\nnamespace: from-file\nas: file-operator\noutput: json\n");
    StatusCommand fromFile = parsed(none, "status", "r");
    assertEquals("file-host:7233", fromFile.temporal.address);
    assertEquals("from-file", fromFile.temporal.namespace);
    assertTrue(fromFile.output.json());
    OperatorCommands.Approve approve = parsed(none, "approve", "r", "--gate", "g");
    assertEquals("file-operator", approve.as);
    // report's --output is its file: the config's output format does not become a file name
    ReportCommand report = parsed(none, "report", "r");
    assertNull(report.output);

    Map<String, String> environment = Map.of("TEMPORAL_ADDRESS", "env-host:7233", "TEMPORAL_NAMESPACE", "from-env");
    StatusCommand fromEnvironment = parsed(environment, "status", "r");
    assertEquals("env-host:7233", fromEnvironment.temporal.address);
    assertEquals("from-env", fromEnvironment.temporal.namespace);

    StatusCommand fromFlags = parsed(environment, "status", "r", "--address", "flag-host:7233", "--namespace",
        "from-flag", "--output", "text");
    assertEquals("flag-host:7233", fromFlags.temporal.address);
    assertEquals("from-flag", fromFlags.temporal.namespace);
    assertFalse(fromFlags.output.json());
    assertTrue(this.<StatusCommand>parsed(none, "status", "r", "--output", "text", "--json").output.json(),
        "--json stays");

    // CUTOVER_CONFIG names another file, which wins over ~/.config
    Path other = config("address: other-file:7233\n");
    assertEquals("other-file:7233",
        this.<StatusCommand>parsed(Map.of("CUTOVER_CONFIG", other.toString()), "status", "r").temporal.address);
  }

  @Test
  void tlsAndTheApiKeyFromTheEnvironmentAndTheFileReachTheStubsOptions() throws Exception {
    assertNull(TemporalConnection.stubsOptions("h:7233", this.<StatusCommand>parsed(Map.of(), "status", "r")
        .temporal.tlsOptions(), null, null).getSslContext(), "no TLS by default");

    Path file = config("tls-server-name: temporal.internal\ntls-disable-host-verification: true\n");
    Map<String, String> environment = Map.of("CUTOVER_CONFIG", file.toString(), "TEMPORAL_API_KEY", "secret-key",
        "TEMPORAL_ADDRESS", "cloud:7233");
    TemporalOptions options = this.<StatusCommand>parsed(environment, "status", "r").temporal;
    TemporalConnection.Tls tls = options.tlsOptions();
    assertTrue(tls.enabled(), "TLS options and an API key turn TLS on");
    assertEquals("temporal.internal", tls.serverName());
    assertTrue(tls.disableHostVerification());
    assertEquals("secret-key", options.apiKey);
    WorkflowServiceStubsOptions stubs = TemporalConnection.stubsOptions(options.address, tls, options.apiKey, null);
    assertEquals("cloud:7233", stubs.getTarget());
    assertNotNull(stubs.getSslContext());
    assertNotNull(stubs.getChannelInitializer(), "the server name overrides the channel's authority");
    List<String> headers = new ArrayList<>();
    stubs.getGrpcMetadataProviders().forEach(p -> headers.add(p.getMetadata().toString()));
    assertTrue(headers.toString().contains("Bearer secret-key"), headers.toString());

    assertFalse(this.<StatusCommand>parsed(environment, "status", "r", "--tls=false").temporal.tlsOptions().enabled(),
        "--tls=false turns it off");
    assertTrue(this.<StatusCommand>parsed(Map.of("TEMPORAL_TLS", "1"), "status", "r").temporal.tlsOptions().enabled());
    Path ca = home.resolve("ca.pem");
    TemporalOptions paths = this.<StatusCommand>parsed(Map.of("TEMPORAL_TLS_CA", ca.toString(),
        "TEMPORAL_TLS_CLIENT_CERT_PATH", "/c.pem", "TEMPORAL_TLS_KEY", "/k.pem"), "status", "r").temporal;
    assertEquals(ca, paths.tlsCa);
    assertEquals(Path.of("/c.pem"), paths.tlsCert);
    assertEquals(Path.of("/k.pem"), paths.tlsKey);
  }

  @Test
  void aConfigFileWithAnUnknownKeyOrABadValueFailsEveryCommandWithItsPositionAndExitTwo() throws Exception {
    Path file = config("address: h:7233\nadress: typo:7233\noutput: xml\ntls: maybe\nnamespace:\n");
    Run status = run(Map.of("CUTOVER_CONFIG", file.toString()), "status", "r");
    assertEquals(CutoverCli.BAD_INPUT, status.exitCode(), status.out());
    assertTrue(status.err().contains(file + ":2:1: unknown key 'adress' — the keys are address, namespace"),
        status.err());
    assertTrue(status.err().contains(file + ":3:9: 'output' must be text or json, not 'xml'"), status.err());
    assertTrue(status.err().contains(file + ":4:6: 'tls' must be true or false, not 'maybe'"), status.err());
    assertTrue(status.err().contains(file + ":5:11: 'namespace' needs a single value"), status.err());

    Run notAMapping = run(Map.of("CUTOVER_CONFIG", config("- address\n").toString()), "plan", "schema");
    assertEquals(CutoverCli.BAD_INPUT, notAMapping.exitCode());
    assertTrue(notAMapping.err().contains(":1:1: the config file must be a mapping"), notAMapping.err());

    Run missing = run(Map.of("CUTOVER_CONFIG", home.resolve("nope.yaml").toString()), "plan", "schema");
    assertEquals(CutoverCli.BAD_INPUT, missing.exitCode());
    assertTrue(missing.err().contains("CUTOVER_CONFIG names " + home.resolve("nope.yaml") + ", which is not a file"),
        missing.err());
  }

  @Test
  void hintsNameTheAddressAndNamespaceOnlyWhenTheyAreNotTheDefaults() {
    assertEquals("", TemporalOptions.hintFlags(TemporalConnection.DEFAULT_ADDRESS, "default"));
    assertEquals(" --address 127.0.0.1:17233", TemporalOptions.hintFlags("127.0.0.1:17233", "default"));
    assertEquals(" --address h:1 --namespace ns", TemporalOptions.hintFlags("h:1", "ns"));
  }

  @Test
  void completionScriptsNameEveryCommand() {
    for (String shell : List.of("bash", "zsh")) {
      Run completion = run(Map.of(), "completion", shell);
      assertEquals(CutoverCli.OK, completion.exitCode(), completion.err());
      assertTrue(completion.out().contains("complete -F _complete_cutover"), completion.out());
      for (String command : CutoverCli.commandLine(Map.of(), home).getSubcommands().keySet()) {
        assertTrue(completion.out().contains(command), shell + " completion lacks " + command);
      }
      assertTrue(completion.out().contains("--gate"), "options of subcommands too");
    }
    assertEquals(CutoverCli.BAD_INPUT, run(Map.of(), "completion", "fish").exitCode());
  }

  @Test
  void everyCommandAnswersHelpWithExitZeroAndASummaryThatEndsItsSentence() {
    List<String> failures = new ArrayList<>();
    walk(CutoverCli.commandLine(Map.of(), home), new ArrayList<>(), failures);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  private void walk(CommandLine command, List<String> path, List<String> failures) {
    List<String> args = new ArrayList<>(path);
    args.add("--help");
    Run help = run(Map.of(), args.toArray(String[]::new));
    if (help.exitCode() != 0 || !help.out().startsWith("Usage: cutover")) {
      failures.add(String.join(" ", args) + " exit " + help.exitCode() + ": " + help.out() + help.err());
    }
    String[] description = command.getCommandSpec().usageMessage().description();
    if (description.length == 0 || !description[0].strip().matches(".*[.)]$")) {
      failures.add(String.join(" ", path) + ": summary '" + (description.length == 0 ? "" : description[0])
          + "' does not end its sentence");
    }
    command.getSubcommands().forEach((name, sub) -> {
      if (!name.equals("help")) {
        List<String> next = new ArrayList<>(path);
        next.add(name);
        walk(sub, next, failures);
      }
    });
  }

  @Test
  void planValidateJsonGivesThePlanOrEveryProblemWithItsPosition() throws Exception {
    Run valid = run(Map.of(), "plan", "validate", "examples/contract-templates/plan.yaml", "--output", "json");
    assertEquals(CutoverCli.OK, valid.exitCode(), valid.err());
    JsonNode ok = JSON.readTree(valid.out());
    assertTrue(ok.get("valid").asBoolean());
    assertEquals("contract-templates", ok.at("/plan/name").asText());
    assertEquals(6, ok.at("/plan/phases").asInt());
    assertEquals(0, ok.get("problems").size());

    Path plan = home.resolve("bad.yaml");
    Files.writeString(plan, "name: bad\ntarget: demo\nphases:\n  - name: p\n    steps:\n      - id: a\n        kind: nope\n");
    Run invalid = run(Map.of(), "plan", "validate", plan.toString(), "--json");
    assertEquals(CutoverCli.BAD_INPUT, invalid.exitCode(), invalid.out());
    JsonNode bad = JSON.readTree(invalid.out());
    assertFalse(bad.get("valid").asBoolean());
    assertTrue(bad.get("plan").isNull());
    JsonNode problem = bad.get("problems").get(0);
    assertEquals(plan.toString(), problem.get("file").asText());
    assertEquals(7, problem.get("line").asInt());
    assertEquals(15, problem.get("column").asInt());
    assertTrue(problem.get("message").asText().contains("nope"), problem.toString());
    assertEquals("", invalid.err());

    Run text = run(Map.of(), "plan", "validate", plan.toString());
    assertTrue(text.err().contains(plan + ":7:15: "), text.err());
  }

  @Test
  void startHelpWorksDespiteItsRequiredOptions() {
    Run help = run(new HashMap<>(), "start", "--help");
    assertEquals(CutoverCli.OK, help.exitCode(), help.err());
    assertTrue(help.out().contains("--target"), help.out());
    assertTrue(help.out().contains("--version=<version>   a plan hash"), help.out());
  }
}
