package cutover.activities.steps.validate;

import static org.jooq.impl.DSL.field;

import cutover.activities.steps.DefinedKind;
import cutover.activities.steps.ExecutedKind;
import cutover.activities.steps.Json;
import cutover.activities.steps.ServerErrors;
import cutover.activities.steps.SqlTimeouts;
import cutover.activities.steps.StepContext;
import cutover.activities.steps.StepOutcome;
import cutover.plan.StepFields;
import cutover.plan.Undo;
import io.temporal.failure.ApplicationFailure;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record5;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * {@code kind: validate} — {@code ALTER TABLE … VALIDATE CONSTRAINT} for the named constraints
 * ({@code constraints: [fk_name, table.fk_name, schema.table.fk_name]}), or for every
 * {@code NOT VALID} constraint on the listed tables ({@code tables: [orders]}). Validation takes
 * only SHARE UPDATE EXCLUSIVE, so writes go on while it scans. Each constraint is validated under
 * a savepoint and timed; one that a row violates is reported with the server's words (which row)
 * and the step fails, after trying the others. Identifiers are quoted by jOOQ.
 */
public final class ValidateStep extends DefinedKind<ValidateSpec> implements ExecutedKind<ValidateSpec> {
  static final String NAME = "validate";

  public ValidateStep() {
    super(NAME, Undo.NOTHING, Execution.IN_TRANSACTION, ValidateSpec.class);
  }

  @Override
  public ValidateSpec read(StepFields fields) {
    List<String> constraints = fields.optionalStringList("constraints");
    List<String> tables = fields.optionalStringList("tables");
    SqlTimeouts timeouts = SqlTimeouts.read(fields);
    if (constraints == null && tables == null) {
      fields.problem("constraints", "a validate step needs constraints: or tables:",
          "name the constraints (constraints: [orders_customer_fkey]) or the tables whose NOT VALID constraints to "
              + "validate (tables: [orders])");
    }
    checkNames(fields, "constraints", constraints, 3);
    checkNames(fields, "tables", tables, 2);
    return new ValidateSpec(constraints, tables, timeouts);
  }

  private static void checkNames(StepFields fields, String field, List<String> names, int maxParts) {
    if (names == null) {
      return;
    }
    for (String name : names) {
      String[] parts = name.split("\\.", -1);
      boolean blankPart = false;
      for (String part : parts) {
        blankPart |= part.isBlank() || !part.strip().equals(part) || part.contains("\"");
      }
      if (parts.length > maxParts || blankPart) {
        fields.problem(field, "'" + name + "' is not a " + (maxParts == 3 ? "constraint" : "table") + " name",
            maxParts == 3 ? "write constraint, table.constraint or schema.table.constraint, without quotes"
                : "write table or schema.table, without quotes");
      }
    }
  }

  @Override
  public StepOutcome apply(StepContext context, ValidateSpec spec) {
    DSLContext sql = context.sql();
    List<Constraint> targets = new ArrayList<>();
    for (String table : spec.tables()) {
      targets.addAll(notValidOn(sql, table));
    }
    for (String constraint : spec.constraints()) {
      Constraint found = named(sql, constraint, context.step().id());
      if (targets.stream().noneMatch(t -> t.sameAs(found))) {
        targets.add(found);
      }
    }
    List<Map<String, Object>> results = new ArrayList<>();
    List<String> violated = new ArrayList<>();
    List<String> done = new ArrayList<>();
    long total = 0;
    for (Constraint constraint : targets) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("schema", constraint.schema());
      result.put("table", constraint.table());
      result.put("constraint", constraint.name());
      result.put("type", constraint.type());
      result.put("wasValid", constraint.valid());
      long started = System.nanoTime();
      String error = validateOne(sql, constraint);
      long millis = (System.nanoTime() - started) / 1_000_000;
      total += millis;
      result.put("millis", millis);
      result.put("valid", error == null);
      if (error != null) {
        result.put("error", error);
        violated.add(constraint.label() + " is violated: " + error);
      } else {
        done.add(constraint.label() + " " + millis + " ms" + (constraint.valid() ? " (already valid)" : ""));
      }
      results.add(result);
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("constraints", results);
    report.put("millis", total);
    if (!violated.isEmpty()) {
      return StepOutcome.failed(String.join("; ", violated)
          + (done.isEmpty() ? "" : "; validated: " + String.join(", ", done))
          + ". Fix or remove the offending rows, then retry the step", Json.write(report));
    }
    String summary = targets.isEmpty()
        ? "no NOT VALID constraint on " + String.join(", ", spec.tables()) + ": nothing to validate"
        : "validated " + targets.size() + " constraint" + (targets.size() == 1 ? "" : "s") + ": " + String.join(", ", done);
    return StepOutcome.passed(summary, null, Json.write(report));
  }

  @Override
  public StepOutcome compensate(StepContext context, ValidateSpec spec) {
    return StepOutcome.of("nothing to undo");
  }

