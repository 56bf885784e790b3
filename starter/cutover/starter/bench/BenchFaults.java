package cutover.starter.bench;

import cutover.activities.PlanPushResult;
import cutover.activities.Targets;
import cutover.activities.steps.GateKind;
import cutover.activities.steps.StepKinds;
import cutover.activities.steps.GateView;
import cutover.starter.CutoverCli;
import cutover.starter.PlanCommand;
import cutover.worker.DevEnvironment;
import cutover.worker.TemporalConnection;
import cutover.worker.TemporalDevServer;
import cutover.workflows.CutoverPhaseWorkflow;
import cutover.workflows.CutoverResult;
import cutover.workflows.CutoverStatus;
import cutover.workflows.CutoverWorkflow;
import cutover.workflows.PhaseStatus;
import cutover.workflows.RunState;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cutover bench faults}: the faults of issue 8, done from outside as an operator would meet them. */
final class BenchFaults {
  private BenchFaults() {}

  @Command(name = "faults", mixinStandardHelpOptions = true,
      description = {"The fault suite: the example cutover (examples/contract-templates, its engine workload) under faults.",
          "Under kill -9 of a separate worker process, terminated connections mid-batch, lock blockers under a "
              + "fixed-rate write load, Temporal lost twice around a pause, and two workers for different targets "
              + "with one killed; then every workflow history scanned for the targets' secrets and other sessions' "
              + "SQL. Each run ends compared with its source rows and its ledger. Runs on an embedded PostgreSQL "
              + "unless --target names configured scratch databases (the example's tables are dropped and loaded "
              + "again there). Needs the Temporal CLI (`temporal`) on PATH.",
          "The last line is machine-readable; the exit code is 1 when anything was lost, doubled, applied twice, "
              + "leaked, or a scenario failed."})
  static final class Faults implements Callable<Integer> {
    static final String APPROVER = "dba-on-call";
    static final String OPERATOR = "bench-faults";
    static final String GATE = "go-no-go";
    static final String PLAN = FaultTarget.EXAMPLE;

    @Spec CommandSpec spec;

    @Option(names = "--kills", defaultValue = "20",
        description = "kill -9 of the worker, and terminations of its connections (default: ${DEFAULT-VALUE})")
    int kills;

    @Option(names = "--rate", defaultValue = "250",
        description = "rows per second of the example's two backfills, so kills land mid-copy (default: ${DEFAULT-VALUE})")
    long rate;

    @Option(names = "--write-rate", defaultValue = "50",
        description = "writes per second of the load during the lock blockers (default: ${DEFAULT-VALUE})")
    int writeRate;

    @Option(names = "--target", paramLabel = "NAME",
        description = "a scratch target of --targets (give two for the two-worker scenario); default: embedded")
    List<String> targetNames = new ArrayList<>();

    @Option(names = "--targets", paramLabel = "FILE", description = "properties file of targets, as for `cutover worker`")
    Path targetsFile;

    @Option(names = "--only", split = ",", paramLabel = "SCENARIO",
        description = "run only these scenarios: ${COMPLETION-CANDIDATES} (default: all; the history scan always runs)")
    List<Part> only = new ArrayList<>();

    /** The scenarios, as {@code --only} names them. */
    enum Part {
      kills, connections, locks, lost, two_workers
    }

    @Option(names = "--temporal", paramLabel = "PATH", description = "the Temporal CLI (default: `temporal` on PATH)")
    String temporalBinary;

    private PrintWriter out;
    private FaultServer server;
    private final List<String> problems = new ArrayList<>();
    private final List<Double> resumed = new ArrayList<>();
    private final List<WorkerProcess> workers = new ArrayList<>();
    private long lost;
    private long doubled;
    private long appliedTwice;
    private int workerKills;
    private int connKills;
    private LockBlockers.Latencies writes;

    /** grpc's reconnect chatter (java.util.logging) would bury the results; kept referenced so the level sticks. */
    private static final java.util.logging.Logger GRPC = java.util.logging.Logger.getLogger("io.grpc");

