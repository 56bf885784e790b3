package cutover.activities.lint;

import static cutover.activities.lint.StepSql.unqualified;

import cutover.activities.steps.ReportOnly;
import cutover.activities.steps.SqlTimeouts;
import cutover.activities.steps.approval.ApprovalSpec;
import cutover.activities.steps.check.CheckSpec;
import cutover.activities.steps.freeze.FreezeSpec;
import cutover.activities.steps.freeze.UnfreezeSpec;
import cutover.activities.steps.sql.SqlSpec;
import cutover.activities.steps.validate.ValidateSpec;
import cutover.activities.steps.wait.WaitGate;
import cutover.activities.steps.wait.WaitSpec;
import cutover.plan.Phase;
import cutover.plan.Plan;
import cutover.plan.PlanStep;
import cutover.plan.sql.AlterAction;
import cutover.plan.sql.ColumnReference;
import cutover.plan.sql.SqlAnalysis;
import cutover.plan.sql.SqlLexer;
import cutover.plan.sql.SqlStatement;
import cutover.plan.sql.SqlToken;
import cutover.plan.sql.StatementKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code cutover plan lint}: dangerous DDL and unsafe plan shapes, each finding with its rule, its
 * position and the safe rewrite. The plan is read in order, as it will run, so that what earlier
 * steps created or validated counts (an index on a table the plan just created blocks no one).
 */
public final class PlanLint {
  /** Beyond this, writers queued behind a DDL statement that waits for its lock stall visibly. */
  static final Duration LONG_LOCK_TIMEOUT = Duration.ofSeconds(10);

  private final Plan plan;
  private final String file;
  private final PlanPositions positions;
  private final Instant now;
  private final List<LintFinding> findings = new ArrayList<>();

  /** Tables, views and indexes the plan creates before the step being read. */
  private final Set<String> created = new HashSet<>();
  /** Index name to its table, for indexes the plan creates. */
  private final Map<String, String> indexTables = new HashMap<>();
  /** CHECK (column IS NOT NULL) constraints added by the plan: "table.column" to the constraint's name. */
  private final Map<String, String> notNullChecks = new HashMap<>();
  /** Constraints validated (by name) and tables whose NOT VALID constraints were all validated. */
  private final Set<String> validatedConstraints = new HashSet<>();
  private final Set<String> validatedTables = new HashSet<>();
  /** Views the plan creates, in plan order, with what they read; removed when dropped. */
  private final Map<String, View> views = new LinkedHashMap<>();

  /**
   * A view the plan created: the tables its query reads, the columns it names, and the columns added
   * to those tables since ("table.column"), which a {@code *} read when the view was created does not cover.
   */
  private record View(Set<String> tables, List<ColumnReference> columns, Set<String> addedSince) {

    /**
     * Whether PostgreSQL records that the view depends on table.column. An unqualified name counts
     * for every table the view reads: without the tables' columns, that is the safe side.
     */
    boolean reads(String table, String column) {
      return tables.contains(table) && columns.stream()
          .filter(c -> c.table() == null || unqualified(c.table()).equals(table))
          .anyMatch(c -> column.equals(c.column()) || c.everyColumn() && !addedSince.contains(table + "." + column));
    }
  }

  private PlanLint(Plan plan, String yaml, String file, Instant now) {
    this.plan = plan;
    this.file = file;
    this.positions = PlanPositions.of(yaml);
    this.now = now;
  }

  /**
   * Lints a parsed plan.
   *
   * @param yaml the plan file's text, for positions
   * @param now the moment an absolute {@code until:} must lie after (the run's start, or now)
   */
  public static LintReport lint(Plan plan, String yaml, String file, Instant now) {
    PlanLint lint = new PlanLint(plan, yaml, file, now);
    lint.run();
    return new LintReport(file, List.copyOf(lint.findings));
  }