  /** Validates under a savepoint: a violation is returned in words, anything else (lock timeout) propagates. */
  private static String validateOne(DSLContext sql, Constraint constraint) {
    Savepoint[] savepoint = new Savepoint[1];
    sql.connection(c -> savepoint[0] = c.setSavepoint());
    try {
      sql.execute("ALTER TABLE {0} VALIDATE CONSTRAINT {1}", DSL.name(constraint.schema(), constraint.table()),
          DSL.name(constraint.name()));
      sql.connection(c -> c.releaseSavepoint(savepoint[0]));
      return null;
    } catch (RuntimeException e) {
      if (!ServerErrors.isViolation(e)) {
        throw e;
      }
      sql.connection(c -> c.rollback(savepoint[0]));
      return ServerErrors.describe(e);
    }
  }

  /** A CHECK or FOREIGN KEY constraint, the kinds PostgreSQL lets be NOT VALID. */
  private record Constraint(String schema, String table, String name, String type, boolean valid) {
    String label() {
      return "constraint " + name + " on " + ("public".equals(schema) ? "" : schema + ".") + table;
    }

    boolean sameAs(Constraint other) {
      return schema.equals(other.schema) && table.equals(other.table) && name.equals(other.name);
    }
  }

  private static final Table<?> CON = DSL.table(DSL.name("pg_catalog", "pg_constraint")).as("con");
  private static final Table<?> REL = DSL.table(DSL.name("pg_catalog", "pg_class")).as("rel");
  private static final Table<?> NSP = DSL.table(DSL.name("pg_catalog", "pg_namespace")).as("nsp");
  private static final Field<String> SCHEMA = field(DSL.name("nsp", "nspname"), SQLDataType.VARCHAR);
  private static final Field<String> TABLE = field(DSL.name("rel", "relname"), SQLDataType.VARCHAR);
  private static final Field<String> CONNAME = field(DSL.name("con", "conname"), SQLDataType.VARCHAR);
  private static final Field<String> TYPE = field(DSL.name("con", "contype"), SQLDataType.VARCHAR);
  private static final Field<Boolean> VALID = field(DSL.name("con", "convalidated"), SQLDataType.BOOLEAN);

  private static List<Constraint> find(DSLContext sql, Condition condition) {
    return sql.select(SCHEMA, TABLE, CONNAME, TYPE, VALID)
        .from(CON)
        .join(REL).on(field(DSL.name("rel", "oid")).eq(field(DSL.name("con", "conrelid"))))
        .join(NSP).on(field(DSL.name("nsp", "oid")).eq(field(DSL.name("rel", "relnamespace"))))
        .where(TYPE.in("c", "f")).and(condition)
        .orderBy(SCHEMA, TABLE, CONNAME)
        .fetch((Record5<String, String, String, String, Boolean> r) -> new Constraint(r.value1(), r.value2(), r.value3(),
            "f".equals(r.value4()) ? "foreign key" : "check", Boolean.TRUE.equals(r.value5())));
  }

  private static Condition table(String schema, String table) {
    Condition visible = schema == null
        ? DSL.function(DSL.name("pg_catalog", "pg_table_is_visible"), SQLDataType.BOOLEAN, field(DSL.name("rel", "oid"))).isTrue()
        : SCHEMA.eq(schema);
    return TABLE.eq(table).and(visible);
  }

  private static List<Constraint> notValidOn(DSLContext sql, String qualified) {
    String[] parts = qualified.split("\\.");
    String schema = parts.length == 2 ? parts[0] : null;
    String table = parts[parts.length - 1];
    boolean exists = sql.fetchExists(DSL.selectOne().from(REL)
        .join(NSP).on(field(DSL.name("nsp", "oid")).eq(field(DSL.name("rel", "relnamespace"))))
        .where(table(schema, table)));
    if (!exists) {
      throw ApplicationFailure.newNonRetryableFailure("validate: there is no table " + qualified
          + " (looked in " + (schema == null ? "the search_path" : "schema " + schema) + ")", "StepFailed");
    }
    return find(sql, table(schema, table).and(VALID.isFalse()));
  }

  private static Constraint named(DSLContext sql, String qualified, String stepId) {
    String[] parts = qualified.split("\\.");
    String constraint = parts[parts.length - 1];
    Condition condition = CONNAME.eq(constraint);
    if (parts.length >= 2) {
      condition = condition.and(table(parts.length == 3 ? parts[0] : null, parts[parts.length - 2]));
    } else {
      condition = condition.and(DSL.function(DSL.name("pg_catalog", "pg_table_is_visible"), SQLDataType.BOOLEAN,
          field(DSL.name("rel", "oid"))).isTrue());
    }
    List<Constraint> found = find(sql, condition);
    if (found.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("step '" + stepId + "': there is no CHECK or FOREIGN KEY "
          + "constraint named " + qualified + " on a table in the search_path; check the name, or qualify it as "
          + "table.constraint", "StepFailed");
    }
    if (found.size() > 1) {
      throw ApplicationFailure.newNonRetryableFailure("step '" + stepId + "': constraint " + constraint
          + " exists on several tables (" + String.join(", ", found.stream().map(c -> c.table() + "." + c.name())
              .toList()) + "); write it as table.constraint", "StepFailed");
    }
    return found.get(0);
  }
}