    @Override
    public Integer call() throws Exception {
      GRPC.setLevel(java.util.logging.Level.OFF);
      out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (kills < 1 || rate < 1 || writeRate < 1 || (!targetNames.isEmpty() && targetsFile == null)) {
        err.println("cutover bench faults: --kills >= 1, --rate >= 1, --write-rate >= 1; --target needs --targets FILE");
        return CutoverCli.BAD_INPUT;
      }
      Optional<Path> binary;
      try {
        binary = temporalBinary == null ? TemporalDevServer.find() : TemporalDevServer.resolve(temporalBinary);
      } catch (IllegalArgumentException bad) {
        err.println(bad.getMessage());
        return CutoverCli.BAD_INPUT;
      }
      if (binary.isEmpty()) {
        err.println("cutover bench faults needs a real Temporal server: the Temporal CLI (`temporal`) on PATH or"
            + " --temporal PATH. To get it: " + TemporalDevServer.HOW_TO_INSTALL);
        return CutoverCli.BAD_INPUT;
      }
      long began = System.nanoTime();
      EmbeddedPostgres postgres = null;
      List<FaultTarget> targets;
      if (targetNames.isEmpty()) {
        say("starting an embedded PostgreSQL with two databases, each owned by a role with a random password ...");
        postgres = EmbeddedPostgres.builder().start();
        targets = List.of(embedded(postgres, "faults-a"), embedded(postgres, "faults-b"));
      } else {
        targets = configured();
      }
      try {
        List<FaultServer.Secret> secrets = secrets(targets);
        server = new FaultServer(binary.get(), secrets, targets.get(0).name());
        say("Temporal: the CLI's dev server on " + server.address());
        runScenarios(targets);
        server.scan();
        if (!server.found(targets.get(0).name())) {
          problems.add("history scan: no history names target " + targets.get(0).name() + ", so it read nothing");
        }
        problems.addAll(server.leaks());
        say(String.format(Locale.ROOT, "history scan: %d workflow histories read, %d secret(s) or other sessions' SQL"
            + " found", server.scannedHistories(), server.leaks().size()));
      } finally {
        for (WorkerProcess worker : workers) {
          worker.close();
        }
        if (server != null) {
          server.close();
        }
        if (postgres != null) {
          postgres.close();
        }
      }
      double[] sorted = resumed.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double median = sorted.length == 0 ? Double.NaN : sorted.length % 2 == 1 ? sorted[sorted.length / 2]
          : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
      double max = sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
      int leaked = server.leaks().size();
      String line = String.format(Locale.ROOT, "faults kills=%d resumed_median_s=%.1f resumed_max_s=%.1f conn_kills=%d"
              + " lost_rows=%d doubled_rows=%d applied_twice=%d secrets_in_history=%d writer_p99_ms=%.1f"
              + " writer_max_stall_s=%.2f", workerKills, median, max, connKills, lost, doubled, appliedTwice, leaked,
          writes == null ? Double.NaN : writes.p99Millis(), writes == null ? Double.NaN : writes.maxStallSeconds());
      say(String.format(Locale.ROOT, "%d problem(s)%s; the suite took %.0f s", problems.size(),
          problems.isEmpty() ? "" : ":", seconds(began)));
      problems.forEach(p -> say("  ✗ " + p));
      // after every server is down, so their shutdown messages come before it: the last line is the result
      say(line);
      return problems.isEmpty() && lost == 0 && doubled == 0 && appliedTwice == 0 && leaked == 0
          ? CutoverCli.OK : CutoverCli.FAILED;
    }

    private void runScenarios(List<FaultTarget> targets) throws Exception {
      FaultTarget first = targets.get(0);
      WorkerProcess worker = worker("a", List.of(first));
      scenario(Part.kills, () -> workerKills(first, worker));
      scenario(Part.connections, () -> connectionKills(first));
      scenario(Part.locks, () -> lockBlockers(first));
      scenario(Part.lost, () -> temporalLostTwice(first));
      worker.kill();
      if (targets.size() < 2) {
        say("two workers: skipped, it needs a second target (--target twice)");
      } else {
        scenario(Part.two_workers, () -> twoWorkers(first, targets.get(1), worker));
      }
    }