  private void run() {
    List<PlanStep> steps = plan.phases().stream().flatMap((Phase p) -> p.steps().stream()).toList();
    boolean approved = false;
    PlanStep pointOfNoReturn = null;
    for (int i = 0; i < steps.size(); i++) {
      PlanStep step = steps.get(i);
      unknownRules(step);
      if (pointOfNoReturn != null) {
        fallibleAfterPointOfNoReturn(step, pointOfNoReturn);
      }
      if (step.pointOfNoReturn() && !approved) {
        find(step, LintRule.POINT_OF_NO_RETURN_WITHOUT_APPROVAL, positions.field(step.id(), "pointOfNoReturn", step.line()),
            "step '" + step.id() + "' is the point of no return, and no approval comes before it",
            "add a kind: approval step before it, so a person confirms parity and the rollback plan first");
      }
      longLockTimeout(step);
      untilInThePast(step);
      if (step.spec() instanceof SqlSpec) {
        sqlStep(step, steps.subList(i + 1, steps.size()));
      } else if (step.spec() instanceof CheckSpec check && check.fix() != null) {
        compensation(step, SqlAnalysis.analyze(check.fix()), new HashSet<>(created)); // the compensate: undoes the fix
      } else if (step.spec() instanceof ValidateSpec validate) {
        validate.constraints().forEach(c -> validatedConstraints.add(lastPart(c)));
        validate.tables().forEach(t -> validatedTables.add(unqualified(t)));
      }
      approved |= step.spec() instanceof ApprovalSpec;
      if (step.pointOfNoReturn() && pointOfNoReturn == null) {
        pointOfNoReturn = step;
      }
    }
    freezeWithoutUnfreeze(steps);
  }

  /** A freeze no later step unfreezes stays in place after the run completes: only a rollback would lift it. */
  private void freezeWithoutUnfreeze(List<PlanStep> steps) {
    Set<String> unfrozen = new HashSet<>();
    steps.stream().filter(s -> s.spec() instanceof UnfreezeSpec).forEach(s -> unfrozen.add(((UnfreezeSpec) s.spec()).of()));
    for (PlanStep step : steps) {
      if (step.spec() instanceof FreezeSpec && !unfrozen.contains(step.id())) {
        find(step, LintRule.FREEZE_WITHOUT_UNFREEZE, positions.field(step.id(), "id", step.line()),
            "step '" + step.id() + "' freezes writes and no later step unfreezes them: they stay refused after the run"
                + " completes",
            "add a step `kind: unfreeze` with `of: " + step.id() + "` where writes may resume");
      }
    }
  }

  // ---------------------------------------------------------------- plan shape

  private void unknownRules(PlanStep step) {
    if (step.lint() == null) {
      return;
    }
    for (String rule : step.lint().allow()) {
      if (LintRule.byId(rule) == null) {
        find(step, LintRule.UNKNOWN_LINT_RULE, positions.field(step.id(), "lint", step.line()),
            "step '" + step.id() + "' allows lint rule '" + rule + "', which does not exist",
            "use one of: " + String.join(", ", java.util.Arrays.stream(LintRule.values()).map(LintRule::id).toList()));
      }
    }
  }

  private void fallibleAfterPointOfNoReturn(PlanStep step, PlanStep pointOfNoReturn) {
    if (ReportOnly.of(step)) {
      return; // its findings are reported, not failed on: watching after the point of no return is what it is for
    }
    String why = switch (step.kind()) {
      case "check", "parity", "http", "command", "soak", "validate", "backfill" -> "a " + step.kind() + " step can fail";
      case "sql" -> StepSql.statements(step).stream().allMatch(PlanLint::idempotent) ? null
          : "its SQL can fail on a second run or on a state it does not expect (DDL without IF EXISTS / IF NOT EXISTS)";
      default -> null;
    };
    if (why != null) {
      find(step, LintRule.FALLIBLE_AFTER_POINT_OF_NO_RETURN, positions.field(step.id(), "id", step.line()),
          "step '" + step.id() + "' comes after the point of no return ('" + pointOfNoReturn.id() + "') and " + why
              + "; a rollback is refused by then, so a failure leaves the run paused with only retry or skip",
          "move verifications before the point of no return, and write what follows it so that it cannot fail"
              + " (IF EXISTS, IF NOT EXISTS)");
    }
  }

  private static boolean idempotent(SqlStatement statement) {
    if (!statement.parsed()) {
      return false;
    }
    if (!statement.isDdl()) {
      return true;
    }
    return !statement.actions().isEmpty() && statement.actions().stream().allMatch(AlterAction::ifExists);
  }

