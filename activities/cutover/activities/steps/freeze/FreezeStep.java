package cutover.activities.steps.freeze;

import cutover.activities.AppliedSteps;
import cutover.activities.steps.DefinedKind;
import cutover.activities.steps.ExecutedKind;
import cutover.activities.steps.Json;
import cutover.activities.steps.SqlTimeouts;
import cutover.activities.steps.StepContext;
import cutover.activities.steps.StepEnvironment;
import cutover.activities.steps.StepOutcome;
import cutover.activities.steps.freeze.FrozenWrites.Block;
import cutover.activities.steps.freeze.WriterSessions.Settled;
import cutover.plan.StepFields;
import cutover.plan.Undo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code kind: freeze} — blocks writes in the database itself, until its {@code unfreeze} step
 * ({@code kind: unfreeze, of: <this id>}) or a rollback lifts the block.
 *
 * <p>{@code tables: [orders]} (optionally {@code where: "tenant = 'acme'"}, plan SQL as written)
 * puts a trigger on each table that refuses INSERT, UPDATE, DELETE and TRUNCATE with the
 * freeze's words. Its {@code CREATE TRIGGER} must wait for the tables' writing transactions, so
 * those are dealt with first: the step waits up to {@code grace:} for them to end, then ends the
 * rest ({@code terminate: true}) or fails naming them, before it takes its lock under the
 * plan's {@code lock_timeout} with the usual retries.
 *
 * <p>{@code role: app} sets the role's {@code default_transaction_read_only} in the target's
 * database: every session it opens afterwards is read-only, and that holds for every table,
 * however the role got its privileges, which revoking grants would not. Sessions it opened
 * before still write, so after the block is in place the step ends the idle ones and waits up to
 * {@code grace:} for those in a transaction ({@code terminate: true}), or waits for all of them
 * to close and otherwise lifts the block again and fails naming them.
 *
 * <p>The block and its row in {@code cutover.frozen_write} commit in one transaction: a retried
 * step finds the row and freezes nothing twice. What it waited for and ended is the step's
 * outcome and report (sessions by pid, application, state and transaction age; never their SQL).
 */
public final class FreezeStep extends DefinedKind<FreezeSpec> implements ExecutedKind<FreezeSpec> {
  static final String NAME = "freeze";
  private static final int MAX_IDENTIFIER = 63;

  public FreezeStep() {
    super(NAME, Undo.AUTOMATIC, Execution.OUTSIDE_TRANSACTION, FreezeSpec.class);
  }

  @Override
  public FreezeSpec read(StepFields fields) {
    List<String> tables = fields.optionalStringList("tables");
    String where = fields.optionalString("where");
    String role = fields.optionalString("role");
    String reason = fields.optionalString("reason");
    Duration grace = fields.optionalDuration("grace", null);
    Boolean terminate = fields.optionalBoolean("terminate");
    SqlTimeouts timeouts = SqlTimeouts.read(fields);
    if (tables == null && role == null) {
      fields.problem("tables", "a freeze step needs tables: or role:",
          "write tables: [orders] to refuse writes to tables, or role: app to make a role read-only");
    } else if (tables != null && role != null) {
      fields.problem("role", "a freeze step freezes tables: or a role:, not both", "write two freeze steps");
    }
    if (tables != null) {
      checkTables(fields, tables);
    }
    if (role != null && (role.isBlank() || role.contains("\"") || !role.strip().equals(role)
        || role.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER)) {
      fields.problem("role", "'" + role + "' is not a role name", "write the role's name, without quotes");
    }
    if (where != null && (tables == null || role != null)) {
      fields.problem("where", "where: freezes some rows of tables: and needs them", "list the tables, or remove where:");
    } else if (where != null && where.isBlank()) {
      fields.problem("where", "where: is blank", "give a condition such as where: \"tenant = 'acme'\", or remove it");
    }
    if (reason != null && reason.length() > 200) {
      fields.problem("reason", "the reason is longer than 200 characters", "shorten it");
    }
    if (grace != null && grace.compareTo(FreezeSpec.LONGEST_GRACE) > 0) {
      fields.problem("grace", "grace " + grace + " is longer than 1h, while the frozen writers wait",
          "give at most 1h, e.g. grace: 30s");
    }
    return new FreezeSpec(tables, where, role, reason, grace, terminate, timeouts);
  }