    private interface Scenario {
      void run() throws Exception;
    }

    /** A scenario that throws is a problem of the suite's result, and the next scenario still runs. */
    private void scenario(Part part, Scenario scenario) {
      if (!only.isEmpty() && !only.contains(part)) {
        return;
      }
      try {
        scenario.run();
      } catch (Exception | AssertionError e) {
        problems.add(part + ": " + e);
      }
    }

    // ------------------------------------------------------------------ the scenarios

    /** kill -9 of the worker at random moments of whole example cutovers, each time started again at once. */
    private void workerKills(FaultTarget target, WorkerProcess worker) throws Exception {
      say("kill -9: " + kills + " kills of the worker process at random moments of the example cutover ...");
      int cutovers = 0;
      while (workerKills < kills && cutovers < kills) {
        cutovers++;
        ExampleRun run = startExample(target, "kills");
        long nextKill = System.nanoTime() + randomNanos(0.5, 3.0);
        // each kill costs up to a heartbeat timeout, a worker's start and a few retries
        long deadline = System.nanoTime() + Duration.ofMinutes(10).plusMinutes(kills).toNanos();
        while (!run.ended() && System.nanoTime() < deadline) {
          run.tick();
          if (workerKills < kills && !run.ended() && System.nanoTime() >= nextKill) {
            String before = target.progress(run.id);
            worker.kill();
            workerKills++;
            worker.start();
            double took = awaitMoving(run, () -> target.progress(run.id), before, worker.startedAt());
            resumed.add(took);
            say(String.format(Locale.ROOT, "  kill %d: moving again %.1f s after the restart", workerKills, took));
            nextKill = System.nanoTime() + randomNanos(0.2, 3.0);
          }
          Thread.sleep(100);
        }
        run.check();
      }
    }

    /** pg_terminate_backend of the worker's sessions while they run a statement of a backfill. */
    private void connectionKills(FaultTarget target) throws Exception {
      say("connections: " + kills + " terminations of the worker's sessions mid-batch ...");
      int cutovers = 0;
      while (connKills < kills && cutovers < kills) {
        cutovers++;
        ExampleRun run = startExample(target, "conns");
        long nextTerminate = System.nanoTime() + randomNanos(0.2, 1.0);
        long nextTick = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (!run.ended() && System.nanoTime() < deadline) {
          if (System.nanoTime() >= nextTick) {
            run.tick();
            nextTick = System.nanoTime() + 200_000_000L;
          }
          if (connKills < kills && System.nanoTime() >= nextTerminate && !target.unfinishedParts(run.id).isEmpty()) {
            int ended = target.terminateWorkerStatements();
            if (ended > 0) {
              connKills += ended;
              nextTerminate = System.nanoTime() + randomNanos(0.2, 1.0);
            }
          }
          Thread.sleep(10);
        }
        run.check();
        say("  " + connKills + " sessions terminated so far");
      }
    }

