package cutover.starter.bench;

import java.util.List;
import java.util.Locale;

/**
 * One copy shape of {@code cutover bench backfill --cases}: the tables it needs, the backfill's
 * source fields, and the same copy as one statement (its limit). One place per case: a new
 * case is one more entry in {@link #named}.
 *
 * @param name the case's name on its result line
 * @param tables the generated tables it reads ({@link Tables})
 * @param source the plan's source fields (from: or query:, key:, where:), YAML lines
 * @param columns the copied columns: target column to source expression
 * @param select the limit's SELECT: the same rows and expressions as one statement
 * @param target the DDL of an empty target table, {@code %s} for its name
 */
record BackfillCase(String name, Tables tables, String source, List<String[]> columns, String select, String target) {

  /** The generated tables a case reads; each made once per run, sized by {@code --rows}. */
  enum Tables {
    /** bench_src: a dense bigint key filled in key order (~140 bytes a row), and bench_tenants (its 50 tenants). */
    INT,
    /** bench_uuid: bench_src's rows under a random UUID key. */
    UUID,
    /** bench_contracts (2 per 5 lines, 3% templates) and bench_lines: random UUID keys (tenant, id), as the example's. */
    CONTRACTS
  }

  static final List<String> NAMES = List.of("int", "uuid", "filtered-uuid", "join");

  private static final String SRC_COLUMNS = "id, tenant, name, status, amount, created_at, metadata";
  private static final String LINE_COLUMNS = "tenant, contract_line_id, contract_id, line_name, billing_frequency,"
      + " display_order, rate";

  /** The case of a name, or null. */
  static BackfillCase named(String name) {
    return switch (name) {
      case "int" -> new BackfillCase(name, Tables.INT, "from: bench_src\nkey: [id]\n", same(SRC_COLUMNS),
          "SELECT " + SRC_COLUMNS + " FROM bench_src", "CREATE TABLE %s (LIKE bench_src INCLUDING ALL)");
      case "uuid" -> new BackfillCase(name, Tables.UUID, "from: bench_uuid\nkey: [id]\n", same(SRC_COLUMNS),
          "SELECT " + SRC_COLUMNS + " FROM bench_uuid", "CREATE TABLE %s (LIKE bench_uuid INCLUDING ALL)");
      // the contract-templates workload plan's copy-template-lines: lines whose contract is a template, ~3% of them
      case "filtered-uuid" -> new BackfillCase(name, Tables.CONTRACTS,
          "from: bench_lines\nkey: [tenant, contract_line_id]\nwhere: " + TEMPLATE_LINES + "\n", same(LINE_COLUMNS),
          "SELECT " + LINE_COLUMNS + " FROM bench_lines WHERE " + TEMPLATE_LINES,
          "CREATE TABLE %s (LIKE bench_lines INCLUDING ALL)");
      // a denormalising copy through a join with a small table, as the example's parity queries read
      case "join" -> new BackfillCase(name, Tables.INT,
          "query: " + JOIN + "\nkey: [id]\n", same("id, tenant_name, status, amount, created_at"),
          "SELECT id, tenant_name, status, amount, created_at FROM (" + JOIN + ") source",
          "CREATE TABLE %s (id bigint PRIMARY KEY, tenant_name text NOT NULL, status text NOT NULL,"
              + " amount numeric(12,2), created_at timestamptz NOT NULL)");
      default -> null;
    };
  }

  private static final String TEMPLATE_LINES = "EXISTS (SELECT 1 FROM bench_contracts c WHERE c.tenant = bench_lines.tenant"
      + " AND c.contract_id = bench_lines.contract_id AND c.is_template)";
  private static final String JOIN = "SELECT s.id, t.name AS tenant_name, s.status, s.amount, s.created_at"
      + " FROM bench_src s JOIN bench_tenants t ON t.tenant = s.tenant";

  private static List<String[]> same(String columns) {
    return java.util.Arrays.stream(columns.split(", ")).map(c -> new String[] {c, c}).toList();
  }

  /** The copied target columns, comma-separated. */
  String targetColumns() {
    return String.join(", ", columns.stream().map(c -> c[0]).toList());
  }

  /** The step's fields: source, target, columns. */
  String stepFields(String into) {
    StringBuilder fields = new StringBuilder(source).append("into: ").append(into).append("\ncolumns:\n");
    for (String[] column : columns) {
      fields.append("  ").append(column[0]).append(": ").append(column[1]).append('\n');
    }
    return fields.toString();
  }