  private static void checkTables(StepFields fields, List<String> tables) {
    if (tables.isEmpty()) {
      fields.problem("tables", "tables: is empty", "list the tables to freeze, e.g. tables: [orders, order_lines]");
    }
    Set<String> seen = new HashSet<>();
    for (String table : tables) {
      String[] parts = table.split("\\.", -1);
      boolean plain = parts.length <= 2;
      for (String part : parts) {
        plain &= !part.isBlank() && part.strip().equals(part) && !part.contains("\"")
            && part.getBytes(StandardCharsets.UTF_8).length <= MAX_IDENTIFIER;
      }
      if (!plain) {
        fields.problem("tables", "'" + table + "' is not a table name", "write table or schema.table, without quotes");
      } else if (!seen.add(table)) {
        fields.problem("tables", "'" + table + "' is listed twice", "list each table once");
      }
    }
  }

  @Override
  public StepOutcome apply(StepContext context, FreezeSpec spec) {
    StepEnvironment environment = context.environment();
    String runId = context.runId();
    String stepId = context.step().id();
    List<Block> before = environment.inTransaction(tx -> new FrozenWrites(tx).blocks(runId, stepId));
    return spec.scope() == FreezeScope.TABLE
        ? freezeTables(context, spec, before)
        : freezeRole(context, spec, before);
  }

  private StepOutcome freezeTables(StepContext context, FreezeSpec spec, List<Block> before) {
    String runId = context.runId();
    String stepId = context.step().id();
    Settled settled = Settled.NONE;
    List<Block> blocks = before;
    if (before.isEmpty()) {
      settled = WriterSessions.settle(context.environment(), WriterSessions.writersOf(spec.tables()), spec.grace(),
          spec.terminate(), "writing session", "could not freeze " + String.join(", ", spec.tables()));
      blocks = context.environment().inTransaction(tx -> {
        new AppliedSteps(tx).lockStep(runId, stepId);
        FrozenWrites ledger = new FrozenWrites(tx);
        List<Block> found = ledger.blocks(runId, stepId);
        return found.isEmpty() ? ledger.freezeTables(runId, stepId, spec) : found;
      });
    }
    List<String> frozen = blocks.stream().map(Block::frozen).toList();
    String summary = "froze " + String.join(", ", frozen) + (spec.where() == null ? "" : " where " + spec.where())
        + ": writes refused by trigger " + blocks.get(0).trigger();
    return outcome(summary, settled, "writing session", spec, frozen, blocks.get(0).trigger());
  }

  private StepOutcome freezeRole(StepContext context, FreezeSpec spec, List<Block> before) {
    String runId = context.runId();
    String stepId = context.step().id();
    StepEnvironment environment = context.environment();
    if (before.isEmpty()) {
      environment.inTransaction(tx -> {
        new AppliedSteps(tx).lockStep(runId, stepId);
        FrozenWrites ledger = new FrozenWrites(tx);
        if (ledger.blocks(runId, stepId).isEmpty()) {
          ledger.freezeRole(runId, stepId, spec);
        }
        return null;
      });
    }
    // sessions that began before this moment may have begun before the block committed: they may still write
    OffsetDateTime effective = environment.look(WriterSessions::now);
    Settled settled;
    try {
      settled = WriterSessions.settle(environment, WriterSessions.sessionsOf(spec.role(), null, effective), spec.grace(),
          spec.terminate(), "session", "could not freeze role " + spec.role());
    } catch (WriterSessions.StillWriting e) {
      environment.inTransaction(tx -> {
        new FrozenWrites(tx).undo(runId, stepId);
        return null;
      });
      throw new WriterSessions.StillWriting(e.getMessage() + " (the role's block was lifted again)");
    }
    String summary = "froze role " + spec.role() + ": its transactions in this database are read-only"
        + " (default_transaction_read_only)";
    return outcome(summary, settled, "session", spec, List.of(spec.role()), null);
  }

  private static StepOutcome outcome(String summary, Settled settled, String kindOfSession, FreezeSpec spec,
      List<String> frozen, String trigger) {
    String sessions = settled.describe(kindOfSession);
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("scope", spec.scope().word());
    report.put("frozen", frozen);
    if (spec.where() != null) {
      report.put("where", spec.where());
    }
    if (trigger != null) {
      report.put("trigger", trigger);
    }
    report.put("graceMillis", spec.grace().toMillis());
    report.put("terminate", spec.terminate());
    report.put("sessions", settled.report());
    return StepOutcome.passed(sessions.isEmpty() ? summary : summary + "; " + sessions, (long) frozen.size(),
        Json.write(report));
  }

  @Override
  public StepOutcome compensate(StepContext context, FreezeSpec spec) {
    return Lifting.lift(context.environment(), context.runId(), context.step().id(), "rollback").outcome(context.step().id());
  }

  /** A block committed by an apply whose row was never written (the worker died in between) is lifted too. */
  @Override
  public boolean leftEffects(StepContext context) {
    return !new FrozenWrites(context.sql()).blocks(context.runId(), context.step().id()).isEmpty();
  }
}