    /**
     * A step blocked longer than its retry budget (it fails readably; retried once the blocker
     * ends, it completes) and one blocked for less (it waits and completes), both under writes.
     */
    private void lockBlockers(FaultTarget target) throws Exception {
      LockBlockers.LockBudget budget = LockBlockers.LockBudget.OF_THE_SUITE;
      Duration longer = budget.most().plusSeconds(5);
      Duration shorter = budget.least().dividedBy(2);
      say(String.format(Locale.ROOT, "lock blockers: retry budget %.1f-%.1f s; a blocker of %.1f s and one of %.1f s,"
              + " writes at %d/s ...", budget.least().toMillis() / 1e3, budget.most().toMillis() / 1e3,
          longer.toMillis() / 1e3, shorter.toMillis() / 1e3, writeRate));
      LockBlockers.createTable(target);
      LockBlockers.FixedRateWriter writer = new LockBlockers.FixedRateWriter(target, writeRate, writerMarker);
      try {
        String run;
        long blockedAt = System.nanoTime();
        // the blocker first: a step that ran before it took its lock would not be blocked at all
        try (LockBlockers.Blocker blocker = new LockBlockers.Blocker(target, blockerMarker)) {
          run = startLockRun(target, "long_blocked");
          RunState state = awaitState(run, Duration.ofSeconds(longer.toSeconds() + 30), RunState.FAILED_WAITING);
          if (state != RunState.FAILED_WAITING) {
            problems.add("lock: the step blocked longer than its budget did not fail (" + state + ")");
          } else {
            say(String.format(Locale.ROOT, "  blocked past its budget: the step failed %.1f s after the blocker began: %s",
                seconds(blockedAt), lastError(run)));
          }
          Thread.sleep(Math.max(0, longer.toMillis() - (System.nanoTime() - blockedAt) / 1_000_000));
        }
        cli("retry", run, "--as", OPERATOR, "--reason", "the blocker ended");
        checkLockRun(target, run, awaitState(run, Duration.ofMinutes(2), RunState.COMPLETED));

        String shortRun;
        long started = System.nanoTime();
        try (LockBlockers.Blocker blocker = new LockBlockers.Blocker(target, blockerMarker)) {
          shortRun = startLockRun(target, "short_blocked");
          Thread.sleep(shorter.toMillis());
        }
        checkLockRun(target, shortRun, awaitState(shortRun, Duration.ofMinutes(2), RunState.COMPLETED));
        say(String.format(Locale.ROOT, "  blocked for less than its budget: completed %.1f s after the blocker began",
            seconds(started)));
      } finally {
        writes = writer.stop();
      }
      long counted = target.number("SELECT coalesce(sum(n), 0) FROM " + LockBlockers.TABLE);
      lost += Math.max(0, writes.written() - counted);
      doubled += Math.max(0, counted - writes.written());
      say("  writes: " + writes + "; the table counts " + counted);
    }

    /** Temporal lost during a paused backfill, resumed; lost again, resumed again: the run completes. */
    private void temporalLostTwice(FaultTarget target) throws Exception {
      say("Temporal lost twice: pause, loss, --resume, loss, --resume ...");
      ExampleRun run = startExample(target, "lost");
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (target.rowsDone(run.id) == 0 && !run.ended() && System.nanoTime() < deadline) {
        run.tick();
        Thread.sleep(100);
      }
      cli("pause", run.id, "--as", OPERATOR, "--reason", "before Temporal is lost");
      for (int loss = 1; loss <= 2; loss++) {
        Thread.sleep(1000);
        // the takeover's own ledger rows are not the run moving: its batches and steps are
        String before = target.work(run.id);
        long lostAt = System.nanoTime();
        server.lose();
        int code = cli("start", PLAN, "--target", target.name(), "--resume", run.id, "--as", OPERATOR);
        if (code != 0) {
          problems.add("Temporal lost: `cutover start --resume` " + loss + " exited " + code + ": " + lastOutput);
          return;
        }
        double took = awaitMoving(run, () -> target.work(run.id), before, lostAt);
        say(String.format(Locale.ROOT, "  loss %d: a fresh server and --resume, moving again %.1f s after the loss",
            loss, took));
      }
      run.awaitEnd(deadline);
      run.check();
      List<String> parts = target.unfinishedParts(run.id);
      if (!parts.isEmpty()) {
        problems.add("Temporal lost twice: backfill parts left unfinished: " + parts);
      }
    }

    /**
     * A worker for each target on one server; the first killed mid-backfill and kept down past the
     * heartbeat timeout, so its work is there for the other to take, then started again.
     */
    private void twoWorkers(FaultTarget first, FaultTarget second, WorkerProcess firstWorker) throws Exception {
      say("two workers: one for " + first.name() + ", one for " + second.name() + "; the first killed mid-copy ...");
      firstWorker.start();
      ExampleRun a = startExample(first, "two");
      WorkerProcess secondWorker = worker("b", List.of(second));
      ExampleRun b = startExample(second, "two");
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      boolean killed = false;
      while ((!a.ended() || !b.ended()) && System.nanoTime() < deadline) {
        a.tick();
        b.tick();
        if (!killed && first.rowsDone(a.id) > 0) {
          firstWorker.kill();
          killed = true;
          say("  killed the worker of " + first.name() + "; down for 15 s");
          Thread.sleep(15_000);
          firstWorker.start();
        }
        Thread.sleep(100);
      }
      a.awaitEnd(deadline);
      b.awaitEnd(deadline);
      a.check();
      b.check();
      secondWorker.kill();
    }

