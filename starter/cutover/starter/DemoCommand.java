package cutover.starter;

import cutover.activities.PlanPushResult;
import cutover.activities.steps.StepKinds;
import cutover.activities.steps.StepState;
import cutover.activities.steps.approval.ApprovalSigners;
import cutover.activities.steps.check.CheckSpec;
import cutover.activities.steps.wait.PlanInstant;
import cutover.activities.steps.wait.WaitSpec;
import cutover.activities.steps.soak.SoakSpec;
import cutover.plan.InvalidPlanException;
import cutover.plan.Plan;
import cutover.plan.PlanParser;
import cutover.worker.DevEnvironment;
import cutover.worker.ExampleTargets;
import cutover.worker.TemporalConnection;
import cutover.worker.TemporalDevServer;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.CutoverPhaseWorkflow;
import cutover.workflows.CutoverRequest;
import cutover.workflows.CutoverResult;
import cutover.workflows.CutoverStatus;
import cutover.workflows.CutoverWorkflow;
import cutover.workflows.DecisionView;
import cutover.workflows.GateDecision;
import cutover.workflows.OperatorSignal;
import cutover.workflows.PhaseResult;
import cutover.workflows.RunState;
import cutover.workflows.StepView;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * An example of {@code examples/NAME/} (by default the contract-template split of Alga PSA's
 * runbook), in miniature, on the embedded default: everything a person would do, done through
 * Temporal as a person's CLI would. The demo approves every gate and skips every wait and soak,
 * saying so each time.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run an example cutover (examples/NAME/) end to end on the embedded default"
        + " (on the Temporal CLI's dev server when `temporal` is on PATH). It approves every gate and skips"
        + " long waits (wait, soak), and says so.")
