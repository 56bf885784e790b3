package cutover;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import cutover.activities.AppliedSteps;
import cutover.activities.Decisions;
import cutover.activities.Flags;
import cutover.activities.Plans;
import cutover.activities.RunEvents;
import cutover.activities.Runs;
import cutover.activities.SqlRunner;
import cutover.activities.StepReports;
import cutover.activities.steps.backfill.Checkpoints;
import cutover.activities.steps.backfill.Tunings;
import cutover.activities.Targets;
import cutover.activities.steps.Gate;
import cutover.activities.steps.GateContext;
import cutover.activities.steps.GateKind;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of issue 7: workflows (and the gate code that runs inside them) reach no database,
 * network, clock or thread; the plan model stands alone; the CLI reaches the worker only through
 * Temporal clients and the records meant for them.
 */
class LayeringTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("cutover");
  }

  /** Code that runs inside a workflow: the workflows themselves and the gates the phase workflow holds. */
  private static final DescribedPredicate<JavaClass> WORKFLOW_CODE = describe("run inside workflows (cutover.workflows, gates)",
      c -> resideInAPackage("cutover.workflows..").test(c) || assignableTo(Gate.class).test(c)
          || assignableTo(GateKind.class).test(c) || c.isEquivalentTo(GateContext.class));

  private static final Set<String> NETWORK_AND_FILES = Set.of("java.net.URL", "java.net.URLConnection",
      "java.net.HttpURLConnection", "java.net.Socket", "java.net.ServerSocket", "java.net.InetAddress",
      "java.io.File", "java.io.FileInputStream", "java.io.FileOutputStream", "java.io.FileReader", "java.io.FileWriter");

  private static final Set<String> THREADS = Set.of("java.lang.Thread", "java.util.Timer",
      "java.util.concurrent.ExecutorService", "java.util.concurrent.Executors", "java.util.concurrent.CompletableFuture",
      "java.util.concurrent.ScheduledExecutorService", "java.util.concurrent.ForkJoinPool");

  /** The ledger's writers, one per table, and the SQL runner. */
  private static final List<Class<?>> LEDGER = List.of(Runs.class, AppliedSteps.class, Decisions.class, RunEvents.class,
      Plans.class, StepReports.class, Flags.class, Checkpoints.class, Tunings.class, SqlRunner.class);

  /** The database as the activities reach it: drivers, pools, jOOQ and the ledger's own classes. */
  private static final DescribedPredicate<JavaClass> DATABASE = describe("are the database (JDBC, jOOQ, the ledger, the SQL runner)",
      c -> resideInAnyPackage("java.sql..", "javax.sql..", "org.jooq..", "org.postgresql..", "com.zaxxer..",
          "org.flywaydb..", "cutover.db..").test(c)
          || LEDGER.stream().anyMatch(ledger -> c.isEquivalentTo(ledger) || c.getName().startsWith(ledger.getName() + "$")));

  @Test
  void workflowCodeReachesNoDatabase() {
    check(noClasses().that(WORKFLOW_CODE).should().dependOnClassesThat(DATABASE)
        .because("workflows are replayed: their side effects go through activities"));
  }

  @Test
  void workflowCodeReachesNoNetworkOrFiles() {
    check(noClasses().that(WORKFLOW_CODE).should().dependOnClassesThat(describe("are the network or files",
        c -> resideInAnyPackage("java.net.http..", "java.nio.file..", "java.nio.channels..").test(c)
            || NETWORK_AND_FILES.contains(c.getName())))
        .because("workflows are replayed: I/O goes through activities"));
  }

  @Test
  void workflowCodeUsesNoThreads() {
    check(noClasses().that(WORKFLOW_CODE).should().dependOnClassesThat(describe("are threads or executors",
        c -> THREADS.contains(c.getName())))
        .because("workflow code runs on Temporal's deterministic threads: Async, Promise and Workflow.sleep"));
  }

  @Test
  void workflowCodeReadsNoClockAndNoRandomness() {
    check(noClasses().that(WORKFLOW_CODE).should().callCodeUnitWhere(describe("reads a clock, sleeps or draws randomness",
        LayeringTest::nondeterministic))
        .orShould().dependOnClassesThat(describe("are clocks or random generators",
            c -> Set.of("java.time.Clock", "java.util.Random", "java.security.SecureRandom",
                "java.util.concurrent.ThreadLocalRandom").contains(c.getName())))
        .because("a replay must see the values of the first run: use Workflow.currentTimeMillis, Workflow.sleep,"
            + " Workflow.randomUUID and Workflow.newRandom"));
  }

  private static boolean nondeterministic(JavaCall<?> call) {
    String owner = call.getTargetOwner().getName();
    String method = call.getName();
    if (call instanceof JavaConstructorCall) {
      return owner.equals("java.util.Random");
    }
    return switch (owner) {
      case "java.lang.System" -> method.equals("currentTimeMillis") || method.equals("nanoTime");
      case "java.lang.Thread" -> method.equals("sleep");
      case "java.lang.Math" -> method.equals("random");
      case "java.util.UUID" -> method.equals("randomUUID");
      case "java.time.Instant", "java.time.LocalDateTime", "java.time.LocalDate", "java.time.LocalTime",
          "java.time.OffsetDateTime", "java.time.ZonedDateTime", "java.time.OffsetTime" -> method.equals("now");
      default -> false;
    };
  }

  @Test
  void thePlanModelStandsAlone() {
    check(noClasses().that().resideInAPackage("cutover.plan..").should().dependOnClassesThat()
        .resideInAnyPackage("cutover.activities..", "cutover.workflows..", "cutover.starter..", "cutover.worker..",
            "cutover.db..")
        .because("plans are read by the CLI, the worker and the tests alike; kinds reach the parser through"
            + " StepKindCatalog"));
  }

  /**
   * Commands that run a worker or the embedded environment in the CLI's own process, and so
   * legitimately hold targets and activities: {@code worker}, {@code dev}, {@code demo} and the
   * benchmarks (which also time SQL directly against the limits they compare with), the fault
   * suite among them (it checks the data and the ledger itself).
   */
  private static final Set<String> RUNS_A_WORKER = Set.of("WorkerCommand", "DevCommand", "DemoCommand", "BenchCommand",
      "BenchBackfill", "WritesCase", "BenchParity", "BenchFaults", "FaultTarget", "FaultServer", "LockBlockers", "WorkerProcess");

  private static final DescribedPredicate<JavaClass> CLIENT_COMMANDS = describe("are the CLI's client commands",
      c -> resideInAPackage("cutover.starter..").test(c) && !RUNS_A_WORKER.contains(topLevel(c).getSimpleName()));

  @Test
  void theCliReachesNoDatabase() {
    check(noClasses().that(CLIENT_COMMANDS).should().dependOnClassesThat(DATABASE)
        .orShould().dependOnClassesThat(describe("are activity or workflow implementations",
            c -> resideInAnyPackage("cutover.activities..", "cutover.workflows..").test(c)
                && simpleNameEndingWith("Impl").test(topLevel(c))))
        .because("the CLI has no database credentials: it asks the worker through workflows"));
  }

  /**
   * The worker's process: its targets and the worker itself. {@code plan validate} is the one
   * client command that reads this machine's targets file, for the target names only, so that
   * a plan naming an unknown target fails before it is pushed.
   */
  @Test
  void theCliStartsNoWorkerOutsideItsWorkerCommands() {
    check(noClasses().that(CLIENT_COMMANDS).and(describe("are not plan validate",
            c -> !topLevel(c).getSimpleName().equals("PlanCommand")))
        .should().dependOnClassesThat(describe("are the worker process (worker, dev environment, targets)",
            c -> Set.of("cutover.worker.CutoverWorker", "cutover.worker.DevEnvironment", "cutover.worker.TargetConfig")
                .contains(topLevel(c).getName()) || topLevel(c).isEquivalentTo(Targets.class)))
        .because("only the worker knows how to reach a target"));
  }

  private static JavaClass topLevel(JavaClass c) {
    JavaClass outer = c;
    while (outer.getEnclosingClass().isPresent()) {
      outer = outer.getEnclosingClass().get();
    }
    return outer;
  }

  private static void check(ArchRule rule) {
    rule.check(classes);
  }
}
