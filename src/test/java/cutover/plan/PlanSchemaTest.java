package cutover.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import cutover.activities.steps.StepKinds;
import cutover.plan.schema.PlanDocument;
import cutover.plan.schema.PlanSchema;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * plan.schema.json: generated from the spec records, kept equal to the file, valid draft-07, met
 * by every example plan, and checked by networknt's validator (independent of the generator)
 * against the parser's invalid-plan corpus.
 */
class PlanSchemaTest {
  /** Regenerate with {@code mvn test -Dtest=PlanSchemaTest -Dplan.schema.update=true}. */
  static final Path SCHEMA_FILE = Path.of("plan.schema.json");
  static final Path EXAMPLES = Path.of("examples");
  static final ObjectMapper MAPPER = new ObjectMapper();

  static String generated;
  static Schema schema;

  @BeforeAll
  static void generate() throws IOException {
    generated = new PlanSchema(StepKinds.ALL.specTypes()).text();
    schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(MAPPER.readTree(generated));
  }

  @Test
  void theFileIsWhatTheGeneratorMakes() throws IOException {
    if (Boolean.getBoolean("plan.schema.update")) {
      Files.writeString(SCHEMA_FILE, generated, StandardCharsets.UTF_8);
    }
    String kept = Files.exists(SCHEMA_FILE) ? Files.readString(SCHEMA_FILE, StandardCharsets.UTF_8) : "";
    assertEquals(generated, kept, SCHEMA_FILE + " differs from what the spec records give: regenerate it with "
        + "`java -jar target/cutover.jar plan schema > plan.schema.json` (or mvn test -Dtest=PlanSchemaTest "
        + "-Dplan.schema.update=true) and commit it");
  }

  @Test
  void isValidDraft07() throws IOException {
    Schema draft07 = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
        .getSchema(SchemaLocation.of("http://json-schema.org/draft-07/schema#"));
    assertEquals(List.of(), messages(draft07.validate(MAPPER.readTree(generated))));
  }

  @Test
  void listsEveryRegisteredKind() throws IOException {
    JsonNode kind = MAPPER.readTree(generated).at("/properties/phases/items/properties/steps/items/properties/kind");
    List<String> names = new ArrayList<>();
    kind.get("enum").forEach(name -> names.add(name.asText()));
    assertEquals(List.copyOf(StepKinds.ALL.names()), names);
  }

  @Test
  void commonFieldsMirrorTheParser() {
    assertEquals(PlanParser.PLAN_FIELDS, componentNames(PlanDocument.class));
    assertEquals(PlanParser.PHASE_FIELDS, componentNames(PlanDocument.Phase.class));
    assertEquals(PlanParser.STEP_FIELDS, componentNames(PlanDocument.Step.class));
  }

  // ------------------------------------------------------------------ descriptions and defaults

  @Test
  void everyFieldHasADescription() throws IOException {
    List<String> undescribed = new ArrayList<>();
    undescribed(MAPPER.readTree(generated), "", undescribed);
    assertEquals(List.of(), undescribed);
  }