  private void longLockTimeout(PlanStep step) {
    if (!(step.spec() instanceof SqlTimeouts.Given given) || given.timeouts().lockTimeout().compareTo(LONG_LOCK_TIMEOUT) <= 0) {
      return;
    }
    boolean ddl = step.spec() instanceof ValidateSpec || StepSql.statements(step).stream().anyMatch(SqlStatement::isDdl);
    if (ddl) {
      find(step, LintRule.LONG_LOCK_TIMEOUT, positions.field(step.id(), "lockTimeout", step.line()),
          "step '" + step.id() + "' runs DDL with lockTimeout " + words(given.timeouts().lockTimeout())
              + ": while it waits for its lock, every query on the table queues behind it",
          "keep lockTimeout short (the default is " + words(SqlTimeouts.DEFAULT_LOCK_TIMEOUT)
              + ") and let lockRetryFor retry it; a long wait belongs to lockRetryFor, not to one attempt");
    }
  }

  private void untilInThePast(PlanStep step) {
    if (step.spec() instanceof WaitSpec wait && wait.until() != null) {
      WaitGate.Until until;
      try {
        until = WaitGate.parseUntil(wait.until());
      } catch (IllegalArgumentException invalid) {
        return; // the parser reported it
      }
      if (until.at() != null && until.at().isBefore(now)) {
        find(step, LintRule.UNTIL_IN_THE_PAST, positions.field(step.id(), "until", step.line()),
            "step '" + step.id() + "' waits until " + until.at() + ", which is before " + now
                + ": the wait would end at once",
            "give a later instant, or a time after the run's start such as until: T+7d");
      }
    }
  }

  // ---------------------------------------------------------------- sql steps

  private void sqlStep(PlanStep step, List<PlanStep> later) {
    List<SqlStatement> statements = StepSql.statements(step);
    Set<String> createdBefore = new HashSet<>(created);
    for (SqlStatement statement : statements) {
      PlanPositions.Position at = positions.inText(step.id(), "sql", statement.line(), statement.column(), step.line());
      if (!statement.parsed()) {
        find(step, LintRule.UNPARSED_SQL, at, "cannot judge this statement: " + statement.unparsed(),
            "if it takes no lock the application would feel, acknowledge it with lint: {allow: [unparsed-sql], because: …}");
        continue;
      }
      statementRules(step, statement, at, later);
      remember(statement);
    }
    compensation(step, statements, createdBefore);
  }

  private void statementRules(PlanStep step, SqlStatement statement, PlanPositions.Position at, List<PlanStep> later) {
    String table = statement.locks().isEmpty() ? null : unqualified(statement.locks().get(0).table());
    boolean newTable = table != null && created.contains(table);
    if (statement.kind() == StatementKind.CREATE_INDEX && statement.concurrently()) {
      find(step, LintRule.CONCURRENTLY_IN_TRANSACTION, at,
          "CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and a sql step runs in one",
          "build the index before the cutover (psql, CREATE INDEX CONCURRENTLY IF NOT EXISTS), and keep a check here"
              + " that it exists and is valid");
    } else if (statement.kind() == StatementKind.CREATE_INDEX && !newTable) {
      find(step, LintRule.INDEX_BLOCKS_WRITES, at,
          "CREATE INDEX on " + table + " takes a SHARE lock: inserts, updates and deletes wait for the whole build",
          "build it CONCURRENTLY before the cutover (a sql step's transaction cannot), or acknowledge it for a small table");
    }
    if (statement.kind() == StatementKind.DROP_INDEX && statement.concurrently()) {
      find(step, LintRule.CONCURRENTLY_IN_TRANSACTION, at,
          "DROP INDEX CONCURRENTLY cannot run inside a transaction block, and a sql step runs in one",
          "drop it without CONCURRENTLY (a brief ACCESS EXCLUSIVE lock) or outside the cutover");
    }
    for (AlterAction action : statement.actions()) {
      if (statement.kind() == StatementKind.ALTER_TABLE && !newTable) {
        alterRules(step, table, action, at);
      }
      if (action.type() == AlterAction.Type.DROP_COLUMN) {
        dropColumnRules(step, table, action, at); // a view of a new table depends on its columns all the same
      }
    }
    if (statement.kind() == StatementKind.DROP_TABLE || statement.kind() == StatementKind.DROP_VIEW) {
      for (String dropped : statement.drops()) {
        dropRules(step, unqualified(dropped), at, later);
      }
    }
  }