    // ------------------------------------------------------------------ one example cutover

    /** One run of the example plan on a freshly loaded target, its gate approved when it opens. */
    private final class ExampleRun {
      final FaultTarget target;
      final String id;
      final List<String> ledgerSteps = new ArrayList<>();
      final String plan;
      boolean approved;
      boolean gaveUp;
      int resumes;
      long approvedAt;
      RunState stuck;

      static final int RESUMES = 3;

      ExampleRun(FaultTarget target, String id, Map<String, Object> plan) {
        this.target = target;
        this.id = id;
        this.plan = (String) plan.get("name");
        for (Map<String, Object> phase : steps(plan, "phases")) {
          for (Map<String, Object> step : steps(phase, "steps")) {
            if (!(StepKinds.ALL.find((String) step.get("kind")).orElseThrow() instanceof GateKind<?>)) {
              ledgerSteps.add((String) step.get("id"));
            }
          }
        }
      }

      /** Approves the gate once it waits; notes a run that waits for an operator after a failure. */
      void tick() {
        if (stuck != null || gaveUp) {
          return;
        }
        if (failedInTemporal()) {
          resumeFailed();
          return;
        }
        try {
          Status status = status(id);
          if (status.state() == RunState.FAILED_WAITING || status.state() == RunState.ROLLBACK_FAILED_WAITING) {
            stuck = status.state();
            problems.add("run " + id + " on " + target.name() + ": " + status.state() + ": " + status.lastError()
                + "; rolled back so the target is free for the next run");
            cli("rollback", id, "--as", OPERATOR, "--reason", "the fault suite found it stuck");
            return;
          }
          for (GateView gate : status.gates()) {
            if (!approved) {
              approved = cli("approve", id, "--gate", gate.gate(), "--as", APPROVER, "--comment", "the fault suite")
                  == CutoverCli.OK;
              approvedAt = System.nanoTime();
            } else if (!gate.approvedBy().contains(APPROVER) && seconds(approvedAt) > 60) {
              problems.add("run " + id + ": the approval of " + gate.gate() + " did not stand; the gate waits again");
              approvedAt = System.nanoTime();
            }
          }
        } catch (RuntimeException noWorkerAnswersNow) {
          // a query needs a worker; the next tick asks again
        }
      }

      private boolean failedInTemporal() {
        WorkflowExecutionStatus status = describeStatus(id);
        return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED
            || status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED
            || status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT;
      }

      /**
       * A run whose workflow failed is a problem; an operator's way on is {@code cutover start
       * --resume}, taken up to {@value #RESUMES} times so the target is not left active.
       */
      private void resumeFailed() {
        String why;
        try {
          server.connection().client().newUntypedWorkflowStub(id).getResult(CutoverResult.class);
          why = "?";
        } catch (RuntimeException failure) {
          why = rootMessage(failure);
        }
        if (resumes >= RESUMES) {
          gaveUp = true;
          problems.add("run " + id + " on " + target.name() + " failed in Temporal: " + why);
          return;
        }
        resumes++;
        int code = cli("start", plan, "--target", target.name(), "--resume", id, "--as", OPERATOR);
        problems.add("run " + id + " on " + target.name() + " failed in Temporal: " + why + "; `cutover start --resume`"
            + " exited " + code);
      }

      /** Waits until the run ended (approving its gate meanwhile), or the deadline. */
      void awaitEnd(long deadline) throws InterruptedException {
        while (!ended() && System.nanoTime() < deadline) {
          tick();
          Thread.sleep(100);
        }
      }

      /** Closed in Temporal, and not a failure still to be resumed. */
      boolean ended() {
        if (gaveUp) {
          return true;
        }
        WorkflowExecutionStatus status = describeStatus(id);
        return status != null && status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
            && !failedInTemporal();
      }