  private static void undescribed(JsonNode node, String path, List<String> found) {
    if (node.has("properties")) {
      node.get("properties").fields().forEachRemaining(field -> {
        JsonNode property = field.getValue();
        boolean described = property.has("description")
            || property.path("allOf").findValue("description") != null;
        if (property.isObject() && !described) {
          found.add(path + "/" + field.getKey());
        }
      });
    }
    node.fields().forEachRemaining(child -> {
      if (!child.getKey().equals("if")) { // a kind's condition, not a field
        undescribed(child.getValue(), path + "/" + child.getKey(), found);
      }
    });
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        undescribed(node.get(i), path + "/" + i, found);
      }
    }
  }

  static Stream<Class<? extends StepSpec>> specTypes() {
    return StepKinds.ALL.specTypes().values().stream();
  }

  /**
   * A field's documented default is what its record gives when the plan leaves the field out (the
   * parser passes null); a field without one is left empty.
   */
  @ParameterizedTest
  @MethodSource("specTypes")
  void defaultsAreTheRecordsOwn(Class<? extends StepSpec> spec) throws Exception {
    assertDefaultsDocumented(spec, spec.getSimpleName());
  }

  /** The record's fields, and those of its {@code @JsonUnwrapped} components (the lock settings), as the plan has them. */
  private static void assertDefaultsDocumented(Class<?> type, String owner) throws Exception {
    RecordComponent[] components = type.getRecordComponents();
    Constructor<?> canonical =
        type.getDeclaredConstructor(Arrays.stream(components).map(RecordComponent::getType).toArray(Class[]::new));
    Object empty = canonical.newInstance(new Object[components.length]);
    for (RecordComponent component : components) {
      String name = owner + "." + component.getName();
      if (component.getAccessor().isAnnotationPresent(JsonUnwrapped.class)) {
        assertDefaultsDocumented(component.getType(), name);
        continue;
      }
      Object value = component.getAccessor().invoke(empty);
      assertTrue(component.getAccessor().isAnnotationPresent(JsonPropertyDescription.class), name + " has no description");
      JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
      String documented = property == null ? "" : property.defaultValue();
      if (documented.isEmpty()) {
        boolean nothing = value == null || value instanceof Collection<?> c && c.isEmpty()
            || value instanceof Map<?, ?> m && m.isEmpty();
        assertTrue(nothing, name + " defaults to " + value + " but documents no default");
      } else {
        assertEquals(typed(documented, component.getType(), value), value, name + "'s documented default");
      }
    }
  }

  private static Object typed(String text, Class<?> type, Object actual) throws Durations.BadDuration {
    if (type == Integer.class) {
      return Integer.valueOf(text);
    } else if (type == Long.class) {
      return Long.valueOf(text);
    } else if (type == Boolean.class) {
      return Boolean.valueOf(text);
    } else if (type == BigDecimal.class) {
      return new BigDecimal(text);
    } else if (type == Duration.class) {
      return Durations.parse(text);
    } else if (type == List.class) {
      return List.of(text);
    } else if (type.isEnum()) {
      return text.equals(MAPPER.convertValue(actual, String.class)) ? actual : text; // by its plan word
    }
    return text;
  }

  // ------------------------------------------------------------------ plans the schema accepts

  static List<Path> examplePlans() throws IOException {
    List<Path> plans = new ArrayList<>();
    try (DirectoryStream<Path> examples = Files.newDirectoryStream(EXAMPLES, Files::isDirectory)) {
      examples.forEach(example -> {
        if (Files.exists(example.resolve("plan.yaml"))) {
          plans.add(example.resolve("plan.yaml"));
        }
      });
    }
    assertFalse(plans.isEmpty(), "no examples/*/plan.yaml");
    return plans.stream().sorted().toList();
  }

  @ParameterizedTest
  @MethodSource("examplePlans")
  void everyExamplePlanIsValid(Path plan) throws Exception {
    String yaml = Files.readString(plan, StandardCharsets.UTF_8);
    PlanParser.parse(yaml, plan.toString(), null, StepKinds.ALL);
    assertEquals(List.of(), messages(schema.validate(YamlTree.read(yaml))), plan.toString());
  }

  /** One plan using every kind, most fields in the forms plans write them. */
  static final String EVERY_KIND = """
      name: every-kind
      target: demo
      phases:
        - name: one
          steps:
            - id: ddl
              kind: sql
              sql: CREATE TABLE t (id int, tenant text)
              compensate: DROP TABLE t
              lockTimeout: 500ms
              statementTimeout: PT10M
              lockRetryFor: 3m
            - id: copy
              kind: backfill
              from: legacy
              key: [tenant, id]
              into: t
              columns: {tenant: tenant, id: id, marker: 1}
              onConflict: update
              conflictColumns: id
              partitions: 2
              batchTime: 0
              rate: 5000
            - id: valid
              kind: validate
              tables: t
            - id: same
              kind: parity
              legacy: {table: legacy, where: tenant IS NOT NULL}
              new: {query: SELECT * FROM t}
              key: [id]
              groupBy: [tenant]
              aggregates: [count(*), sum(id)]
            - id: no-orphans
              kind: check
              scalar: SELECT count(*) FROM t
              min: 0
              max: 1.5
            - id: smoke
              kind: http
              urls: [https://example.org/a, "https://example.org/{id}"]
              rows: SELECT id FROM t
              method: HEAD
              timeout: 2.5s
            - id: tests
              kind: command
              command: npm test
              irreversible: true
            - id: maintenance
              kind: flag
              flag: maintenance
              value: "on"
              tenants: [acme]
            - id: go
              kind: approval
              approvers: [alice, bob]
              approvals: 2
              separateFromStarter: yes
            - id: later
              kind: wait
              until: T+90d
            - id: soak-it
              kind: soak
              every: 10m
              for: 7d
              check:
                query: SELECT 1 WHERE false
              pointOfNoReturn: true
      """;

  @Test
  void aPlanWithEveryKindIsValid() throws InvalidPlanException {
    PlanParser.parse(EVERY_KIND, "plan.yaml", null, StepKinds.ALL);
    assertEquals(List.of(), messages(schema.validate(YamlTree.read(EVERY_KIND))));
  }

  /** A line of {@link #EVERY_KIND}, found by its text, replaced by a mistake; the parser refuses it too. */
  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', textBlock = """
      approvals: 2                          | approvals: two
      approvals: 2                          | approvals: 1.5
      lockTimeout: 500ms                    | lockTimeout: 5 minutes
      statementTimeout: PT10M               | statementTimeout: P1Y
      lockRetryFor: 3m                      | lockRetryFor: 3
      onConflict: update                    | onConflict: ignore
      columns: {tenant: tenant, id: id, marker: 1} | columns: [tenant, id]
      from: legacy                          | query: SELECT 1\\nfrom: legacy
      into: t                               | set: {id: id}\\ninto: t
      tables: t                             | tables: {t: 1}
      new: {query: SELECT * FROM t}         | new: {query: SELECT * FROM t, table: t}
      urls: [https://example.org/a, "https://example.org/{id}"] | url: https://example.org\\nurls: [https://example.org]
      command: npm test                     | command: 42
      flag: maintenance                     | flags: maintenance
      until: T+90d                          | until: T+90d\\nfor: 1h
      check:                                | parity:
      sql: CREATE TABLE t (id int, tenant text) | sql:
      pointOfNoReturn: true                 | pointOfNoReturn: sometimes
      name: every-kind                      | title: every-kind
      """)
  void mistypedFieldsAreRefused(String line, String mistake) {
    String yaml = replaceLine(EVERY_KIND, line, mistake.replace("\\n", "\n"));
    assertTrue(invalidForTheParser(yaml), "the parser accepts " + mistake);
    assertFalse(messages(schema.validate(YamlTree.read(yaml))).isEmpty(), "the schema accepts " + mistake);
  }

  private static String replaceLine(String yaml, String line, String replacement) {
    List<String> lines = new ArrayList<>(yaml.lines().toList());
    for (int i = 0; i < lines.size(); i++) {
      String current = lines.get(i);
      if (current.strip().equals(line.strip())) {
        String indent = current.substring(0, current.indexOf(current.strip()));
        lines.set(i, indent + replacement.replace("\n", "\n" + indent));
        return String.join("\n", lines) + "\n";
      }
    }
    throw new AssertionError("no line '" + line + "' in the plan");
  }

  private static boolean invalidForTheParser(String yaml) {
    try {
      PlanParser.parse(yaml, "plan.yaml", null, StepKinds.ALL);
      return false;
    } catch (InvalidPlanException expected) {
      return true;
    }
  }

  // ------------------------------------------------------------------ the parser's invalid-plan corpus

  /** Type errors a schema sees: wrong types, unknown fields and kinds, missing fields. */
  static final Set<String> SCHEMA_REFUSES = Set.of(
      "unknown step kind", "unknown step kind, nothing close",
      "phase without steps:", "empty phase", "no phases",
      "unknown step field with suggestion", "misspelt compensate", "unknown kind field, nothing close",
      "unknown top-level field", "unknown phase field", "unknown field in a parity side",
      "bad duration", "negative duration", "duration without unit", "ISO-8601 months",
      "quoted integer", "wrong type for a boolean", "wrong type for a kind's boolean",
      "number where text is required", "approver that is not text", "a bad field of a soak's check",
      "missing name", "empty name", "missing target", "missing phases", "missing step id", "missing kind",
      "missing sql (the kind's required field)", "empty compensate",
      "phases not a list", "step not a mapping", "top level is a list", "empty document",
      "soak repeating nothing", "lockRetries, replaced by lockRetryFor");

  /**
   * What only the parser checks (the schema accepts these): uniqueness across the plan, undo
   * rules ({@code compensate:} or {@code irreversible:}, by kind), names' characters, the
   * worker's targets, ranges and values a kind's reader judges, and fields that depend on others.
   */
  static final Set<String> PARSER_ONLY = Set.of(
      "duplicate step id in two phases", "duplicate phase name",
      "missing compensate without irreversible", "irreversible: false is not enough", "compensate on approval",
      "compensate and irreversible", "a flag with compensate",
      "bad plan name characters", "bad id characters", "id starting with a dash", "dot in a phase name",
      "unknown target",
      "zero lock timeout (the kind's own check)", "lockRetryFor 0", "integer out of range", "wait until nothing",
      "approvals more than approvers", "bounds upside down");

  /** Not a single JSON-like tree: broken YAML, several documents, and YAML-only devices. */
  static final Set<String> YAML_LEVEL = Set.of(
      "syntax error", "tab indentation", "two documents", "duplicate key", "merge key");

  @Test
  void everyCorpusCaseIsClassifiedOnce() {
    Set<String> names = new HashSet<>();
    PlanParserTest.invalidPlans().forEach(arguments -> names.add((String) arguments.get()[0]));
    List<String> classified = new ArrayList<>(SCHEMA_REFUSES);
    classified.addAll(PARSER_ONLY);
    classified.addAll(YAML_LEVEL);
    assertEquals(classified.size(), Set.copyOf(classified).size(), "a case is in two groups");
    assertEquals(names, Set.copyOf(classified), "classify each invalid plan of PlanParserTest here");
  }

  static Stream<Arguments> corpus() {
    return PlanParserTest.invalidPlans()
        .filter(arguments -> !YAML_LEVEL.contains((String) arguments.get()[0]))
        .map(arguments -> Arguments.of(arguments.get()[0], arguments.get()[1]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void theSchemaRefusesTheCorpusTypeErrors(String name, String yaml) {
    List<String> errors = messages(schema.validate(YamlTree.read(yaml)));
    if (SCHEMA_REFUSES.contains(name)) {
      assertFalse(errors.isEmpty(), name + ": the schema accepts it");
    } else {
      assertEquals(List.of(), errors, name + " is the parser's to judge");
    }
  }

  // ------------------------------------------------------------------ durations

  /** The schema's duration pattern agrees with the parser's Durations. */
  @ParameterizedTest
  @ValueSource(strings = {"500ms", "250ms", "30s", "1.5s", "10m", "2h", "7d", "0s", "PT10M", "P7D", "pt1h30m",
      "P1DT2H", "PT1.5S", "+5s", " 5 s ", "-1s", "-PT1S", "10", "1.5x", "10 minutes", "P1Y", "P1M", "PT", "P",
      "P1DT", "PT-5M", "5S", "ms"})
  void durationPatternAgreesWithTheParser(String text) {
    boolean parses;
    try {
      Durations.parse(text);
      parses = true;
    } catch (Durations.BadDuration e) {
      parses = false;
    }
    String yaml = "name: p\ntarget: demo\nphases:\n  - name: a\n    steps:\n      - id: w\n        kind: wait\n"
        + "        for: \"" + text + "\"\n";
    assertEquals(parses, messages(schema.validate(YamlTree.read(yaml))).isEmpty(), text);
  }

  private static List<String> componentNames(Class<? extends Record> type) {
    return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
  }

  private static List<String> messages(List<Error> errors) {
    return errors.stream().map(e -> e.getInstanceLocation() + " " + e.getMessage()).toList();
  }
}
