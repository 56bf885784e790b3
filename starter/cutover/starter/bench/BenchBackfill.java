package cutover.starter.bench;

import cutover.worker.TemporalDevServer;
import cutover.activities.PartResult;
import cutover.activities.PlanPushResult;
import cutover.activities.Targets;
import cutover.starter.CutoverCli;
import cutover.starter.PlanCommand;
import cutover.worker.CutoverWorker;
import cutover.worker.DevEnvironment;
import cutover.worker.TargetConfig;
import cutover.worker.TemporalConnection;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.CutoverPhaseWorkflow;
import cutover.workflows.PhaseRequest;
import cutover.workflows.PhaseResult;
import cutover.workflows.RunState;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DataConverter;
import io.temporal.testserver.TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cutover bench backfill}: the backfill against the database's own copy and update limits. */
final class BenchBackfill {
  private BenchBackfill() {}

  @Command(name = "backfill", mixinStandardHelpOptions = true,
      description = {"Compare the backfill step with one INSERT ... SELECT and one UPDATE.",
          "On a generated table (~140 bytes a row), all on one database: defaults, partitions, a concurrent write "
              + "load, the worker's RSS, history events.",
          "Runs on an embedded PostgreSQL unless --target names a configured target (it creates and drops "
              + "bench_* tables there). The last line is machine-readable."})
  static final class Backfill implements Callable<Integer> {
    static final String TARGET = "bench";
    static final String COLUMNS = "id, tenant, name, status, amount, created_at, metadata";
    static final String OVERVIEW = "overview";
    /** A case's suffix for its run under the concurrent write load. */
    static final String WRITES = "+writes";
    /** How often a waiting bench looks whether its separate worker still runs. */
    static final long WORKER_CHECK_SECONDS = 2;

    @Spec CommandSpec spec;

    @Option(names = "--rows", defaultValue = "5000000", description = "rows in the generated table (default: ${DEFAULT-VALUE})")
    long rows;

    @Option(names = "--partitions", defaultValue = "2",
        description = "partitions of the parallel run (default: ${DEFAULT-VALUE}); the default run has one")
    int partitions;

    @Option(names = "--target", description = "a target configured for the worker (env or --targets-file); default: embedded")
    String target;

    @Option(names = "--targets-file", description = "properties file of targets, as for `cutover worker`")
    Path targetsFile;

    @Option(names = "--write-rate", defaultValue = "200",
        description = "operations per second of the concurrent write load (default: ${DEFAULT-VALUE})")
    int writeRate;

    @Option(names = "--skip-update", description = "skip the in-place UPDATE comparison")
    boolean skipUpdate;

    @Option(names = "--cases", split = ",", defaultValue = "int,uuid,filtered-uuid,join",
        description = {"copy shapes, each against its own single statement (default: ${DEFAULT-VALUE}); one line each:",
            "backfill case=NAME rows=N limit_rows_per_s=X rows_per_s=Y ratio=R walk=W exact=true|false ...;",
            "NAME+writes (e.g. uuid+writes): the case under a concurrent insert/update/delete load, exact by checksum;",
            "overview: the default copy, partitions, writes and an in-place update, as before"})
    List<String> cases;

    @Option(names = "--batch-time", description = "batchTime: of the cases' backfills (default: the step's default)")
    String batchTime;

    @Option(names = "--walk", description = "walk: of the cases' backfills, key, pages, ranges or matches (default: chosen per case)")
    String walk;
    @Option(names = "--guard", description = "run the backfills with a latency guard (guard: true, the default probe)")
    boolean guard;

    @Option(names = "--guard-probe", defaultValue = "default",
        description = {"the guard's probe under writes (implies --guard): default (a one-row write into cutover),",
            "or read (a point read of a random existing row of the case's source, as its application's reads)"})
    GuardProbe guardProbe;

    /** The probe a guarded +writes case names. */
    enum GuardProbe { DEFAULT, READ }

    @Option(names = "--repeat", defaultValue = "1",
        description = {"rounds of each case without writes (default: ${DEFAULT-VALUE}): limit, backfill, limit, ...;",
            "the line gives the median round and ratio_range, the lowest and highest ratio"})
    int repeat;

    private PrintWriter out;
    private DataSource db;
    private TemporalConnection temporal;
    private String targetName;
    private int historyEvents;
    /** The worker in its own process, when the bench runs from the jar; its log. */
    private Process separateWorker;
    private File workerLog;
    private List<String> report = List.of();

    /** grpc's shutdown chatter (java.util.logging) would bury the results; kept referenced so the level sticks. */
    private static final java.util.logging.Logger GRPC = java.util.logging.Logger.getLogger("io.grpc");