  private void alterRules(PlanStep step, String table, AlterAction action, PlanPositions.Position at) {
    switch (action.type()) {
      case ADD_FOREIGN_KEY, ADD_CHECK -> {
        if (!action.notValid()) {
          String what = action.type() == AlterAction.Type.ADD_FOREIGN_KEY ? "foreign key" : "check";
          find(step, LintRule.CONSTRAINT_WITHOUT_NOT_VALID, at,
              "adding the " + what + (action.name() == null ? "" : " " + action.name()) + " to " + table
                  + " checks every existing row while holding "
                  + (action.type() == AlterAction.Type.ADD_FOREIGN_KEY
                      ? "SHARE ROW EXCLUSIVE on both tables: writes wait for the whole scan"
                      : "ACCESS EXCLUSIVE: reads and writes wait for the whole scan"),
              "add it NOT VALID here (a brief lock), then validate it in a later kind: validate step, which lets writes go on");
        }
      }
      case SET_NOT_NULL -> {
        String check = notNullChecks.get(table + "." + action.name());
        boolean validated = check != null && (validatedConstraints.contains(check) || validatedTables.contains(table));
        if (!validated) {
          find(step, LintRule.SET_NOT_NULL_WITHOUT_CHECK, at,
              "SET NOT NULL on " + table + "." + action.name() + " scans the whole table under ACCESS EXCLUSIVE",
              "first ADD CONSTRAINT … CHECK (" + action.name() + " IS NOT NULL) NOT VALID, validate it in a kind: validate"
                  + " step, then SET NOT NULL (PostgreSQL uses the valid check and skips the scan), then drop the check");
        }
      }
      case ADD_COLUMN -> {
        if (action.detail() != null && volatile_(action.detail())) {
          find(step, LintRule.VOLATILE_DEFAULT_REWRITES, at,
              "adding " + table + "." + action.name() + " with the volatile default " + action.detail()
                  + " rewrites the whole table under ACCESS EXCLUSIVE",
              "add the column without a default (or with a constant one), backfill it in a kind: backfill step, then"
                  + " ALTER COLUMN … SET DEFAULT for new rows");
        }
      }
      case ALTER_TYPE -> find(step, LintRule.TYPE_CHANGE_REWRITES, at,
          "changing the type of " + table + "." + action.name() + " to " + action.detail()
              + " rewrites the table and its indexes under ACCESS EXCLUSIVE, unless the old type converts without"
              + " a rewrite (varchar(n) to text or to a longer varchar)",
          "add a new column of the new type, backfill it, switch the application to it, then drop the old one;"
              + " or acknowledge when the change is binary-coercible");
      case RENAME_COLUMN, RENAME_TABLE -> find(step, LintRule.RENAME_IN_ONE_STEP, at,
          "renaming " + (action.type() == AlterAction.Type.RENAME_TABLE ? "table " + table
              : table + "." + action.name()) + " to " + action.detail()
              + " breaks every running query that uses the old name at once",
          "expand and contract: add the new name (a new column kept in step by a backfill, or a view under the new"
              + " name), move the application over, then drop the old one in a later phase");
      default -> { }
    }
  }

  private void dropRules(PlanStep step, String dropped, PlanPositions.Position at, List<PlanStep> later) {
    for (PlanStep next : later) {
      if (StepSql.statements(next).stream().anyMatch(s -> s.creates().stream().anyMatch(c -> unqualified(c).equals(dropped)))) {
        break; // created again: later steps use the new one
      }
      if (StepSql.tables(next).contains(dropped)) {
        find(step, LintRule.DROP_STILL_REFERENCED, at,
            dropped + " is dropped here, and step '" + next.id() + "' uses it later",
            "move the drop after the last step that uses " + dropped + ", or change that step");
        return;
      }
    }
    for (Map.Entry<String, View> view : views.entrySet()) {
      if (!view.getKey().equals(dropped) && view.getValue().tables().contains(dropped)) {
        find(step, LintRule.DROP_STILL_REFERENCED, at,
            dropped + " is dropped here, and the plan's view " + view.getKey() + " still reads it",
            "drop the view " + view.getKey() + " first (DROP VIEW IF EXISTS " + view.getKey() + ")");
        return;
      }
    }
  }