      /** The run's outcome, its tables against the source, its ledger rows and decisions. */
      void check() throws Exception {
        if (!ended()) {
          problems.add("run " + id + " on " + target.name() + " did not end in time");
          return;
        }
        if (stuck != null || gaveUp) {
          return;
        }
        CutoverResult result;
        try {
          result = server.connection().client().newUntypedWorkflowStub(id).getResult(CutoverResult.class);
        } catch (RuntimeException failed) {
          problems.add("run " + id + " on " + target.name() + " failed: " + rootMessage(failed));
          return;
        }
        if (result.state() != RunState.COMPLETED) {
          problems.add("run " + id + " ended " + result.state() + ": " + result.detail());
          return;
        }
        List<String> inexact = new ArrayList<>();
        for (FaultTarget.TableCheck table : target.compareWithSource()) {
          lost += table.lost();
          doubled += table.doubled();
          if (!table.exact()) {
            inexact.add(table.toString());
          }
        }
        if (!inexact.isEmpty()) {
          problems.add("run " + id + ": data not exact: " + inexact);
        }
        checkLedger(target, id, ledgerSteps);
        Map<String, Long> decisions = target.acceptedDecisions(id);
        if (!decisions.equals(Map.of("approve " + GATE, 1L))) {
          problems.add("run " + id + ": accepted decisions " + decisions + ", not one approval of " + GATE);
        }
        say("  run " + id + " on " + target.name() + ": completed, data exact, one ledger row per step, decisions"
            + " standing");
      }
    }

    private ExampleRun startExample(FaultTarget target, String tag) throws Exception {
      target.loadExample();
      Map<String, Object> plan = new Yaml().load(DevEnvironment.exampleFile(FaultTarget.EXAMPLE, FaultTarget.WORKLOAD + "plan.yaml"));
      plan.put("target", target.name());
      for (Map<String, Object> phase : steps(plan, "phases")) {
        for (Map<String, Object> step : steps(phase, "steps")) {
          if ("backfill".equals(step.get("kind"))) {
            step.put("rate", rate);
          }
        }
      }
      DumperOptions options = new DumperOptions();
      options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
      push(new Yaml(options).dump(plan), target);
      for (int attempt = 1; ; attempt++) {
        String id = "faults-" + tag + "-" + UUID.randomUUID().toString().substring(0, 8);
        int code = cli("start", PLAN, "--target", target.name(), "--id", id, "--as", OPERATOR);
        if (code == CutoverCli.OK) {
          return new ExampleRun(target, id, plan);
        }
        if (attempt < 10 && answeredByAnotherWorker(lastOutput, target)) {
          problems.add("start of " + id + " on " + target.name() + " was answered by a worker without it: " + lastOutput);
          continue;
        }
        throw new IllegalStateException("`cutover start` of " + id + " exited " + code + ": " + lastOutput);
      }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> steps(Map<String, Object> parent, String key) {
      return (List<Map<String, Object>>) parent.get(key);
    }

    private String startLockRun(FaultTarget target, String column) throws Exception {
      String planName = "faults-lock-" + column.replace('_', '-');
      push(LockBlockers.plan(planName, target.name(), column), target);
      String id = planName + "-" + UUID.randomUUID().toString().substring(0, 8);
      int code = cli("start", planName, "--target", target.name(), "--id", id, "--as", OPERATOR);
      if (code != 0) {
        throw new IllegalStateException("`cutover start` of " + id + " exited " + code + ": " + lastOutput);
      }
      return id;
    }

    private void checkLockRun(FaultTarget target, String run, RunState state) throws Exception {
      if (state != RunState.COMPLETED) {
        problems.add("lock: run " + run + " is " + state + ", not completed: " + lastError(run));
        return;
      }
      Map<String, Long> rows = target.ledgerRows(run);
      checkLedger(target, run, rows.keySet().stream().map(k -> k.split(" ")[0]).distinct().toList());
      if (rows.size() != 1) {
        problems.add("lock: run " + run + " has ledger rows " + rows + ", not one apply row");
      }
    }

    /** Each (step, action) once; each of the steps applied; nothing compensated in a completed run. */
    private void checkLedger(FaultTarget target, String run, List<String> steps) throws Exception {
      Map<String, Long> rows = target.ledgerRows(run);
      rows.forEach((stepAndAction, count) -> {
        appliedTwice += Math.max(0, count - 1);
        if (!stepAndAction.endsWith(" apply")) {
          problems.add("run " + run + ": ledger row " + stepAndAction + " in a completed run");
        }
      });
      for (String step : steps) {
        if (!rows.containsKey(step + " apply")) {
          problems.add("run " + run + ": no ledger row for applying " + step);
        }
      }
    }

    // ------------------------------------------------------------------ waiting

    /**
     * Seconds from {@code sinceNanos} until the run moved (work recorded in its ledger: a pending
     * activity started again may still be waiting on a lock or a dead session), or ended. Gates are
     * approved meanwhile.
     */
    private double awaitMoving(ExampleRun run, java.util.function.Supplier<String> progress, String before,
        long sinceNanos) throws Exception {
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (System.nanoTime() < deadline) {
        if (!progress.get().equals(before) || run.ended()) {
          return seconds(sinceNanos);
        }
        run.tick();
        Thread.sleep(50);
      }
      problems.add("run " + run.id + " did not move within 3 minutes");
      return seconds(sinceNanos);
    }

    /** Waits until the cutover's status says {@code wanted} or it ended; the state last seen. */
    private RunState awaitState(String run, Duration timeout, RunState wanted) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      RunState state = null;
      while (System.nanoTime() < deadline) {
        try {
          state = status(run).state();
        } catch (RuntimeException notNow) {
          // no worker answered: ask again
        }
        WorkflowExecutionStatus status = describeStatus(run);
        if (state == wanted || (status != null && status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING)) {
          if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
            return server.connection().client().newUntypedWorkflowStub(run).getResult(CutoverResult.class).state();
          }
          return state;
        }
        Thread.sleep(100);
      }
      return state;
    }

