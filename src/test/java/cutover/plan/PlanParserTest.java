package cutover.plan;

import cutover.activities.steps.SqlTimeouts;
import cutover.activities.steps.StepKinds;
import cutover.activities.steps.approval.ApprovalSpec;
import cutover.activities.steps.sql.SqlSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class PlanParserTest {
  private static final Set<String> TARGETS = Set.of("demo", "staging");

  private static final String VALID = """
      name: contract-templates
      target: demo
      description: Move contract bodies into templates
      phases:
        - name: introduce
          description: add the new table
          steps:
            - id: create-template-tables
              kind: sql
              description: the templates table
              sql: |
                CREATE TABLE contract_templates (id bigint PRIMARY KEY);
              compensate: |
                DROP TABLE contract_templates;
              lockTimeout: 250ms
              statementTimeout: 2m
              lockRetryFor: 90s
        - name: switch
          steps:
            - id: approve-switch
              kind: approval
              approvers: [alice, bob]
              approvals: 2
              separateFromStarter: true
            - id: drop-old-column
              kind: sql
              sql: ALTER TABLE contracts DROP COLUMN body
              irreversible: true
              pointOfNoReturn: true
      """;

  private static final String VALID_JSON = """
      {
        "name": "contract-templates",
        "target": "demo",
        "description": "Move contract bodies into templates",
        "phases": [
          {
            "name": "introduce",
            "description": "add the new table",
            "steps": [
              {
                "id": "create-template-tables",
                "kind": "sql",
                "description": "the templates table",
                "sql": "CREATE TABLE contract_templates (id bigint PRIMARY KEY);\\n",
                "compensate": "DROP TABLE contract_templates;\\n",
                "lockTimeout": "250ms",
                "statementTimeout": "2m",
                "lockRetryFor": "90s"
              }
            ]
          },
          {
            "name": "switch",
            "steps": [
              {"id": "approve-switch", "kind": "approval", "approvers": ["alice", "bob"],
               "approvals": 2, "separateFromStarter": true},
              {"id": "drop-old-column", "kind": "sql", "sql": "ALTER TABLE contracts DROP COLUMN body",
               "irreversible": true, "pointOfNoReturn": true}
            ]
          }
        ]
      }
      """;

  // ------------------------------------------------------------------ invalid plans, one problem each

  static Stream<Arguments> invalidPlans() {
    return Stream.of(
        invalid("syntax error", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: sql
                    sql: SELECT a: b
                    irreversible: true
            """, "8:22", "YAML syntax error: mapping values are not allowed here", "quote"),
        invalid("unknown step kind", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: sqll
                    sql: SELECT 1
                    irreversible: true
            """, "7:15", "unknown step kind 'sqll'", "did you mean 'sql'? known kinds: approval, "),
        invalid("unknown step kind, nothing close", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: shell
            """, "7:15", "unknown step kind 'shell'", "known kinds: approval, "),
        invalid("duplicate step id in two phases", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: sql
                    sql: SELECT 1
                    irreversible: true
              - name: b
                steps:
                  - id: s1
                    kind: sql
                    sql: SELECT 2
                    irreversible: true
            """, "12:13", "duplicate step id 's1' (first at line 6)", "unique across all phases"),
        invalid("missing compensate without irreversible", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: sql
                    sql: CREATE TABLE t (id int)
            """, "6:9", "step 's1' (kind sql) has no compensate: and is not marked irreversible: true",
            "irreversible: true"),
        invalid("irreversible: false is not enough", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: sql
                    sql: CREATE TABLE t (id int)
                    irreversible: false
            """, "6:9", "has no compensate: and is not marked irreversible: true", "add compensate:"),
        invalid("unknown target", """
            name: p
            target: prod
            phases:
              - name: a
                steps:
                  - id: gate
                    kind: approval
            """, "2:9", "unknown target 'prod'", "configured targets: demo, staging"),
        invalid("empty phase", """
            name: p
            target: demo
            phases:
              - name: a
                steps: []
            """, "5:12", "empty phase: phase 'a' has no steps", "add steps:"),
        invalid("phase without steps:", """
            name: p
            target: demo
            phases:
              - name: a
                description: nothing yet
            """, "4:5", "empty phase: phase 'a' has no steps", "or remove the phase"),
        invalid("unknown step field with suggestion", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: sql
                    sql: SELECT 1
                    irreversible: true
                    lockTimout: 1s
            """, "10:9", "unknown field 'lockTimout' in step 's1' (kind sql)", "did you mean 'lockTimeout'?"),
        invalid("misspelt compensate", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: sql
                    sql: SELECT 1
                    irreversible: true
                    compenstae: SELECT 2
            """, "10:9", "unknown field 'compenstae'", "did you mean 'compensate'?"),
        invalid("unknown kind field, nothing close", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: gate
                    kind: approval
                    quorum: 2
            """, "8:9", "unknown field 'quorum' in step 'gate' (kind approval)",
            "remove it; the fields allowed here are: id, kind, description, compensate, irreversible, "
                + "pointOfNoReturn, approvers, approvals, separateFromStarter"),
        invalid("unknown top-level field", """
            name: p
            target: demo
            owner: dba-team
            phases:
              - name: a
                steps:
                  - id: gate
                    kind: approval
            """, "3:1", "unknown field 'owner' in the plan", "name, target, description, phases"),
        invalid("unknown phase field", """
            name: p
            target: demo
            phases:
              - name: a
                descripton: first
                steps:
                  - id: gate
                    kind: approval
            """, "5:5", "unknown field 'descripton' in phase 'a'", "did you mean 'description'?"),
        invalid("bad duration", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: sql
                    sql: SELECT 1
                    irreversible: true
                    lockTimeout: fast
            """, "10:22", "step 's1': lockTimeout 'fast' is not a duration",
            "write e.g. 500ms, 30s, 10m, 2h, 7d or ISO-8601 PT10M"),
        invalid("negative duration", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: sql
                    sql: SELECT 1
                    irreversible: true
                    statementTimeout: -5s
            """, "10:27", "statementTimeout '-5s' is negative", "500ms, 30s"),
        invalid("duration without unit", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: sql
                    sql: SELECT 1
                    irreversible: true
                    lockTimeout: 30
            """, "10:22", "lockTimeout: 30 has no unit", "30s"),
        invalid("ISO-8601 months", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: sql
                    sql: SELECT 1
                    irreversible: true
                    lockTimeout: P1M
            """, "10:22", "lockTimeout 'P1M' is not a valid ISO-8601 duration", "PT10M"),
        invalid("zero lock timeout (the kind's own check)", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: sql
                    sql: SELECT 1
                    irreversible: true
                    lockTimeout: 0s
            """, "10:22", "step 's1': lockTimeout 0 would let DDL queue", "500ms"),
        invalid("integer out of range", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: check
                    query: SELECT 1 WHERE false
                    show: 5000
            """, "9:15", "show must be between 1 and 1000, found 5000", "whole number"),
        invalid("quoted integer", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: check
                    query: SELECT 1 WHERE false
                    show: "5"
            """, "9:15", "show must be a whole number, found the text '5'", "remove the quotes"),
        invalid("lockRetries, replaced by lockRetryFor", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: sql
                    sql: SELECT 1
                    irreversible: true
                    lockRetries: 20
            """, "10:22", "lockRetries (a count of retries) was replaced by lockRetryFor", "lockRetryFor: 5m"),
        invalid("lockRetryFor 0", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: sql
                    sql: SELECT 1
                    irreversible: true
                    lockRetryFor: 0s
            """, "10:23", "step 's1': lockRetryFor 0 would fail the step at its first lock timeout", "5m"),
        invalid("duplicate key", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: sql
                    sql: SELECT 1
                    kind: sql
                    irreversible: true
            """, "9:9", "duplicate key 'kind' (first at line 7)", "remove or rename one"),
        invalid("wrong type for a boolean", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: sql
                    sql: SELECT 1
                    irreversible: yes-please
            """, "9:23", "step 's1': irreversible must be true or false, found the text 'yes-please'",
            "write irreversible: true or irreversible: false"),
        invalid("wrong type for a kind's boolean", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: gate
                    kind: approval
                    separateFromStarter: 1
            """, "8:30", "separateFromStarter must be true or false, found the number 1", "true"),
        invalid("number where text is required", """
            name: 42
            target: demo
            phases:
              - name: a
                steps:
                  - id: gate
                    kind: approval
            """, "1:7", "plan name must be text, found the number 42", "put it in quotes: name: \"42\""),
        invalid("missing name", """
            target: demo
            phases:
              - name: a
                steps:
                  - id: gate
                    kind: approval
            """, "1:1", "the plan has no name:", "add `name: my-cutover`"),
        invalid("empty name", """
            name:
            target: demo
            phases:
              - name: a
                steps:
                  - id: gate
                    kind: approval
            """, "1:1", "the plan has no name:", "name:"),
        invalid("missing target", """
            name: p
            phases:
              - name: a
                steps:
                  - id: gate
                    kind: approval
            """, "1:1", "the plan has no target:", "(configured: demo, staging)"),
        invalid("bad plan name characters", """
            name: Contract Templates!
            target: demo
            phases:
              - name: a
                steps:
                  - id: gate
                    kind: approval
            """, "1:7", "plan name 'Contract Templates!' contains characters that are not allowed: "
                + "'C', ' ' (space), 'T', '!'", "e.g. 'contract-templates'"),
        invalid("bad id characters", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: Create_Table
                    kind: approval
            """, "6:13", "step id 'Create_Table' contains characters that are not allowed: 'C', 'T'",
            "use only lowercase letters a-z, digits 0-9, '_', '.' and '-', starting with a letter or digit, "
                + "at most 100 characters, e.g. 'create_table'"),
        invalid("id starting with a dash", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: -gate
                    kind: approval
            """, "6:13", "step id '-gate' starts with '-'", "starting with a letter or digit"),
        invalid("dot in a phase name", """
            name: p
            target: demo
            phases:
              - name: a.b
                steps:
                  - id: gate
                    kind: approval
            """, "4:11", "phase name 'a.b' contains characters that are not allowed: '.'", "'_' and '-'"),
        invalid("missing step id", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - kind: approval
            """, "6:9", "step #1 of phase 'a' has no id:", "unique in the whole plan"),
        invalid("missing kind", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: gate
            """, "6:9", "step 'gate' has no kind:", "add kind: one of approval, "),
        invalid("missing sql (the kind's required field)", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: sql
                    irreversible: true
            """, "6:9", "step 's1' has no sql:", "sql: ALTER TABLE"),
        invalid("duplicate phase name", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: gate-1
                    kind: approval
              - name: a
                steps:
                  - id: gate-2
                    kind: approval
            """, "8:11", "duplicate phase name 'a' (first at line 4)", "give each phase its own name"),
        invalid("compensate on approval", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: gate
                    kind: approval
                    compensate: SELECT 1
            """, "8:9", "step 'gate': kind approval has nothing to undo; remove compensate:", "delete"),
        invalid("empty compensate", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: sql
                    sql: CREATE TABLE t (id int)
                    compensate:
            """, "9:9", "step 's1': compensate: is empty", "give the SQL that undoes the step"),
        invalid("tab indentation", """
            name: p
            \ttarget: demo
            """, "2:1", "YAML syntax error: found character", "indent with spaces, not tabs"),
        invalid("two documents", """
            name: p
            ---
            name: q
            """, "2:1", "more than one YAML document", "remove the '---' separator"),
        invalid("compensate and irreversible", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: s1
                    kind: sql
                    sql: CREATE TABLE t (id int)
                    compensate: DROP TABLE t
                    irreversible: true
            """, "10:9", "step 's1' has compensate: and irreversible: true, which contradict each other",
            "remove compensate: if the step truly cannot be undone"),
        invalid("approvals more than approvers", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: gate
                    kind: approval
                    approvers: [alice, bob]
                    approvals: 3
            """, "9:20", "step 'gate': needs 3 approvals but lists only 2 approvers", "lower approvals or add approvers"),
        invalid("approver that is not text", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: gate
                    kind: approval
                    approvers: [alice, 7]
            """, "8:28", "every item of approvers must be text, found the number 7", "put it in quotes"),
        invalid("phases not a list", """
            name: p
            target: demo
            phases: introduce
            """, "3:9", "phases must be a list of phases, found the text 'introduce'", "- name:"),
        invalid("no phases", """
            name: p
            target: demo
            phases: []
            """, "3:9", "the plan has no phases", "at least one phase"),
        invalid("missing phases", """
            name: p
            target: demo
            """, "1:1", "the plan has no phases:", "at least one phase"),
        invalid("step not a mapping", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - create-table
            """, "6:9", "step #1 of phase 'a' must be a mapping with id: and kind:, found the text 'create-table'",
            "- id:"),
        invalid("top level is a list", """
            - name: p
              target: demo
            """, "1:1", "the plan must be a mapping of fields", "start the file with `name: my-plan`"),
        invalid("empty document", """
            # nothing here yet
            """, "1:1", "the plan is empty", "name:, target: and phases:"),
        invalid("merge key", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: gate
                    kind: approval
                    <<: {approvals: 1}
            """, "8:9", "YAML merge keys (<<) are not supported", "write the fields out"),
        invalid("unknown field in a parity side", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: cmp
                    kind: parity
                    legacy: {table: a, wher: x}
                    new: {table: b}
                    key: [id]
            """, "8:28", "unknown field 'wher' in step 'cmp' legacy", "did you mean 'where'?"),
        invalid("wait until nothing", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: later
                    kind: wait
                    until: T+90x
            """, "8:16", "until: 'T+90x' is neither T+duration nor an instant", "write T+ and a duration"),
        invalid("soak repeating nothing", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: soak
                    kind: soak
                    every: 1h
                    for: 7d
            """, "8:16", "a soak step repeats exactly one of check:, parity: or http:, found 0", "indent the repeated"),
        invalid("bounds upside down", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: bounded
                    kind: check
                    scalar: SELECT count(*) FROM t
                    min: 5
                    max: 1.5
            """, "9:14", "min 5 is above max 1.5", "swap them"),
        invalid("a bad field of a soak's check", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: soak
                    kind: soak
                    every: 1h
                    for: 7d
                    check:
                      query: SELECT 1
                      show: many
            """, "12:17", "step 'soak' check: show must be a whole number", "a whole number"),
        invalid("a flag with compensate", """
            name: p
            target: demo
            phases:
              - name: a
                steps:
                  - id: maintenance-on
                    kind: flag
                    flag: maintenance
                    enabled: true
                    compensate: DELETE FROM cutover.flag
            """, "10:9", "kind flag undoes itself automatically; remove compensate:", "restores what a flag step"));
  }

  private static Arguments invalid(String name, String yaml, String position, String message, String fix) {
    return Arguments.of(name, yaml, position, message, fix);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidPlans")
  void reportsTheProblemWhereItIs(String name, String yaml, String position, String message, String fix) {
    InvalidPlanException e = assertThrows(InvalidPlanException.class, () -> PlanParser.parse(yaml, "plan.yaml", TARGETS, StepKinds.ALL));
    assertEquals(1, e.problems().size(), () -> "expected exactly one problem, got:\n" + e.getMessage());
    PlanProblem problem = e.problems().get(0);
    assertEquals("plan.yaml", problem.file());
    assertEquals(position, problem.line() + ":" + problem.column(), () -> e.getMessage());
    assertTrue(problem.message().contains(message), () -> "message: " + problem.message());
    assertTrue(problem.fix() != null && problem.fix().contains(fix), () -> "fix: " + problem.fix());
  }

  // ------------------------------------------------------------------ valid plans

  @Test
  void parsesAValidPlan() throws InvalidPlanException {
    assertContractTemplates(PlanParser.parse(VALID, "plan.yaml", TARGETS, StepKinds.ALL), true);
  }

  @Test
  void parsesTheSamePlanWrittenAsJson() throws InvalidPlanException {
    Plan fromJson = PlanParser.parse(VALID_JSON, "plan.json", TARGETS, StepKinds.ALL);
    assertContractTemplates(fromJson, false);
    Plan fromYaml = PlanParser.parse(VALID, "plan.yaml", TARGETS, StepKinds.ALL);
    assertEquals(fromYaml.phases().size(), fromJson.phases().size());
    for (int p = 0; p < fromYaml.phases().size(); p++) {
      List<PlanStep> yamlSteps = fromYaml.phases().get(p).steps();
      List<PlanStep> jsonSteps = fromJson.phases().get(p).steps();
      for (int s = 0; s < yamlSteps.size(); s++) {
        PlanStep y = yamlSteps.get(s);
        PlanStep j = jsonSteps.get(s);
        assertEquals(new PlanStep(y.id(), y.description(), y.compensate(), y.irreversible(),
            y.pointOfNoReturn(), y.spec(), j.line()), j);
      }
    }
  }

  private static void assertContractTemplates(Plan plan, boolean checkLines) {
    assertEquals("contract-templates", plan.name());
    assertEquals("demo", plan.target());
    assertEquals("Move contract bodies into templates", plan.description());
    assertEquals(List.of("introduce", "switch"), plan.phases().stream().map(Phase::name).toList());
    assertEquals("add the new table", plan.phases().get(0).description());
    assertNull(plan.phases().get(1).description());

    PlanStep create = plan.phases().get(0).steps().get(0);
    assertEquals("create-template-tables", create.id());
    assertEquals("sql", create.kind());
    assertEquals("the templates table", create.description());
    assertEquals("DROP TABLE contract_templates;\n", create.compensate());
    assertFalse(create.irreversible());
    assertFalse(create.pointOfNoReturn());
    assertEquals(new SqlSpec("CREATE TABLE contract_templates (id bigint PRIMARY KEY);\n",
        new SqlTimeouts(Duration.ofMillis(250), Duration.ofMinutes(2), Duration.ofSeconds(90))), create.spec());

    List<PlanStep> switchSteps = plan.phases().get(1).steps();
    assertEquals(List.of("approve-switch", "drop-old-column"), switchSteps.stream().map(PlanStep::id).toList());
    PlanStep gate = switchSteps.get(0);
    assertEquals("approval", gate.kind());
    assertNull(gate.description());
    assertNull(gate.compensate());
    assertEquals(new ApprovalSpec(List.of("alice", "bob"), 2, true), gate.spec());

    PlanStep drop = plan.step("drop-old-column").orElseThrow();
    assertTrue(drop.irreversible());
    assertTrue(drop.pointOfNoReturn());
    assertNull(drop.compensate());
    assertEquals(new SqlSpec("ALTER TABLE contracts DROP COLUMN body"), drop.spec());

    if (checkLines) {
      assertEquals(8, create.line());
      assertEquals(20, gate.line());
      assertEquals(25, drop.line());
    }
  }

  @Test
  void absentOptionalFieldsTakeTheirDefaultsInTheSpec() throws InvalidPlanException {
    Plan plan = PlanParser.parse("""
        name: p
        target: demo
        phases:
          - name: a
            steps:
              - id: s1
                kind: sql
                sql: SELECT 1
                irreversible: true
              - id: gate
                kind: approval
                approvers: alice
        """, "plan.yaml", TARGETS, StepKinds.ALL);
    assertNull(plan.description());
    PlanStep sql = plan.step("s1").orElseThrow();
    assertEquals(new SqlSpec("SELECT 1", new SqlTimeouts(Duration.ofMillis(500), Duration.ofMinutes(15), Duration.ofMinutes(5))),
        sql.spec());
    assertEquals(new ApprovalSpec(List.of("alice"), 1, false), plan.step("gate").orElseThrow().spec());
  }

  @Test
  void nullTargetsSkipTheTargetCheck() throws InvalidPlanException {
    String yaml = VALID.replace("target: demo", "target: anywhere-else");
    assertEquals("anywhere-else", PlanParser.parse(yaml, "plan.yaml", null, StepKinds.ALL).target());
    InvalidPlanException e = assertThrows(InvalidPlanException.class, () -> PlanParser.parse(yaml, "plan.yaml", TARGETS, StepKinds.ALL));
    assertEquals("unknown target 'anywhere-else'", e.problems().get(0).message());
  }

  @Test
  void noConfiguredTargetsSaysSo() {
    InvalidPlanException e = assertThrows(InvalidPlanException.class, () -> PlanParser.parse(VALID, "plan.yaml", Set.of(), StepKinds.ALL));
    assertTrue(e.problems().get(0).fix().contains("no targets are configured"));
  }

  // ------------------------------------------------------------------ several problems

  private static final String SEVERAL = """
      name: Bad Name
      target: demo
      extra: 1
      phases:
        - name: a
          steps:
            - id: s1
              kind: sql
              sql: SELECT 1
            - id: s2
              kind: sqll
        - name: b
          steps: []
      """;

  @Test
  void reportsEveryProblemInPositionOrder() {
    InvalidPlanException e = assertThrows(InvalidPlanException.class, () -> PlanParser.parse(SEVERAL, "plan.yaml", TARGETS, StepKinds.ALL));
    assertEquals(List.of("1:7", "3:1", "7:9", "11:15", "13:12"),
        e.problems().stream().map(p -> p.line() + ":" + p.column()).toList(), e.getMessage());
    assertTrue(e.problems().get(0).message().startsWith("plan name 'Bad Name'"));
    assertTrue(e.problems().get(1).message().startsWith("unknown field 'extra'"));
    assertTrue(e.problems().get(2).message().contains("has no compensate:"));
    assertTrue(e.problems().get(3).message().contains("unknown step kind 'sqll'"));
    assertTrue(e.problems().get(4).message().startsWith("empty phase"));
  }

  @Test
  void exceptionMessageHasOneEditorStyleLinePerProblem() {
    InvalidPlanException e = assertThrows(InvalidPlanException.class, () -> PlanParser.parse(SEVERAL, "plan.yaml", TARGETS, StepKinds.ALL));
    List<String> lines = e.getMessage().lines().toList();
    assertEquals(5, lines.size());
    for (String line : lines) {
      assertTrue(line.matches("plan\\.yaml:\\d+:\\d+: .+ — .+"), line);
    }
    assertEquals("plan.yaml:7:9: step 's1' (kind sql) has no compensate: and is not marked irreversible: true — "
        + "add compensate: with SQL that undoes the step, so a rollback can run it; "
        + "or, if the step cannot be undone, declare irreversible: true", lines.get(2));
  }

  @Test
  void fieldsOfAStepWithAnUnknownKindAreNotJudged() {
    InvalidPlanException e = assertThrows(InvalidPlanException.class, () -> PlanParser.parse("""
        name: p
        target: demo
        phases:
          - name: a
            steps:
              - id: s1
                kind: shell
                command: ls
        """, "plan.yaml", TARGETS, StepKinds.ALL));
    assertEquals(1, e.problems().size(), e.getMessage());
  }

  // ------------------------------------------------------------------ durations and hash

  @ParameterizedTest
  @CsvSource({
      "500ms, PT0.5S", "250ms, PT0.25S", "30s, PT30S", "1.5s, PT1.5S", "10m, PT10M", "2h, PT2H",
      "7d, PT168H", "0s, PT0S", "PT10M, PT10M", "P7D, PT168H", "pt1h30m, PT1H30M"})
  void readsDurations(String text, String iso) throws Durations.BadDuration {
    assertEquals(iso, Durations.parse(text).toString());
  }

  @ParameterizedTest
  @CsvSource({"-1s, is negative", "-PT1S, is negative", "10, is not a duration", "1.5x, is not a duration",
      "10 minutes, is not a duration", "P1Y, is not a valid ISO-8601 duration", "0.0000000001s, finer than a nanosecond"})
  void rejectsBadDurations(String text, String reason) {
    Durations.BadDuration e = assertThrows(Durations.BadDuration.class, () -> Durations.parse(text));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void hashIsStableLowercaseSha256() {
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", PlanParser.hash("abc"));
    assertEquals(PlanParser.hash(VALID), PlanParser.hash(new String(VALID)));
    assertTrue(PlanParser.hash(VALID).matches("[0-9a-f]{64}"));
    assertFalse(PlanParser.hash(VALID).equals(PlanParser.hash(VALID + " ")));
  }
}