    @Override
    public Integer call() throws Exception {
      GRPC.setLevel(java.util.logging.Level.OFF);
      out = spec.commandLine().getOut();
      if (rows < 1000 || partitions < 1 || partitions > 8 || writeRate < 1 || repeat < 1 || repeat > 9) {
        spec.commandLine().getErr().println(
            "cutover bench backfill: --rows >= 1000, --partitions 1-8, --write-rate >= 1, --repeat 1-9");
        return CutoverCli.BAD_INPUT;
      }
      guard |= guardProbe == GuardProbe.READ;
      for (String name : cases) {
        String shape = name.endsWith(WRITES) ? name.substring(0, name.length() - WRITES.length()) : name;
        if (!name.equals(OVERVIEW) && BackfillCase.named(shape) == null) {
          spec.commandLine().getErr().println("cutover bench backfill: no case '" + name + "'; cases: "
              + String.join(", ", BackfillCase.NAMES) + ", each of them with " + WRITES + ", " + OVERVIEW);
          return CutoverCli.BAD_INPUT;
        }
      }
      EmbeddedPostgres postgres = null;
      Targets targets;
      Map<String, String> workerEnv = new HashMap<>();
      if (target == null) {
        // durable as a production server: the embedded default's fsync = off and synchronous_commit = off hide
        // what each batch's commit costs there (one statement commits once)
        say("starting an embedded PostgreSQL (fsync and synchronous_commit on, as in production) ...");
        postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
            .start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
          s.execute("CREATE DATABASE bench");
        }
        String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/bench";
        targets = Targets.of(List.of(new Targets.Target(TARGET, url, "postgres", null)));
        workerEnv.put("CUTOVER_TARGET_BENCH_URL", url);
        workerEnv.put("CUTOVER_TARGET_BENCH_USER", "postgres");
        targetName = TARGET;
      } else {
        targets = TargetConfig.load(targetsFile);
        if (!targets.has(target)) {
          spec.commandLine().getErr().println("no target '" + target + "' configured; have: " + targets.names());
          return CutoverCli.BAD_INPUT;
        }
        targetName = target;
      }
      int port = TemporalDevServer.freePort();
      Process worker = null;
      CutoverWorker inProcess = null;
      try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true)) {
        String address = "127.0.0.1:" + port;
        DevEnvironment.registerSearchAttributes(address);
        temporal = TemporalConnection.open(address, TemporalConnection.DEFAULT_NAMESPACE);
        db = targets.dataSource(targetName);
        Optional<Path> jar = ownJar();
        if (jar.isPresent()) {
          worker = startWorker(jar.get(), address, workerEnv);
          separateWorker = worker;
          say("worker: a separate process (pid " + worker.pid() + "), Temporal test server on " + address);
        } else {
          inProcess = CutoverWorker.start(temporal.client(), targets);
          say("worker: in this process (not running from the jar), Temporal test server on " + address);
        }
        report = run(worker);
      } finally {
        if (worker != null) {
          worker.destroy();
          worker.waitFor();
        }
        if (inProcess != null) {
          inProcess.close();
        }
        if (temporal != null) {
          temporal.close();
        }
        targets.close();
        if (postgres != null) {
          postgres.close();
        }
      }
      // after every server is down, so their shutdown messages come before it: the last line is the result
      report.forEach(out::println);
      out.flush();
      return CutoverCli.OK;
    }

    private List<String> run(Process worker) throws Exception {
      List<String> lines = new ArrayList<>();
      java.util.Set<BackfillCase.Tables> generated = java.util.EnumSet.noneOf(BackfillCase.Tables.class);
      if (cases.contains(OVERVIEW)) {
        lines.addAll(overview(worker));
        generated.add(BackfillCase.Tables.INT);
      }
      // a worker that has run before: its JIT is warm, as in a cutover's later steps
      boolean warm = cases.contains(OVERVIEW);
      for (String name : cases) {
        boolean underWrites = name.endsWith(WRITES);
        BackfillCase copy = BackfillCase.named(underWrites ? name.substring(0, name.length() - WRITES.length()) : name);
        if (copy == null) {
          continue;
        }
        if (generated.add(copy.tables())) {
          generate(copy.tables());
        }
        if (!warm) {
          if (generated.add(BackfillCase.Tables.INT)) {
            generate(BackfillCase.Tables.INT);
          }
          backfill("warm-up", 1, null, Math.min(rows, 200_000));
          warm = true;
        }
        if (underWrites) {
          lines.add(runUnderWrites(copy));
          say(lines.get(lines.size() - 1));
          continue;
        }
        CaseResult result = runCase(copy);
        lines.add(result.line(worker));
        say(lines.get(lines.size() - 1));
      }
      return lines;
    }

    /** What one case measured: its limit, its backfill, whether the two targets are equal. */
    record CaseResult(BackfillCase copy, long rows, double limit, Run run, String walk, boolean exact,
        Map<String, String> more) {
      /** The case's machine-readable line; {@code more} adds fields (in order) after the common ones. */
      String line(Process worker) {
        long rssKb = worker != null ? vmHwmKb(worker.pid()) : vmHwmKb(ProcessHandle.current().pid());
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
            "backfill case=%s rows=%d limit_rows_per_s=%.0f rows_per_s=%.0f ratio=%.2f walk=%s exact=%s", copy.name(), rows,
            limit, run.rowsPerSecond, run.rowsPerSecond / limit, walk, exact));
        more.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        line.append(String.format(Locale.ROOT, " batch_p99_ms=%d batches=%d rss_mb=%d", run.batchP99, run.batches,
            rssKb / 1024));
        return line.toString();
      }
    }

    /**
     * A case: its single statement into an empty table (the limit, the mean of one before and one
     * after), the backfill into another, and their checksums compared.
     */
    private CaseResult runCase(BackfillCase copy) throws Exception {
      String limitTable = "bench_dst_limit";
      double before = limitOf(copy, limitTable);
      String expected = checksum(limitTable);
      long copied = count("SELECT count(*) FROM " + limitTable);
      drop(limitTable);
      String fields = copy.stepFields("bench_dst") + (batchTime == null ? "" : "batchTime: " + batchTime + "\n")
          + (walk == null ? "" : "walk: " + walk + "\n");
      List<Double> limits = new ArrayList<>(List.of(before));
      List<Double> ratios = new ArrayList<>();
      List<Run> runs = new ArrayList<>();
      boolean exact = true;
      for (int round = 0; round < repeat; round++) {
        Run run = runPlan(copy.name(), fields, "bench_dst", copy.target());
        run.rowsPerSecond = copied / run.seconds;
        exact &= expected.equals(checksum("bench_dst"));
        drop("bench_dst");
        double after = limitOf(copy, limitTable);
        drop(limitTable);
        say(String.format(Locale.ROOT, "  %s: limit %.2f s before and %.2f s after (%,d rows); backfill %.2f s, %s",
            copy.name(), copied / before, copied / after, copied, run.seconds, run.outcome));
        say("    activities: " + run.timeline);
        // against the mean of the limits that bracket it in time: the shared machine's load changes under all three
        ratios.add(run.rowsPerSecond / ((before + after) / 2));
        limits.add(after);
        runs.add(run);
        before = after;
      }
      Map<String, String> more = new java.util.LinkedHashMap<>();
      if (repeat > 1) {
        more.put("rounds", String.valueOf(repeat));
        more.put("ratio_range", String.format(Locale.ROOT, "%.2f-%.2f", java.util.Collections.min(ratios),
            java.util.Collections.max(ratios)));
      }
      // the median round: one slow moment of the machine moves the figures of one round, not the result
      int median = medianIndex(ratios);
      Run run = runs.get(median);
      return new CaseResult(copy, copied, run.rowsPerSecond / ratios.get(median), run, run.walk(), exact, more);
    }

    /** The index of the median of the values (the lower one of the middle two). */
    static int medianIndex(List<Double> values) {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        order.add(i);
      }
      order.sort(java.util.Comparator.comparing(values::get));
      return order.get((values.size() - 1) / 2);
    }

    /**
     * A case under the concurrent write load: its limit first (the case's own single statement,
     * without the load), then the load alone for about as long as that statement's copy would
     * take a backfill, then the backfill under the load.
     */
    private String runUnderWrites(BackfillCase copy) throws Exception {
      String limitTable = "bench_dst_limit";
      double limit = limitOf(copy, limitTable);
      long copied = count("SELECT count(*) FROM " + limitTable);
      drop(limitTable);
      long loadSeconds = Math.max(5, Math.round(1.2 * copied / limit));
      WritesCase.Shape shape = WritesCase.Shape.of(copy, rows);
      String fields = shape.step() + (batchTime == null ? "" : "batchTime: " + batchTime + "\n")
          + (walk == null ? "" : "walk: " + walk + "\n");
      return new WritesCase(db, out, writeRate, rows).run(new WritesCase.Shape(shape.name(), fields, shape.createTarget(),
          shape.source(), shape.targetRows(), shape.writes()), limit, loadSeconds, runner(shape));
    }

    /** Runs a +writes case's plans; under --guard-probe read its guard probes the case's source. */
    private WritesCase.Runner runner(WritesCase.Shape shape) {
      String probe = guardProbe == GuardProbe.READ ? shape.writes().read() : null;
      return (name, stepFields, interleave) -> runPlan(name, stepFields, null, null, interleave, probe);
    }

    /** The case's single statement into a fresh empty table: rows per second. */
    private double limitOf(BackfillCase copy, String table) throws Exception {
      drop(table);
      sql(String.format(Locale.ROOT, copy.target(), table));
      sql("CHECKPOINT");
      long started = System.nanoTime();
      long copied = update("INSERT INTO " + table + " (" + copy.targetColumns() + ") " + copy.select());
      return copied / seconds(started);
    }

    /** Rows and a sum of row hashes: equal for equal multisets of rows (up to hash collisions), without a sort. */
    private String checksum(String table) throws Exception {
      return text("SELECT count(*) || ':' || coalesce(sum(hashtextextended(r::text, 0)), 0) FROM " + table + " r");
    }

    private List<String> overview(Process worker) throws Exception {
      generate();
      // a worker that has run before: its JIT is warm, as in a cutover's later steps
      backfill("warm-up", 1, null, Math.min(rows, 200_000));
      double firstLimit = limitCopy();
      Run defaults = backfill("defaults", 1, null, rows);
      Run parallel = backfill(partitions + " partitions", partitions, null, rows);
      double secondLimit = limitCopy();
      // the faster of two: the ratios below are conservative
      double limit = Math.max(firstLimit, secondLimit);

      long loadSeconds = Math.max(5, Math.round(defaults.seconds));
      say("write load alone: " + writeRate + " ops/s for " + loadSeconds + " s (half single-row UPDATEs, half INSERTs)");
      WriteLoad.Latencies baseline;
      try (WriteLoad load = new WriteLoad(db, writeRate, rows)) {
        Thread.sleep(loadSeconds * 1000);
        baseline = load.stop();
      }
      say("  " + baseline);
      WriteLoad.Latencies during;
      Run loaded;
      try (WriteLoad load = new WriteLoad(db, writeRate, rows)) {
        loaded = backfill("defaults, with the write load", 1, null, rows);
        during = load.stop();
      }
      say("  writes during the backfill: " + during);

      double updateLimit = Double.NaN;
      Run update = null;
      if (!skipUpdate) {
        double firstUpdate = limitUpdate();
        copyForUpdate("bench_upd");
        update = backfill("in-place update", 1, "bench_upd", rows);
        drop("bench_upd");
        updateLimit = Math.max(firstUpdate, limitUpdate());
      }
      WritesCase.Shape intShape = WritesCase.Shape.of(BackfillCase.named("int"), rows);
      String intWrites = new WritesCase(db, out, writeRate, rows).run(intShape, limit, loadSeconds, runner(intShape));
      long rssKb = worker != null ? vmHwmKb(worker.pid()) : vmHwmKb(ProcessHandle.current().pid());

      double ratio = defaults.rowsPerSecond / limit;
      double parallelRatio = parallel.rowsPerSecond / limit;
      double updateRatio = update == null ? Double.NaN : update.rowsPerSecond / updateLimit;
      List<String> lines = new ArrayList<>();
      lines.add("");
      lines.add(String.format(Locale.ROOT, "%-40s %12s %8s %s", "run", "rows/s", "ratio", "batches, batch ms p50/p99/max"));
      lines.add(String.format(Locale.ROOT, "%-40s %,12.0f %8s  (faster of %,.0f and %,.0f)", "one INSERT ... SELECT",
          limit, "1.00", firstLimit, secondLimit));
      lines.add(line("backfill, defaults (1 part)", defaults, limit));
      lines.add(line("backfill, " + partitions + " partitions", parallel, limit));
      lines.add(line("backfill, defaults, with writes", loaded, limit));
      if (update != null) {
        lines.add(String.format(Locale.ROOT, "%-40s %,12.0f %8s", "one UPDATE", updateLimit, "1.00"));
        lines.add(line("backfill, in-place update", update, updateLimit));
      }
      lines.add(String.format(Locale.ROOT, "writes at %d/s, ms p50/p99/max: alone %s; during the backfill %s", writeRate,
          baseline.brief(), during.brief()));
      lines.add(String.format(Locale.ROOT,
          "worker peak RSS (VmHWM) %d MB; most history events of a backfill's phase workflow %d", rssKb / 1024,
          historyEvents));
      lines.add(String.format(Locale.ROOT,
          "partitioned_rows_per_s=%.0f partitioned_ratio=%.2f batch_p99_ms=%d with_writes_rows_per_s=%.0f",
          parallel.rowsPerSecond, parallelRatio, defaults.batchP99, loaded.rowsPerSecond));
      lines.add(String.format(Locale.ROOT, "backfill case=overview rows=%d limit_rows_per_s=%.0f rows_per_s=%.0f ratio=%.2f partitions=%d"
              + " update_ratio=%.2f write_p99_ms=%.1f baseline_write_p99_ms=%.1f write_max_ms=%.1f rss_mb=%d"
              + " history_events=%d guard=%s",
          rows, limit, defaults.rowsPerSecond, ratio, partitions, updateRatio, during.p99(), baseline.p99(),
          during.max(), rssKb / 1024, historyEvents, guard ? "on" : "off"));
      lines.add(intWrites);
      return lines;
    }

    private static String line(String name, Run run, double limit) {
      return String.format(Locale.ROOT, "%-40s %,12.0f %8.2f %,d, %d/%d/%d", name, run.rowsPerSecond,
          run.rowsPerSecond / limit, run.batches, run.batchP50, run.batchP99, run.batchMax);
    }

    // ------------------------------------------------------------------ the database

    private void generate() throws Exception {
      say(String.format(Locale.ROOT, "generating bench_src: %,d rows of ~140 bytes (id, tenant uuid, name, status,"
          + " amount, created_at, jsonb metadata) ...", rows));
      long started = System.nanoTime();
      sql("DROP TABLE IF EXISTS bench_src, bench_dst, bench_dst_limit, bench_upd, bench_upd_limit");
      sql("CREATE TABLE bench_src (id bigint PRIMARY KEY, tenant uuid NOT NULL, name text NOT NULL,"
          + " status text NOT NULL, amount numeric(12,2), created_at timestamptz NOT NULL, metadata jsonb, score bigint)");
      long chunk = 1_000_000;
      for (long from = 1; from <= rows; from += chunk) {
        sql("INSERT INTO bench_src (" + COLUMNS + ") SELECT g, md5('tenant' || (g % 50))::uuid, 'contract ' || g,"
            + " (ARRAY['active', 'draft', 'expired'])[g % 3 + 1], (g % 100000) / 100.0,"
            + " timestamptz '2024-01-01' + g * interval '1 second',"
            + " jsonb_build_object('tier', g % 4, 'seats', g % 50, 'renewal', 'auto')"
            + " FROM generate_series(" + from + ", " + Math.min(rows, from + chunk - 1) + ") g");
      }
      sql("VACUUM ANALYZE bench_src");
      say(String.format(Locale.ROOT, "  %.1f s; %s on disk, %.0f bytes a row with its tuple header", seconds(started),
          text("SELECT pg_size_pretty(pg_relation_size('bench_src'))"),
          Double.parseDouble(text("SELECT pg_relation_size('bench_src')::float8 / " + rows))));
    }

    private void generate(BackfillCase.Tables tables) throws Exception {
      say(String.format(Locale.ROOT, "generating the %s tables (%,d rows) ...", tables.name().toLowerCase(Locale.ROOT),
          rows));
      long started = System.nanoTime();
      for (String statement : BackfillCase.generate(tables, rows)) {
        sql(statement);
      }
      say(String.format(Locale.ROOT, "  %.1f s", seconds(started)));
    }

    private double limitCopy() throws Exception {
      sql("CREATE TABLE bench_dst_limit (LIKE bench_src INCLUDING ALL)");
      sql("CHECKPOINT");
      long started = System.nanoTime();
      sql("INSERT INTO bench_dst_limit (" + COLUMNS + ") SELECT " + COLUMNS + " FROM bench_src");
      double seconds = seconds(started);
      drop("bench_dst_limit");
      say(String.format(Locale.ROOT, "limit: one INSERT ... SELECT of %,d rows: %.2f s, %,.0f rows/s", rows, seconds,
          rows / seconds));
      return rows / seconds;
    }

    private double limitUpdate() throws Exception {
      copyForUpdate("bench_upd_limit");
      sql("CHECKPOINT");
      long started = System.nanoTime();
      sql("UPDATE bench_upd_limit SET score = id * 7 % 1000");
      double seconds = seconds(started);
      drop("bench_upd_limit");
      say(String.format(Locale.ROOT, "limit: one UPDATE of %,d rows: %.2f s, %,.0f rows/s", rows, seconds,
          rows / seconds));
      return rows / seconds;
    }

    private void copyForUpdate(String table) throws Exception {
      sql("DROP TABLE IF EXISTS " + table);
      sql("CREATE TABLE " + table + " AS SELECT * FROM bench_src WHERE id <= " + rows);
      sql("ALTER TABLE " + table + " ADD PRIMARY KEY (id)");
      sql("VACUUM ANALYZE " + table);
    }

    // ------------------------------------------------------------------ backfills through Temporal

    /** One backfill run: a copy into a fresh bench_dst, or (updateTable) an update of that table in place. */
    private Run backfill(String name, int parts, String updateTable, long upTo) throws Exception {
      String dst = "bench_dst";
      StringBuilder fields = new StringBuilder();
      if (updateTable == null) {
        fields.append("from: bench_src\nkey: [id]\nwhere: id <= ").append(upTo)
            .append("\ninto: ").append(dst).append("\ncolumns:\n");
        for (String column : COLUMNS.split(", ")) {
          fields.append("  ").append(column).append(": ").append(column).append('\n');
        }
      } else {
        fields.append("from: ").append(updateTable).append("\nkey: [id]\n")
            .append("set: {score: id * 7 % 1000}\nirreversible: true\n");
      }
      if (parts > 1) {
        fields.append("partitions: ").append(parts).append('\n');
      }
      Run run = runPlan(name, fields.toString(), updateTable == null ? dst : null,
          "CREATE TABLE %s (LIKE bench_src INCLUDING ALL)");
      run.rowsPerSecond = upTo / run.seconds;
      long copied = updateTable == null ? count("SELECT count(*) FROM " + dst)
          : count("SELECT count(*) FROM " + updateTable + " WHERE score IS NOT NULL");
      if (copied != upTo) {
        throw new IllegalStateException("backfill " + name + " wrote " + copied + " rows, not " + upTo);
      }
      if (updateTable == null) {
        drop(dst);
      }
      say(String.format(Locale.ROOT, "backfill (%s): %.2f s, %,.0f rows/s; %,d batches, batch ms p50/p99/max %d/%d/%d;"
          + " %d history events", name, run.seconds, run.rowsPerSecond, run.batches, run.batchP50, run.batchP99,
          run.batchMax, run.events));
      return run;
    }

    /**
     * A plan of one backfill step with these fields, pushed and run as a phase through Temporal;
     * {@code dst} (when not null) is made afresh from {@code targetDdl} first. Rows per second are the caller's.
     */
    private Run runPlan(String name, String stepFields, String dst, String targetDdl) throws Exception {
      return runPlan(name, stepFields, dst, targetDdl, null, null);
    }

    /**
     * @param interleave pauses and resumes the run while it copies, or null
     * @param probe the guard's probe under --guard, or null for the default one
     */
    private Run runPlan(String name, String stepFields, String dst, String targetDdl, WritesCase.Interleave interleave,
        String probe) throws Exception {
      if (dst != null) {
        drop(dst);
        sql(String.format(Locale.ROOT, targetDdl, dst));
      }
      sql("CHECKPOINT");
      String tag = name.replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
      String planName = "bench-" + tag;
      StringBuilder plan = new StringBuilder("name: " + planName + "\ntarget: " + targetName + "\nphases:\n"
          + "  - name: backfill\n    steps:\n      - id: backfill\n        kind: backfill\n");
      stepFields.lines().forEach(line -> plan.append("        ").append(line).append('\n'));
      if (guard) {
        plan.append(probe == null ? "        guard: true\n" : "        guard:\n          probe: \"" + probe + "\"\n");
      }
      PlanPushResult pushed = PlanCommand.Push.push(temporal, plan.toString(), planName + ".yaml", targetName, "bench");
      if (!pushed.problems().isEmpty()) {
        throw new IllegalStateException("bench plan is invalid: " + pushed.problems());
      }
      String workflowId = planName + "-" + UUID.randomUUID().toString().substring(0, 8);
      WorkflowClient client = temporal.client();
      CutoverPhaseWorkflow phase = client.newWorkflowStub(CutoverPhaseWorkflow.class, WorkflowOptions.newBuilder()
          .setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId(workflowId).build());
      long started = System.nanoTime();
      WorkflowClient.start(phase::run, new PhaseRequest(planName, targetName, null, "backfill", null, "bench", null));
      if (interleave != null) {
        interleave.start(client.newWorkflowStub(CutoverPhaseWorkflow.class, workflowId));
      }
      PhaseResult result;
      try {
        result = awaitWhileWorkerRuns(name, WorkflowStub.fromTyped(phase).getResultAsync(PhaseResult.class));
      } finally {
        if (interleave != null) {
          interleave.stop();
        }
      }
      double seconds = seconds(started);
      if (result.state() != RunState.COMPLETED) {
        throw new IllegalStateException("backfill " + name + " ended " + result.state() + ": " + result.steps());
      }
      List<HistoryEvent> events = client.fetchHistory(workflowId).getEvents();
      historyEvents = Math.max(historyEvents, events.size());
      Run run = new Run(name, seconds, events.size(), result.steps().get(0).outcome());
      run.timeline = timeline(events, started);
      for (PartResult part : partResults(events)) {
        run.batches += part.batches();
        run.batchP50 = Math.max(run.batchP50, part.batchP50Millis());
        run.batchP99 = Math.max(run.batchP99, part.batchP99Millis());
        run.batchMax = Math.max(run.batchMax, part.batchMaxMillis());
      }
      return run;
    }

    /**
     * Where a run's time went: seconds per activity type, from its scheduling to its completion
     * (parts run side by side: their sum can exceed the run), and what the activities left.
     */
    private static String timeline(List<HistoryEvent> events, long startedNanos) {
      Map<Long, HistoryEvent> scheduled = new HashMap<>();
      Map<String, Double> seconds = new java.util.LinkedHashMap<>();
      for (HistoryEvent event : events) {
        if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
          scheduled.put(event.getEventId(), event);
        } else if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
          HistoryEvent from = scheduled.get(event.getActivityTaskCompletedEventAttributes().getScheduledEventId());
          if (from != null) {
            double took = com.google.protobuf.util.Durations.toNanos(
                com.google.protobuf.util.Timestamps.between(from.getEventTime(), event.getEventTime())) / 1e9;
            seconds.merge(from.getActivityTaskScheduledEventAttributes().getActivityType().getName(), took, Double::sum);
          }
        }
      }
      StringBuilder line = new StringBuilder();
      seconds.forEach((type, s) -> line.append(line.length() == 0 ? "" : ", ")
          .append(String.format(Locale.ROOT, "%s %.2f s", type, s)));
      return line.toString();
    }

    /** The results of the RunStepPart activities in a history. */
    private List<PartResult> partResults(List<HistoryEvent> events) {
      DataConverter converter = temporal.client().getOptions().getDataConverter();
      Map<Long, String> types = new HashMap<>();
      List<PartResult> results = new ArrayList<>();
      for (HistoryEvent event : events) {
        if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
          types.put(event.getEventId(), event.getActivityTaskScheduledEventAttributes().getActivityType().getName());
        } else if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
          var done = event.getActivityTaskCompletedEventAttributes();
          if ("RunStepPart".equals(types.get(done.getScheduledEventId()))) {
            results.add(converter.fromPayloads(0, Optional.of(done.getResult()), PartResult.class, PartResult.class));
          }
        }
      }
      return results;
    }

    static final class Run {
      private static final java.util.regex.Pattern WALK = java.util.regex.Pattern.compile("walk: ([a-z]+)");
      final String name;
      final double seconds;
      final int events;
      final String outcome;
      double rowsPerSecond;
      long batches;
      long batchP50;
      long batchP99;
      long batchMax;
      /** Seconds per activity type ({@link #timeline}). */
      String timeline = "";

      Run(String name, double seconds, int events, String outcome) {
        this.name = name;
        this.seconds = seconds;
        this.events = events;
        this.outcome = outcome;
      }

      /** The walk the step's outcome names. */
      String walk() {
        java.util.regex.Matcher found = WALK.matcher(String.valueOf(outcome));
        return found.find() ? found.group(1) : "unknown";
      }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The run's result, or a failure naming the worker's exit and log as soon as the separate
     * worker is gone: no other worker polls the bench's server, so the run would wait forever.
     */
    private PhaseResult awaitWhileWorkerRuns(String name, CompletableFuture<PhaseResult> result)
        throws Exception {
      while (true) {
        try {
          return result.get(WORKER_CHECK_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException stillRunning) {
          if (separateWorker != null && !separateWorker.isAlive()) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                "the bench's worker (pid %d) exited with code %d while backfill %s ran; its log, %s, ends:%n%s",
                separateWorker.pid(), separateWorker.exitValue(), name, workerLog, tail(workerLog, 20)));
          }
        } catch (ExecutionException failed) {
          throw failed.getCause() instanceof Exception cause ? cause : failed;
        }
      }
    }

    /** The last {@code lines} lines of a file, or a word on why not. */
    static String tail(File file, int lines) {
      try {
        List<String> all = Files.readAllLines(file.toPath());
        return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
      } catch (IOException e) {
        return "(unreadable: " + e.getMessage() + ")";
      }
    }

    private Process startWorker(Path jar, String address, Map<String, String> env) throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> command = new ArrayList<>(List.of(java, "-jar", jar.toString(), "worker", "--address", address));
      if (targetsFile != null) {
        command.addAll(List.of("--targets-file", targetsFile.toString()));
      }
      File log = Files.createTempFile("cutover-bench-worker", ".log").toFile();
      workerLog = log;
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
      builder.environment().putAll(env);
      say("  worker log: " + log);
      return builder.start();
    }

    private static Optional<Path> ownJar() {
      try {
        Path location = Path.of(BenchBackfill.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return location.toString().endsWith(".jar") ? Optional.of(location) : Optional.empty();
      } catch (Exception e) {
        return Optional.empty();
      }
    }

    /** Peak resident set size of a process, from /proc/PID/status (VmHWM), in kB; 0 where unknown. */
    static long vmHwmKb(long pid) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
          if (line.startsWith("VmHWM:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (Exception e) {
        return 0;
      }
      return 0;
    }

    private void drop(String table) throws Exception {
      sql("DROP TABLE IF EXISTS " + table);
    }

    private void sql(String sql) throws Exception {
      try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
        s.execute("SET statement_timeout = 0");
        s.execute(sql);
      }
    }

    private long update(String sql) throws Exception {
      try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
        s.execute("SET statement_timeout = 0");
        return s.executeUpdate(sql);
      }
    }

    private long count(String sql) throws Exception {
      return Long.parseLong(text(sql));
    }

    private String text(String sql) throws Exception {
      try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
        r.next();
        return r.getString(1);
      }
    }

    private void say(String line) {
      out.println(line);
      out.flush();
    }

    private static double seconds(long sinceNanos) {
      return (System.nanoTime() - sinceNanos) / 1e9;
    }
  }

  /**
   * A write load at a fixed rate on bench_src: single-row UPDATEs of random existing rows and
   * INSERTs of new rows (keys above the backfill's bound), each its own transaction; mixed, also
   * DELETEs of random rows and INSERTs again of random keys among the existing ones. Latency is
   * measured from when an operation was due, so a stall delays and counts every operation behind it.
   * With a fence (a query that turns true when the backfill is recorded) each write checks it in
   * its transaction and the load stops at the first write after it, rolled back: the source then
   * ends as the backfill's last transaction saw it.
   */
  static final class WriteLoad implements AutoCloseable {
    static final int THREADS = 8;
    /** The next number of a new row per source table, over every load of the run: inserted keys never repeat. */
    private static final Map<String, AtomicLong> NEXT_NEW = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The application's writes to one source, each SQL with the row's number {@code n} as its last
     * parameter (rows 1..N exist; a new row's number is above them).
     *
     * @param update sets a text column to its first parameter and changes a number, for row n
     * @param insert inserts row n (nothing when it exists)
     * @param delete deletes row n
     */
    record Writes(String table, String update, String insert, String delete, String read) {
      /** @param read a point read of a random existing row, as the application's reads: a guard's probe */
      static Writes of(BackfillCase.Tables tables, long rows) {
        // the row's number is drawn once (an uncorrelated subquery): random() in the condition itself would scan
        String n = "(SELECT 1 + floor(random() * " + rows + ")::bigint AS n) k";
        // line n belongs to contract (n - 1) * 2 / 5 + 1 of tenant (contract % 3); a new line joins an existing contract
        String lineN = " WHERE l.tenant = md5('tenant' || (((k.n - 1) * 2 / 5 + 1) % 3))::uuid"
            + " AND l.contract_line_id = md5('line' || k.n)::uuid";
        return switch (tables) {
          case INT -> new Writes("bench_src", "UPDATE bench_src SET status = ?, amount = amount + 1 WHERE id = ?",
              "INSERT INTO bench_src (" + Backfill.COLUMNS + ") SELECT n, md5('tenant' || (n % 50))::uuid,"
                  + " 'contract ' || n, 'active', 1.00, now(), jsonb_build_object('tier', 1, 'seats', 2, 'renewal', 'auto')"
                  + " FROM (SELECT ?::bigint AS n) k ON CONFLICT (id) DO NOTHING",
              "DELETE FROM bench_src WHERE id = ?",
              "SELECT s.status, s.amount FROM bench_src s, " + n + " WHERE s.id = k.n");
          case UUID -> new Writes("bench_uuid", "UPDATE bench_uuid SET status = ?, amount = amount + 1"
                  + " WHERE id = md5('row' || ?::bigint)::uuid",
              "INSERT INTO bench_uuid (" + Backfill.COLUMNS + ") SELECT md5('row' || n)::uuid,"
                  + " md5('tenant' || (n % 50))::uuid, 'contract ' || n, 'active', 1.00, now(),"
                  + " jsonb_build_object('tier', 1, 'seats', 2, 'renewal', 'auto')"
                  + " FROM (SELECT ?::bigint AS n) k ON CONFLICT (id) DO NOTHING",
              "DELETE FROM bench_uuid WHERE id = md5('row' || ?::bigint)::uuid",
              "SELECT u.status, u.amount FROM bench_uuid u, " + n + " WHERE u.id = md5('row' || k.n)::uuid");
          case CONTRACTS -> new Writes("bench_lines", "UPDATE bench_lines l SET billing_frequency = ?, rate = rate + 1"
                  + " FROM (SELECT ?::bigint AS n) k" + lineN,
              "INSERT INTO bench_lines SELECT md5('tenant' || (c % 3))::uuid, md5('line' || n)::uuid,"
                  + " md5('contract' || c)::uuid, 'line ' || n, 'monthly', 0, 1.00"
                  + " FROM (SELECT n, abs(hashint8(n)) % " + Math.max(1, rows * 2 / 5) + " + 1 AS c"
                  + " FROM (SELECT ?::bigint AS n) k) k ON CONFLICT DO NOTHING",
              "DELETE FROM bench_lines l USING (SELECT ?::bigint AS n) k" + lineN,
              "SELECT l.billing_frequency, l.rate FROM bench_lines l, " + n + lineN);
        };
      }
    }

    private final DataSource db;
    private final int rate;
    private final long existing;
    private final Writes writes;
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong newId;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final long[] latencies = new long[1 << 20];
    /** When each write of {@link #latencies} was due (nanoTime). */
    private final long[] dues = new long[1 << 20];
    private final AtomicLong recorded = new AtomicLong();
    private final long startNanos = System.nanoTime();

    private final boolean mixed;
    private final String fence;

    /** Half updates, half inserts of new rows, on bench_src. */
    WriteLoad(DataSource db, int rate, long existing) throws Exception {
      this(db, rate, existing, Writes.of(BackfillCase.Tables.INT, existing), false, null);
    }

    /**
     * @param mixed a quarter each of updates, inserts of new rows, deletes and inserts of existing keys
     * @param fence a query each write runs before its commit; when true the write is rolled back and the load stops
     */
    WriteLoad(DataSource db, int rate, long existing, Writes writes, boolean mixed, String fence) throws Exception {
      this.db = db;
      this.rate = rate;
      this.existing = existing;
      this.writes = writes;
      this.mixed = mixed;
      this.fence = fence;
      newId = NEXT_NEW.computeIfAbsent(writes.table(), t -> new AtomicLong(existing + 1));
      for (int i = 0; i < THREADS; i++) {
        Thread thread = new Thread(this::work, "write-load-" + i);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
      }
    }

    private void work() {
      try (Connection c = db.getConnection();
          PreparedStatement update = c.prepareStatement(writes.update());
          PreparedStatement insert = c.prepareStatement(writes.insert());
          PreparedStatement delete = c.prepareStatement(writes.delete());
          PreparedStatement fenced = c.prepareStatement(fence == null ? "SELECT false" : fence)) {
        c.setAutoCommit(fence == null);
        while (!stopped.get()) {
          long op = next.getAndIncrement();
          long due = startNanos + op * 1_000_000_000L / rate;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
          if (stopped.get()) {
            break;
          }
          long kind = mixed ? op % 4 : op % 2;
          long random = 1 + ThreadLocalRandom.current().nextLong(existing);
          if (kind == 0) {
            update.setString(1, op % 3 == 0 ? "draft" : "active");
            update.setLong(2, random);
            update.executeUpdate();
          } else if (kind == 2) {
            delete.setLong(1, random);
            delete.executeUpdate();
          } else {
            long id = kind == 1 ? newId.getAndIncrement() : random;
            insert.setLong(1, id);
            insert.executeUpdate();
          }
          if (fence != null) {
            boolean past;
            try (ResultSet r = fenced.executeQuery()) {
              past = r.next() && r.getBoolean(1);
            }
            if (past) {
              c.rollback();
              stopped.set(true);
              break;
            }
            c.commit();
          }
          long index = recorded.getAndIncrement();
          if (index < latencies.length) {
            latencies[(int) index] = System.nanoTime() - due;
            dues[(int) index] = due;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        throw new IllegalStateException("the write load failed: " + e.getMessage(), e);
      }
    }

    record Latencies(long count, double p50, double p99, double max) {
      /** The figures of latencies in ns. */
      static Latencies of(long[] latencies) {
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        if (n == 0) {
          return new Latencies(0, 0, 0, 0);
        }
        return new Latencies(n, sorted[(int) Math.ceil(0.50 * n) - 1] / 1e6, sorted[(int) Math.ceil(0.99 * n) - 1] / 1e6,
            sorted[n - 1] / 1e6);
      }

      String brief() {
        return String.format(Locale.ROOT, "%.1f/%.1f/%.1f", p50, p99, max);
      }

      @Override
      public String toString() {
        return String.format(Locale.ROOT, "%,d writes, latency ms p50 %.1f, p99 %.1f, max %.1f", count, p50, p99, max);
      }
    }

    Latencies stop() throws InterruptedException {
      return Latencies.of(samples().latencies());
    }

    /** Each write's latency in ns, counted from when it was due, and when that was (nanoTime). */
    record Samples(long[] dues, long[] latencies) {}

    /** Stops the load: its writes' latencies. */
    Samples samples() throws InterruptedException {
      stopped.set(true);
      for (Thread thread : threads) {
        thread.join(10_000);
      }
      int n = (int) Math.min(recorded.get(), latencies.length);
      return new Samples(Arrays.copyOf(dues, n), Arrays.copyOf(latencies, n));
    }

    @Override
    public void close() throws InterruptedException {
      if (!stopped.get()) {
        stop();
      }
    }
  }
}