    /** The innermost message of a client-side failure (the workflow's own reason). */
    private static String rootMessage(Throwable failure) {
      Throwable cause = failure;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      return cause.getMessage();
    }

    private String lastError(String run) {
      try {
        return status(run).lastError();
      } catch (RuntimeException notNow) {
        return "(no status: " + notNow.getMessage() + ")";
      }
    }

    /** Where a run stands: its running phase's state, gates and error when it has one, else the cutover's. */
    private record Status(RunState state, String lastError, List<GateView> gates) {}

    /** @throws RuntimeException while no worker answers the queries */
    private Status status(String run) {
      CutoverStatus cutover = server.connection().client().newWorkflowStub(CutoverWorkflow.class, run).status();
      if (cutover.currentPhaseWorkflowId() == null || cutover.state() != RunState.RUNNING) {
        return new Status(cutover.state(), cutover.lastError(), List.of());
      }
      PhaseStatus phase = server.connection().client()
          .newWorkflowStub(CutoverPhaseWorkflow.class, cutover.currentPhaseWorkflowId()).status();
      return new Status(phase.state(), phase.lastError() != null ? phase.lastError() : cutover.lastError(),
          phase.pendingGates());
    }

    private DescribeWorkflowExecutionResponse describe(String workflowId) {
      try {
        return server.connection().service().blockingStub().describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder().setNamespace(TemporalConnection.DEFAULT_NAMESPACE)
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build());
      } catch (RuntimeException notFound) {
        return null;
      }
    }

    private WorkflowExecutionStatus describeStatus(String workflowId) {
      DescribeWorkflowExecutionResponse described = describe(workflowId);
      return described == null ? null : described.getWorkflowExecutionInfo().getStatus();
    }

    // ------------------------------------------------------------------ the CLI, targets, workers

    private String lastOutput = "";

    /** A {@code cutover} command against the suite's server, as an operator would type it; its exit code. */
    private int cli(String... args) {
      List<String> command = new ArrayList<>(List.of(args));
      command.addAll(List.of("--address", server.address()));
      StringWriter text = new StringWriter();
      PrintWriter writer = new PrintWriter(text);
      int code = CutoverCli.commandLine().setOut(writer).setErr(writer).execute(command.toArray(String[]::new));
      writer.flush();
      lastOutput = text.toString().strip();
      return code;
    }

    /**
     * Pushes a plan. A refusal naming the target as unknown came from a worker without it (issue 8,
     * problem 1): noted as a problem, and pushed again so the scenario goes on.
     */
    private void push(String yaml, FaultTarget target) {
      for (int attempt = 1; ; attempt++) {
        PlanPushResult pushed = PlanCommand.Push.push(server.connection(), yaml, "faults.yaml", target.name(), OPERATOR);
        if (pushed.problems().isEmpty()) {
          return;
        }
        if (attempt < 10 && answeredByAnotherWorker(pushed.problems().toString(), target)) {
          problems.add("plan push for " + target.name() + " was answered by a worker without it: " + pushed.problems());
          continue;
        }
        throw new IllegalStateException("a plan of the suite is invalid: " + pushed.problems());
      }
    }

    /** The refusals of a plan push and of a start by a worker that lacks the target. */
    private static boolean answeredByAnotherWorker(String message, FaultTarget target) {
      return message.contains("unknown target '" + target.name() + "'")
          || message.contains("target '" + target.name() + "' is not configured on the worker");
    }

    private WorkerProcess worker(String name, List<FaultTarget> targets) throws Exception {
      WorkerProcess worker = new WorkerProcess(name, server.address(), FaultTarget.writeTargetsFile(targets)).start();
      workers.add(worker);
      say("  " + worker.describe());
      return worker;
    }

    private final String writerMarker = LockBlockers.marker("writer");
    private final String blockerMarker = LockBlockers.marker("blocker");

    /** What no history may hold: each target's password, user and URL, the blocker's and writers' SQL. */
    private List<FaultServer.Secret> secrets(List<FaultTarget> targets) {
      List<FaultServer.Secret> secrets = new ArrayList<>();
      for (FaultTarget t : targets) {
        secrets.add(new FaultServer.Secret("the password of target " + t.name(), t.target.password(), false));
        secrets.add(new FaultServer.Secret("the user of target " + t.name(), t.target.user(), true));
        // the URL without its scheme and parameters: host, port and database
        String url = t.target.jdbcUrl().replaceFirst("^jdbc:postgresql://", "").replaceFirst("\\?.*$", "");
        secrets.add(new FaultServer.Secret("the URL of target " + t.name(), url, false));
      }
      secrets.add(new FaultServer.Secret("the blocker's SQL (its marker)", blockerMarker, false));
      secrets.add(new FaultServer.Secret("the writers' SQL (their marker)", writerMarker, false));
      return secrets;
    }

    private static FaultTarget embedded(EmbeddedPostgres postgres, String name) throws Exception {
      String role = "faults_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
      String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
      String database = name.replace('-', '_');
      try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
        s.execute("CREATE DATABASE " + database + " OWNER " + role);
      }
      return new FaultTarget(new Targets.Target(name,
          "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database, role, password));
    }

    private List<FaultTarget> configured() throws Exception {
      Properties properties = new Properties();
      try (Reader reader = Files.newBufferedReader(targetsFile)) {
        properties.load(reader);
      }
      Map<String, FaultTarget> targets = new LinkedHashMap<>();
      for (String name : targetNames) {
        String url = properties.getProperty(name + ".url");
        if (url == null) {
          throw new IllegalArgumentException("no " + name + ".url in " + targetsFile);
        }
        String password = properties.getProperty(name + ".password");
        String variable = properties.getProperty(name + ".passwordEnv");
        if (password == null && variable != null) {
          password = System.getenv(variable);
        }
        targets.put(name, new FaultTarget(new Targets.Target(name, url.trim(), properties.getProperty(name + ".user"),
            password)));
      }
      return List.copyOf(targets.values());
    }

    private void say(String line) {
      out.println(line);
      out.flush();
    }

    private static long randomNanos(double fromSeconds, double toSeconds) {
      return (long) (ThreadLocalRandom.current().nextDouble(fromSeconds, toSeconds) * 1e9);
    }

    private static double seconds(long sinceNanos) {
      return (System.nanoTime() - sinceNanos) / 1e9;
    }
  }
}