  /** PostgreSQL refuses to drop a column a view reads, and with CASCADE drops the view along with it. */
  private void dropColumnRules(PlanStep step, String table, AlterAction action, PlanPositions.Position at) {
    List<String> reading = views.entrySet().stream().filter(v -> v.getValue().reads(table, action.name()))
        .map(Map.Entry::getKey).toList();
    if (reading.isEmpty()) {
      return;
    }
    String column = table + "." + action.name();
    String named = (reading.size() == 1 ? "view " : "views ") + String.join(", ", reading);
    String read = reading.size() == 1 ? "reads" : "read";
    find(step, LintRule.DROP_STILL_REFERENCED, at,
        action.cascade()
            ? column + " is dropped here with CASCADE, and the plan's " + named + " " + read + " it: PostgreSQL drops"
                + " the " + named + " too, without a word, and every query on " + (reading.size() == 1 ? "it" : "them")
                + " fails from then on"
            : column + " is dropped here, and the plan's " + named + " still " + read + " it: PostgreSQL refuses"
                + " (cannot drop column " + action.name() + " of table " + table + " because other objects depend on it)"
                + ", and with CASCADE would drop the " + named + " too",
        "in an earlier step, drop the " + named + " (DROP VIEW IF EXISTS " + String.join(", ", reading)
            + ") or recreate " + (reading.size() == 1 ? "it" : "them") + " without " + action.name()
            + ", then drop the column");
  }

  /** What a statement leaves for the rules of the steps after it. */
  private void remember(SqlStatement statement) {
    statement.creates().forEach(c -> created.add(unqualified(c)));
    if (statement.kind() == StatementKind.CREATE_INDEX && !statement.creates().isEmpty() && !statement.locks().isEmpty()) {
      indexTables.put(unqualified(statement.creates().get(0)), unqualified(statement.locks().get(0).table()));
    }
    if (statement.kind() == StatementKind.CREATE_VIEW && !statement.creates().isEmpty()) {
      Set<String> read = new HashSet<>();
      statement.references().forEach(r -> read.add(unqualified(r)));
      views.put(unqualified(statement.creates().get(0)), new View(read, statement.columns(), new HashSet<>()));
    }
    statement.drops().forEach(d -> views.remove(unqualified(d)));
    String table = statement.locks().isEmpty() ? null : unqualified(statement.locks().get(0).table());
    for (AlterAction action : statement.actions()) {
      if (action.type() == AlterAction.Type.ADD_CHECK && action.name() != null) {
        String column = notNullColumn(action.detail());
        if (column != null) {
          notNullChecks.put(table + "." + column, action.name());
        }
        if (!action.notValid()) {
          validatedConstraints.add(action.name());
        }
      } else if (action.type() == AlterAction.Type.VALIDATE_CONSTRAINT) {
        validatedConstraints.add(action.name());
      } else if (action.type() == AlterAction.Type.ADD_COLUMN) {
        views.values().forEach(v -> v.addedSince().add(table + "." + action.name()));
      } else if (action.type() == AlterAction.Type.DROP_COLUMN && action.cascade()) {
        views.values().removeIf(v -> v.reads(table, action.name())); // PostgreSQL dropped them with the column
      }
    }
  }

  /** The column of a check's condition {@code (column IS NOT NULL)}, or null. */
  private static String notNullColumn(String condition) {
    List<SqlToken> tokens = SqlLexer.statements(condition).isEmpty() ? List.of()
        : SqlLexer.statements(condition).get(0).tokens();
    int from = tokens.size() > 0 && tokens.get(0).isSymbol("(") ? 1 : 0;
    if (tokens.size() >= from + 4 && tokens.get(from).isName() && tokens.get(from + 1).is("IS")
        && tokens.get(from + 2).is("NOT") && tokens.get(from + 3).is("NULL")
        && tokens.size() == from + 4 + from) {
      return tokens.get(from).identifier();
    }
    return null;
  }

  /** PostgreSQL's volatile functions a default commonly calls, and serial columns (nextval). */
  private static final Set<String> VOLATILE = Set.of("random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc",
      "uuid_generate_v4", "uuidv4", "uuidv7", "clock_timestamp", "timeofday", "nextval", "txid_current", "setseed");

  private static boolean volatile_(String expression) {
    return SqlLexer.statements(expression).stream().flatMap(s -> s.tokens().stream())
        .anyMatch(t -> t.type() == SqlToken.Type.WORD && VOLATILE.contains(t.identifier()));
  }

  // ---------------------------------------------------------------- compensate