  /** The SQL that generates a case's tables with {@code rows} rows (lines, for the contracts). */
  static List<String> generate(Tables tables, long rows) {
    return switch (tables) {
      case INT -> List.of(
          "DROP TABLE IF EXISTS bench_src, bench_tenants",
          "CREATE TABLE bench_src (id bigint PRIMARY KEY, tenant uuid NOT NULL, name text NOT NULL,"
              + " status text NOT NULL, amount numeric(12,2), created_at timestamptz NOT NULL, metadata jsonb, score bigint)",
          "INSERT INTO bench_src (" + SRC_COLUMNS + ") SELECT g, md5('tenant' || (g % 50))::uuid, 'contract ' || g,"
              + " (ARRAY['active', 'draft', 'expired'])[g % 3 + 1], (g % 100000) / 100.0,"
              + " timestamptz '2024-01-01' + g * interval '1 second',"
              + " jsonb_build_object('tier', g % 4, 'seats', g % 50, 'renewal', 'auto')"
              + " FROM generate_series(1, " + rows + ") g",
          "CREATE TABLE bench_tenants (tenant uuid PRIMARY KEY, name text NOT NULL)",
          "INSERT INTO bench_tenants SELECT md5('tenant' || g)::uuid, 'tenant ' || g FROM generate_series(0, 49) g",
          "VACUUM ANALYZE bench_src",
          "VACUUM ANALYZE bench_tenants");
      case UUID -> List.of(
          "DROP TABLE IF EXISTS bench_uuid",
          "CREATE TABLE bench_uuid (id uuid PRIMARY KEY, tenant uuid NOT NULL, name text NOT NULL,"
              + " status text NOT NULL, amount numeric(12,2), created_at timestamptz NOT NULL, metadata jsonb)",
          "INSERT INTO bench_uuid (" + SRC_COLUMNS + ") SELECT md5('row' || g)::uuid, md5('tenant' || (g % 50))::uuid,"
              + " 'contract ' || g, (ARRAY['active', 'draft', 'expired'])[g % 3 + 1], (g % 100000) / 100.0,"
              + " timestamptz '2024-01-01' + g * interval '1 second',"
              + " jsonb_build_object('tier', g % 4, 'seats', g % 50, 'renewal', 'auto')"
              + " FROM generate_series(1, " + rows + ") g",
          "VACUUM ANALYZE bench_uuid");
      case CONTRACTS -> List.of(
          "DROP TABLE IF EXISTS bench_lines, bench_contracts",
          "CREATE TABLE bench_contracts (tenant uuid NOT NULL, contract_id uuid NOT NULL, contract_name text NOT NULL,"
              + " is_template boolean NOT NULL DEFAULT false, status text NOT NULL, PRIMARY KEY (tenant, contract_id))",
          "CREATE INDEX bench_contracts_tenant_is_template_idx ON bench_contracts (tenant, is_template)",
          String.format(Locale.ROOT, "INSERT INTO bench_contracts SELECT md5('tenant' || (g %% 3))::uuid,"
              + " md5('contract' || g)::uuid, 'contract ' || g, abs(hashint4(g)) %% 1000 < 30, 'active'"
              + " FROM generate_series(1, %d) g", Math.max(1, rows * 2 / 5)),
          "CREATE TABLE bench_lines (tenant uuid NOT NULL, contract_line_id uuid NOT NULL, contract_id uuid NOT NULL,"
              + " line_name text NOT NULL, billing_frequency text NOT NULL, display_order integer NOT NULL DEFAULT 0,"
              + " rate numeric(12,2), PRIMARY KEY (tenant, contract_line_id))",
          // each contract's lines together (as an application writes them), a contract's key random
          String.format(Locale.ROOT, "INSERT INTO bench_lines SELECT md5('tenant' || (c %% 3))::uuid,"
              + " md5('line' || g)::uuid, md5('contract' || c)::uuid, 'line ' || g,"
              + " (ARRAY['monthly', 'quarterly', 'annually'])[g %% 3 + 1], g %% 7, (g %% 10000) / 100.0"
              + " FROM generate_series(1, %d) g, LATERAL (SELECT (g - 1) * 2 / 5 + 1 AS c) contract", rows),
          "CREATE INDEX bench_lines_contract_idx ON bench_lines (tenant, contract_id, display_order)",
          "VACUUM ANALYZE bench_contracts",
          "VACUUM ANALYZE bench_lines");
    };
  }
}