final class DemoCommand implements Callable<Integer> {
  static final String EXAMPLE = "contract-templates";
  static final String APPROVER = "cutover-demo";

  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", defaultValue = EXAMPLE,
      description = "the example, a folder of examples/: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})",
      completionCandidates = Examples.class)
  String example = EXAMPLE;

  @Option(names = "--report", paramLabel = "FILE", defaultValue = "cutover-report.html",
      description = "where to write the run's HTML report (default: ${DEFAULT-VALUE} in the working directory)")
  Path report = Path.of("cutover-report.html");

  private final Map<String, StepState> printedStates = new HashMap<>();
  private final Set<String> skippedWaits = new HashSet<>();
  /** The plan's soaks checked more often than hourly, whose checks wait in real time in an activity. */
  private final Set<String> soaks = new HashSet<>();
  /** The columns of phase and step names: the default example's widths, the longest names' in other examples. */
  private String columns = "%-10s %-28s";

  @Option(names = "--temporal", defaultValue = "auto", paramLabel = "auto|test-server|PATH",
      description = "which Temporal server: auto (the Temporal CLI if on PATH, else Java's test server), test-server,"
          + " or the path of the `temporal` binary (default: ${DEFAULT-VALUE})")
  String temporal = "auto";

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Optional<Examples.Example> chosen = Examples.find(example);
    if (chosen.isEmpty()) {
      spec.commandLine().getErr().printf("there is no example '%s': the examples are %s%n", example,
          String.join(", ", Examples.names()));
      return CutoverCli.BAD_INPUT;
    }
    boolean allowCommands = chosen.get().hasCommands();
    Optional<Path> binary;
    try {
      binary = TemporalDevServer.resolve(temporal);
    } catch (IllegalArgumentException bad) {
      spec.commandLine().getErr().println(bad.getMessage());
      return CutoverCli.BAD_INPUT;
    }
    long began = System.nanoTime();
    if (binary.isEmpty() && temporal.equals("auto")) {
      out.println("Java's test server here (no Web UI): the Temporal Web UI needs the Temporal CLI: "
          + TemporalDevServer.HOW_TO_INSTALL);
    }
    out.printf("starting %s, an embedded PostgreSQL and a worker ...%n",
        binary.isPresent() ? "the Temporal CLI's dev server" : "Temporal's test server");
    out.flush();
    Path state = binary.isPresent() ? Files.createTempDirectory("cutover-demo") : null;
    try (ExampleTargets others = ExampleTargets.start(example);
        DevEnvironment dev = binary.isPresent()
        ? DevEnvironment.start(TemporalDevServer.start(binary.get(), TemporalDevServer.freePort(),
            TemporalDevServer.freePort(), state.resolve("temporal.db"), state.resolve("temporal.log")), null,
            others.targets(), allowCommands, ApprovalSigners.NONE)
        : DevEnvironment.start(TemporalDevServer.freePort(), others.targets(), allowCommands, ApprovalSigners.NONE);
        Examples.Scripts scripts = chosen.get().scriptsInWorkingDirectory()) {
      out.printf("  Temporal at %s, target demo on 127.0.0.1:%d (%.1f s)%n", dev.address(), dev.postgresPort(),
          seconds(began));
      for (ExampleTargets.Declared other : ExampleTargets.declared(example)) {
        out.printf("  target %s on a second embedded PostgreSQL, 127.0.0.1:%d, loaded with %s%s%n", other.name(),
            others.port(), String.join(", ", other.sqlFiles().stream().map(f -> "examples/" + example + "/" + f).toList()),
            other.serve() ? "" : " (the plan only reads it)");
      }
      if (dev.devServer() != null) {
        out.printf("  the run in the Temporal Web UI, while the demo runs: %s%n",
            dev.devServer().workflowUrl(example + "-demo"));
      }
      if (allowCommands) {
        out.printf("  the worker runs command steps (as with --allow-commands): this plan's gates run the example's"
            + " stand-in scripts%s%n", scripts.written().isEmpty() ? ""
            : ", written to " + scripts.folder() + " in the working directory for the demo and removed after it");
      }
      return run(dev, out, spec.commandLine().getErr(), began);
    } finally {
      if (state != null) {
        deleteTree(state);
      }
    }
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  /** The demo on a running embedded environment, ending with the report written to {@link #report}. */
  int run(DevEnvironment dev, PrintWriter out, PrintWriter err, long began) throws Exception {
    {
      long loading = System.nanoTime();
      Plan plan = Examples.find(example).orElseThrow().plan();
      if (!example.equals(EXAMPLE)) {
        columns = "%-" + width(plan, true, 10) + "s %-" + width(plan, false, 28) + "s";
      }
      plan.phases().forEach(phase -> phase.steps().stream()
          .filter(step -> step.spec() instanceof SoakSpec soak && soak.checksWaitInsideAnActivity())
          .forEach(step -> soaks.add(step.id())));
      dev.loadExample(example);
      out.printf("loaded the legacy schema and data of examples/%s (%.1f s): %s%n", example, seconds(loading),
          example.equals(EXAMPLE) ? legacyCounts(dev) : tableCounts(dev));
      TemporalConnection connection = dev.connection();
      PlanPushResult pushed = PlanCommand.Push.push(connection, DevEnvironment.exampleFile(example, "plan.yaml"),
          "examples/" + example + "/plan.yaml", null, Operators.who(null));
      if (!pushed.problems().isEmpty()) {
        pushed.problems().forEach(err::println);
        return CutoverCli.FAILED;
      }
      out.printf("pushed plan %s version %s%n", pushed.name(), pushed.hash().substring(0, 12));

      String run = example + "-demo";
      String instant = instantFor(plan, out);
      boolean allowFixes = plan.phases().stream().flatMap(p -> p.steps().stream())
          .anyMatch(s -> s.spec() instanceof CheckSpec check && check.fix() != null);
      if (allowFixes) {
        out.println("the plan's checks have fix: SQL: the demo starts the run with --allow-fixes");
      }
      CutoverWorkflow cutover = connection.client().newWorkflowStub(CutoverWorkflow.class, WorkflowOptions.newBuilder()
          .setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId(run).build());
      WorkflowClient.start(cutover::run, new CutoverRequest(pushed.name(), DevEnvironment.DEMO_TARGET, null, null,
          Operators.who(null), allowFixes, instant));
      out.printf("started run %s (workflow Cutover, task queue cutover)%n", run);
      out.flush();
      while (StartCommand.isRunning(connection, run)) {
        follow(connection, run, out);
        Thread.sleep(100);
      }
      CutoverResult finished = WorkflowStub.fromTyped(cutover).getResult(CutoverResult.class);
      follow(connection, run, out);
      summarize(finished, connection, dev, out, seconds(began), example.equals(EXAMPLE), columns);
      Path written = ReportCommand.writeHtml(connection, run, DevEnvironment.DEMO_TARGET, report);
      out.println("report: " + written);
      out.flush();
      return finished.state() == RunState.COMPLETED ? CutoverCli.OK : CutoverCli.FAILED;
    }
  }

  /**
   * The instant T for a plan that counts back from one ({@code until: T-7d}): a day after its
   * earliest moment would be now, so that every wait lies ahead (the demo skips them all); null
   * for a plan that needs none, whose T is the run's start.
   */
  private static String instantFor(Plan plan, PrintWriter out) {
    if (PlanInstant.needingInstant(plan).isEmpty()) {
      return null;
    }
    Duration earliest = PlanInstant.moments(plan, Instant.EPOCH).stream()
        .map(moment -> Duration.between(Instant.EPOCH, moment.at())).min(Comparator.naturalOrder()).orElseThrow();
    Duration ahead = earliest.negated().plus(Duration.ofDays(1));
    Instant t = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(ahead);
    out.printf("the plan counts back from an instant T (%s): the demo starts it with --instant %s, %d days from now,"
        + " so that its earliest wait lies a day ahead; it skips every wait, before T and after%n",
        PlanInstant.needingInstant(plan).stream().map(s -> "until: " + ((WaitSpec) s.spec()).until().strip())
            .distinct().collect(java.util.stream.Collectors.joining(", ")), t, ahead.toDays());
    return t.toString();
  }

  /** Prints each step as its state changes, approves the gate as the demo's approver and skips waits and soaks. */
  private void follow(TemporalConnection connection, String run, PrintWriter out) {
    RunStatus status;
    try {
      status = RunStatus.query(connection, run);
    } catch (RuntimeException notReady) {
      return;
    }
    List<StepView> steps = new ArrayList<>();
    for (CutoverStatus.PhaseView phase : status.cutover().phases()) {
      steps.addAll(status.phase() != null && phase.name().equals(status.phase().phase())
          ? status.phase().steps() : phase.steps());
    }
    for (StepView step : steps) {
      if (step.state() == null || step.state() == printedStates.put(step.id(), step.state())) {
        continue;
      }
      switch (step.state()) {
        case RUNNING -> out.printf("  ▶ " + columns + " %s%n", step.phase(), step.id(), step.kind());
        case COMPLETED -> out.printf("  ✓ " + columns + " %6s ms  %s%n", step.phase(), step.id(),
            step.millis() == null ? "-" : step.millis(), step.outcome());
        case WAITING -> out.printf("  ⏸ " + columns + " waiting for %s%n", step.phase(), step.id(), step.outcome());
        case FAILED -> out.printf("  ✗ " + columns + " %s%n", step.phase(), step.id(), step.outcome());
        default -> { }
      }
    }
    if (status.phase() != null) {
      status.phase().pendingGates().stream().filter(g -> !g.approvedBy().contains(APPROVER)).findFirst()
          .ifPresent(gate -> {
            out.printf("    demo: approving gate %s as %s — in a real cutover a person runs:%n"
                + "          cutover approve %s --gate %s --comment \"...\"%n", gate.gate(), APPROVER, run, gate.gate());
            connection.client().newUntypedWorkflowStub(run).signal(OperatorSignal.APPROVE.word(),
                new GateDecision(gate.gate(), APPROVER, example.equals(EXAMPLE)
                    ? "approved by the demo after the per-tenant comparison passed"
                    : "approved by the demo, which approves every gate", "demo-" + gate.gate()));
            printedStates.remove(gate.gate()); // its state prints again after the approval
          });
      String holding = status.phase().currentStep();
      // a soak checked more often than hourly shows waiting only after an hour of checks: skipped as soon as it holds
      boolean soaking = status.phase().state() == RunState.RUNNING && soaks.contains(holding);
      if ((status.phase().state() == RunState.WAITING || soaking) && holding != null && skippedWaits.add(holding)) {
        out.printf("    demo: skipping %s as %s instead of waiting it out — in a real cutover it holds until it ends,"
            + " or a person runs:%n          cutover skip %s --gate %s --comment \"...\"%n", holding, APPROVER, run, holding);
        connection.client().newUntypedWorkflowStub(run).signal(OperatorSignal.SKIP.word(),
            new GateDecision(holding, APPROVER, "skipped by the demo, which does not wait out waits and soaks",
                "demo-skip-" + holding));
      }
    }
    out.flush();
  }

  private static void summarize(CutoverResult result, TemporalConnection connection, DevEnvironment dev, PrintWriter out,
      double totalSeconds, boolean contractTemplates, String columns) throws Exception {
    out.printf("%nrun %s: %s%n", result.run(), result.state());
    out.printf(columns + " %-9s %9s  %s%n", "PHASE", "STEP", "KIND", "MS", "OUTCOME");
    long stepMillis = 0;
    for (PhaseResult phase : result.phases()) {
      for (StepView step : phase.steps()) {
        out.printf(columns + " %-9s %9s  %s%n", phase.phase(), step.id(), step.kind(),
            step.millis() == null ? "-" : step.millis(), step.outcome());
        stepMillis += step.millis() == null ? 0 : step.millis();
      }
    }
    out.println("decisions:");
    for (PhaseResult phase : result.phases()) {
      String phaseWorkflowId = result.run() + "." + phase.phase();
      for (DecisionView d : connection.client().newWorkflowStub(CutoverPhaseWorkflow.class, phaseWorkflowId).status()
          .decisions()) {
        out.printf("  %s %s by %s%s: %s%n", d.decision().word(), d.gate(), d.by(), d.accepted() ? "" : " (refused)",
            d.accepted() ? d.comment() : d.refusal());
      }
    }
    if (contractTemplates) {
      out.println("rows per tenant after the cutover:");
      out.print(rowsPerTenant(dev));
    } else {
      out.println("rows per table after the cutover: " + tableCounts(dev));
    }
    out.printf("steps took %.1f s; the whole demo %.1f s%n", stepMillis / 1000.0, totalSeconds);
  }

  private static String legacyCounts(DevEnvironment dev) throws Exception {
    try (Connection c = connect(dev); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM tenants), (SELECT count(*) FROM contracts), "
            + "(SELECT count(*) FROM contracts WHERE is_template), (SELECT count(*) FROM contract_lines)")) {
      rs.next();
      return String.format("%d tenants, %d contracts (%d templates), %d contract lines", rs.getLong(1), rs.getLong(2),
          rs.getLong(3), rs.getLong(4));
    }
  }

  /** The longest phase (or step) name of the plan, at least {@code least}. */
  private static int width(Plan plan, boolean phases, int least) {
    return Math.max(least, plan.phases().stream().flatMap(p -> phases ? java.util.stream.Stream.of(p.name())
        : p.steps().stream().map(s -> s.id())).mapToInt(String::length).max().orElse(0));
  }

  /** Every table of schema public with its row count, e.g. {@code 3 tenants, 30 clients}. */
  private static String tableCounts(DevEnvironment dev) throws Exception {
    List<String> tables = new ArrayList<>();
    try (Connection c = connect(dev); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace"
            + " AND relkind IN ('r', 'p') ORDER BY relname")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    List<String> counts = new ArrayList<>();
    try (Connection c = connect(dev)) {
      DSLContext sql = DSL.using(c, SQLDialect.POSTGRES);
      for (String table : tables) {
        counts.add(sql.fetchCount(DSL.table(DSL.name(table))) + " " + table);
      }
    }
    return String.join(", ", counts);
  }

  private static String rowsPerTenant(DevEnvironment dev) throws Exception {
    StringBuilder text = new StringBuilder(String.format("  %-24s %10s %15s %10s%n", "tenant", "templates",
        "template lines", "contracts"));
    try (Connection c = connect(dev); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT t.name, "
            + "(SELECT count(*) FROM contract_templates x WHERE x.tenant = t.tenant), "
            + "(SELECT count(*) FROM contract_template_lines x WHERE x.tenant = t.tenant), "
            + "(SELECT count(*) FROM contracts x WHERE x.tenant = t.tenant) FROM tenants t ORDER BY t.name")) {
      while (rs.next()) {
        text.append(String.format("  %-24s %10d %15d %10d%n", rs.getString(1), rs.getLong(2), rs.getLong(3),
            rs.getLong(4)));
      }
    }
    return text.toString();
  }

  private static Connection connect(DevEnvironment dev) throws Exception {
    return DriverManager.getConnection(dev.demoTarget().jdbcUrl(), dev.demoTarget().user(), dev.demoTarget().password());
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }

  /**
   * The examples {@code cutover demo NAME} can run: every {@code examples/NAME/plan.yaml} the jar (or
   * the build's classes folder) carries. Iterable for picocli's completion candidates.
   */
  static final class Examples implements Iterable<String> {
    private static final Pattern PLAN = Pattern.compile("examples/([a-z0-9-]+)/plan\\.yaml");

    /** An example and its plan. */
    record Example(String name, Plan plan) {
      /** Whether the plan has command steps, which run only on a worker that allows commands. */
      boolean hasCommands() {
        return plan.phases().stream().flatMap(p -> p.steps().stream())
            .anyMatch(s -> s.spec() instanceof cutover.activities.steps.command.CommandSpec);
      }

      /** The example's own files the command steps run, by their path relative to the working directory. */
      private Set<String> commandFiles() {
        Set<String> files = new TreeSet<>();
        String folder = "examples/" + name + "/";
        plan.phases().stream().flatMap(p -> p.steps().stream()).filter(s -> s.spec() instanceof cutover.activities.steps.command.CommandSpec)
            .flatMap(s -> ((cutover.activities.steps.command.CommandSpec) s.spec()).command().stream()).filter(arg -> arg.startsWith(folder))
            .forEach(files::add);
        return files;
      }

      /**
       * The plan's commands run the example's scripts by a path relative to the worker's working
       * directory, as from a checkout of the repository: those missing there are written from the
       * jar, and removed again on close.
       */
      Scripts scriptsInWorkingDirectory() throws IOException {
        List<Path> written = new ArrayList<>();
        List<Path> createdFolders = new ArrayList<>();
        for (String file : commandFiles()) {
          Path path = Path.of(file);
          if (Files.exists(path)) {
            continue;
          }
          for (Path folder = path.getParent(); folder != null && !Files.exists(folder); folder = folder.getParent()) {
            createdFolders.add(folder);
          }
          Files.createDirectories(path.getParent());
          Files.writeString(path, DevEnvironment.exampleFile(name, file.substring(("examples/" + name + "/").length())));
          written.add(path);
        }
        return new Scripts("examples/" + name + "/", written, createdFolders);
      }
    }

    /** The scripts written for the demo, and the folders created for them, removed on close. */
    record Scripts(String folder, List<Path> written, List<Path> createdFolders) implements AutoCloseable {
      @Override
      public void close() throws IOException {
        for (Path file : written) {
          Files.deleteIfExists(file);
        }
        List<Path> folders = new ArrayList<>(createdFolders);
        folders.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path folder : folders) {
          Files.deleteIfExists(folder);
        }
      }
    }

    static Optional<Example> find(String name) throws IOException {
      if (!PLAN.matcher("examples/" + name + "/plan.yaml").matches()
          || DevEnvironment.class.getClassLoader().getResource("examples/" + name + "/plan.yaml") == null) {
        return Optional.empty();
      }
      String file = "examples/" + name + "/plan.yaml";
      try {
        Set<String> targets = new TreeSet<>(ExampleTargets.names(name));
        targets.add(DevEnvironment.DEMO_TARGET);
        return Optional.of(new Example(name, PlanParser.parse(DevEnvironment.exampleFile(name, "plan.yaml"), file,
            targets, StepKinds.ALL)));
      } catch (InvalidPlanException e) {
        throw new IOException(file + " is not a valid plan: " + e.getMessage(), e);
      }
    }

    /** The examples' names, sorted. */
    static List<String> names() {
      Set<String> names = new TreeSet<>();
      try {
        Path location = Path.of(DevEnvironment.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(location)) {
          Path examples = location.resolve("examples");
          if (Files.isDirectory(examples)) {
            try (var folders = Files.list(examples)) {
              folders.filter(f -> Files.exists(f.resolve("plan.yaml"))).forEach(f -> names.add(f.getFileName().toString()));
            }
          }
        } else {
          try (JarFile jar = new JarFile(location.toFile())) {
            jar.stream().forEach(entry -> {
              Matcher plan = PLAN.matcher(entry.getName());
              if (plan.matches()) {
                names.add(plan.group(1));
              }
            });
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
      return List.copyOf(names);
    }

    @Override
    public Iterator<String> iterator() {
      return names().iterator();
    }
  }
}