  private void compensation(PlanStep step, List<SqlStatement> applied, Set<String> createdBefore) {
    if (step.compensate() == null) {
      return;
    }
    List<SqlStatement> undo = StepSql.compensation(step);
    if (undo.stream().anyMatch(s -> !s.parsed())) {
      return; // cannot be judged; unparsed statements of the step itself are reported
    }
    Set<String> undoDrops = new HashSet<>();
    Set<String> undoCreates = new HashSet<>();
    Set<String> undoActions = new HashSet<>();
    for (SqlStatement statement : undo) {
      statement.drops().forEach(d -> undoDrops.add(unqualified(d)));
      statement.creates().forEach(c -> undoCreates.add(unqualified(c)));
      String table = statement.locks().isEmpty() ? "" : unqualified(statement.locks().get(0).table());
      statement.actions().forEach(a -> undoActions.add(a.type() + " " + table + "." + a.name()));
    }
    List<String> missing = new ArrayList<>();
    boolean changes = false;
    for (SqlStatement statement : applied) {
      if (!statement.parsed()) {
        continue;
      }
      changes |= statement.kind() != StatementKind.SELECT && statement.kind() != StatementKind.LOCK_TABLE;
      String table = statement.locks().isEmpty() ? null : unqualified(statement.locks().get(0).table());
      for (String made : statement.creates()) {
        String name = unqualified(made);
        String onTable = indexTables.get(name);
        if (!undoDrops.contains(name) && (onTable == null || !undoDrops.contains(onTable))
            && !createdBefore.contains(name)) {
          missing.add("DROP " + (statement.kind() == StatementKind.CREATE_INDEX ? "INDEX " : statement.kind()
              == StatementKind.CREATE_VIEW ? "VIEW " : "TABLE ") + "IF EXISTS " + name);
        }
      }
      for (String dropped : statement.drops()) {
        if (!undoCreates.contains(unqualified(dropped))) {
          missing.add("CREATE … " + unqualified(dropped) + " (as it was)");
        }
      }
      if (statement.kind() == StatementKind.ALTER_TABLE && table != null && !undoDrops.contains(table)) {
        for (AlterAction action : statement.actions()) {
          String undone = switch (action.type()) {
            case ADD_COLUMN -> undoActions.contains("DROP_COLUMN " + table + "." + action.name()) ? null
                : "ALTER TABLE " + table + " DROP COLUMN IF EXISTS " + action.name();
            case ADD_FOREIGN_KEY, ADD_CHECK, ADD_UNIQUE, ADD_PRIMARY_KEY -> action.name() == null
                || undoActions.contains("DROP_CONSTRAINT " + table + "." + action.name()) ? null
                : "ALTER TABLE " + table + " DROP CONSTRAINT IF EXISTS " + action.name();
            case RENAME_COLUMN -> undoActions.contains("RENAME_COLUMN " + table + "." + action.detail()) ? null
                : "ALTER TABLE " + table + " RENAME COLUMN " + action.detail() + " TO " + action.name();
            default -> null;
          };
          if (undone != null) {
            missing.add(undone);
          }
        }
      }
    }
    boolean undoesNothing = changes && undo.stream().allMatch(s -> s.kind() == StatementKind.SELECT);
    if (undoesNothing || !missing.isEmpty()) {
      find(step, LintRule.COMPENSATE_DOES_NOT_UNDO, positions.field(step.id(), "compensate", step.line()),
          "the compensate: of step '" + step.id() + "' does not undo it"
              + (undoesNothing ? ": it only reads" : ": nothing in it reverses " + String.join("; ", missing)),
          missing.isEmpty() ? "write the SQL that reverses the step, or declare irreversible: true"
              : "add " + String.join("; ", missing) + " — or declare irreversible: true if it cannot be undone");
    }
  }

  // ---------------------------------------------------------------- helpers

  private void find(PlanStep step, LintRule rule, PlanPositions.Position at, String message, String rewrite) {
    boolean acknowledged = step.lint() != null && step.lint().allows(rule.id());
    findings.add(new LintFinding(rule.id(), rule.severity(), file, at.line(), at.column(), step.id(), message, rewrite,
        acknowledged, acknowledged ? step.lint().because() : null));
  }

  private static String lastPart(String name) {
    int dot = name.lastIndexOf('.');
    return (dot < 0 ? name : name.substring(dot + 1)).strip().toLowerCase(java.util.Locale.ROOT);
  }

  private static String words(Duration duration) {
    return duration.toMillis() < 1000 ? duration.toMillis() + "ms"
        : duration.toSeconds() < 120 ? duration.toSeconds() + "s" : duration.toMinutes() + "m";
  }
}
