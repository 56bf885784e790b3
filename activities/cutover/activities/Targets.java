package cutover.activities;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * The PostgreSQL databases this worker may change, by name. Plans and workflows carry only the
 * name; the connection settings stay here, on the worker, and never leave it: every message that
 * may reach Temporal passes through {@link #redact(String)} first.
 *
 * <p>Each target gets a small connection pool, created on first use, and its ledger (schema
 * {@code cutover}) is migrated with Flyway before the pool is handed out.
 */
public final class Targets implements AutoCloseable {

  static {
    System.setProperty("org.jooq.no-logo", "true");
    System.setProperty("org.jooq.no-tips", "true");
  }

  /**
   * Connection settings of one target. {@link #toString()} shows the name only.
   *
   * @param served whether this worker serves the target (its queue, its ledger, plans on it); a
   *     target not served is known only to be read: the source of a copy between targets, a side of a parity
   */
  public record Target(String name, String jdbcUrl, String user, String password, boolean served) {
    public Target {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    }

    public Target(String name, String jdbcUrl, String user, String password) {
      this(name, jdbcUrl, user, password, true);
    }

    @Override
    public String toString() {
      return "Target[" + name + "]";
    }
  }

  /** A backfill part holds three connections (its batches, its watcher, its latency guard); up to 8 parts run at once. */
  static final int MAX_POOL_SIZE = 28;
  private static final String ENV_PREFIX = "CUTOVER_TARGET_";
  private static final String REDACTED = "***";

  private final Map<String, Target> targets;
  private final Map<String, Pool> pools = new TreeMap<>();
  private final List<Pattern> secrets;
  private boolean closed;

  private Targets(List<Target> list) {
    Map<String, Target> byName = new TreeMap<>();
    for (Target target : list) {
      if (target.name().isBlank()) {
        throw new IllegalArgumentException("a target has a blank name");
      }
      if (byName.put(target.name(), target) != null) {
        throw new IllegalArgumentException("target '" + target.name() + "' is configured twice");
      }
    }
    this.targets = byName;
    this.secrets = secretPatterns(byName.values());
  }

  public static Targets of(List<Target> targets) {
    return new Targets(targets);
  }

  /**
   * Reads targets from the environment and from a properties file (either may be empty).
   *
   * <ul>
   *   <li>environment: {@code CUTOVER_TARGET_<NAME>_URL}, {@code _USER}, {@code _PASSWORD}; the
   *       name is lowercased with {@code _} turned into {@code -} ({@code ORDERS_DB} is
   *       {@code orders-db})
   *   <li>properties: {@code <name>.url}, {@code <name>.user}, {@code <name>.password}, or
   *       {@code <name>.passwordEnv=VAR} to read the password from the environment variable VAR
   *   <li>{@code <name>.serve=false} (or {@code CUTOVER_TARGET_<NAME>_SERVE=false}): the worker
   *       only reads the target, as the source of a copy between targets or a side of a parity;
   *       it does not poll its queue or touch its ledger, so a read-only user will do
   * </ul>
   *
   * The environment wins over the file where both set the same setting. Other keys are ignored.
   *
   * @throws IllegalArgumentException when a target has no URL or its passwordEnv is unset; the
   *     message holds no secret
   */
  public static Targets fromEnvironment(Map<String, String> env, Properties fileProps) {
    Map<String, String> environment = env == null ? Map.of() : env;
    Map<String, Map<String, String>> settings = new TreeMap<>();
    if (fileProps != null) {
      for (String key : fileProps.stringPropertyNames()) {
        int dot = key.lastIndexOf('.');
        if (dot <= 0) {
          continue;
        }
        String setting = key.substring(dot + 1);
        if (!List.of("url", "user", "password", "passwordEnv", "serve").contains(setting)) {
          continue;
        }
        String name = key.substring(0, dot).trim();
        settings.computeIfAbsent(name, n -> new TreeMap<>()).put(setting, fileProps.getProperty(key).trim());
      }
    }
    for (Map.Entry<String, String> entry : environment.entrySet()) {
      String key = entry.getKey();
      if (!key.startsWith(ENV_PREFIX)) {
        continue;
      }
      String rest = key.substring(ENV_PREFIX.length());
      for (String setting : List.of("url", "user", "password", "serve")) {
        String suffix = "_" + setting.toUpperCase(java.util.Locale.ROOT);
        if (rest.endsWith(suffix) && rest.length() > suffix.length()) {
          String name = rest.substring(0, rest.length() - suffix.length())
              .toLowerCase(java.util.Locale.ROOT).replace('_', '-');
          settings.computeIfAbsent(name, n -> new TreeMap<>()).put("env." + setting, entry.getValue());
        }
      }
    }
    List<Target> list = new ArrayList<>();
    for (Map.Entry<String, Map<String, String>> entry : settings.entrySet()) {
      String name = entry.getKey();
      Map<String, String> values = entry.getValue();
      String url = first(values.get("env.url"), values.get("url"));
      if (url == null || url.isBlank()) {
        throw new IllegalArgumentException("target '" + name + "' has no URL: set " + ENV_PREFIX
            + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_URL or " + name + ".url");
      }
      String password = first(values.get("env.password"), values.get("password"));
      String variable = values.get("passwordEnv");
      if (values.get("env.password") == null && variable != null && !variable.isBlank()) {
        password = environment.get(variable);
        if (password == null) {
          throw new IllegalArgumentException("target '" + name + "': " + name + ".passwordEnv names "
              + variable + ", which is not set in the environment");
        }
      }
      String serve = first(values.get("env.serve"), values.get("serve"));
      if (serve != null && !List.of("true", "false").contains(serve.strip().toLowerCase(java.util.Locale.ROOT))) {
        throw new IllegalArgumentException("target '" + name + "': serve must be true or false, found '" + serve + "'");
      }
      list.add(new Target(name, url, blankToNull(first(values.get("env.user"), values.get("user"))), password,
          serve == null || Boolean.parseBoolean(serve.strip())));
    }
    return new Targets(list);
  }

  /** These targets and one more (a new set; this one stays as it is). */
  public Targets with(Target more) {
    List<Target> all = new ArrayList<>(targets.values());
    all.add(more);
    return new Targets(all);
  }

  /** The names of the targets this worker serves, sorted. */
  public List<String> names() {
    return targets.values().stream().filter(Target::served).map(Target::name).toList();
  }

  /** The names of every configured target, those only read ({@code serve=false}) too, sorted: what plans may name. */
  public List<String> knownNames() {
    return List.copyOf(targets.keySet());
  }

  /**
   * A target's connection settings, for a program a step starts on its behalf (a {@code command}
   * step's libpq environment); never for anything that leaves the worker.
   */
  public Target target(String name) {
    Target target = targets.get(name);
    if (target == null) {
      throw ApplicationFailure.newNonRetryableFailure("unknown target '" + name + "'; the worker has: "
          + (targets.isEmpty() ? "(none)" : String.join(", ", targets.keySet())), "UnknownTarget");
    }
    return target;
  }

  /** Whether this worker serves the target. */
  public boolean has(String name) {
    return name != null && targets.containsKey(name) && targets.get(name).served();
  }

  /** Whether this worker knows the target, served or only read. */
  public boolean knows(String name) {
    return name != null && targets.containsKey(name);
  }

  /**
   * The target's connection pool, its ledger migrated.
   *
   * @throws ApplicationFailure non-retryable {@code UnknownTarget} for a name not configured;
   *     retryable {@code TargetUnavailable} when the database cannot be reached;
   *     non-retryable {@code LedgerMigrationFailed} when the ledger cannot be migrated
   */
  public DataSource dataSource(String name) {
    Target known = name == null ? null : targets.get(name);
    if (known != null && !known.served()) {
      throw ApplicationFailure.newNonRetryableFailure("target '" + name + "' is configured on this worker to be read"
          + " only (" + name + ".serve=false): it serves no plan and keeps no ledger there", "UnknownTarget");
    }
    Pool pool = pool(name);
    pool.migrate(this);
    return pool.dataSource;
  }

  /**
   * The target's connection pool for reads only: the source of a copy between targets, a side of
   * a parity. Its ledger is neither created nor migrated, so a read-only user will do.
   *
   * @throws ApplicationFailure non-retryable {@code UnknownTarget} for a name not configured
   */
  public DataSource readingDataSource(String name) {
    return pool(name).dataSource;
  }

  private Pool pool(String name) {
    Pool pool;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("targets are closed");
      }
      Target target = targets.get(name);
      if (target == null) {
        throw ApplicationFailure.newNonRetryableFailure(
            "unknown target '" + name + "'; the worker has: "
                + (targets.isEmpty() ? "(none)" : String.join(", ", targets.keySet())),
            "UnknownTarget");
      }
      pool = pools.computeIfAbsent(name, n -> new Pool(target));
    }
    return pool;
  }

  /** A jOOQ context over the target's pool (each statement, or transaction, borrows a connection). */
  public DSLContext dsl(String name) {
    return DSL.using(dataSource(name), SQLDialect.POSTGRES);
  }

  /**
   * Replaces every configured URL, user and password (non-blank, at least 3 characters) in the
   * text with {@code ***}. User names are replaced where they stand as a whole word, so a user
   * such as {@code app} does not mangle {@code application_name}.
   */
  public String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String result = text;
    for (Pattern secret : secrets) {
      result = secret.matcher(result).replaceAll(Matcher.quoteReplacement(REDACTED));
    }
    return result;
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (Pool pool : pools.values()) {
      pool.dataSource.close();
    }
    pools.clear();
  }

  private record Secret(String text, boolean wholeWord) {}

  private static List<Pattern> secretPatterns(Iterable<Target> targets) {
    List<Secret> found = new ArrayList<>();
    for (Target target : targets) {
      addSecret(found, target.jdbcUrl(), false);
      int query = target.jdbcUrl().indexOf('?');
      if (query > 0) {
        addSecret(found, target.jdbcUrl().substring(0, query), false);
      }
      addSecret(found, target.password(), false);
      addSecret(found, target.user(), true);
    }
    // longest first, so a password inside a URL does not break the URL's replacement
    found.sort(Comparator.comparingInt((Secret s) -> s.text().length()).reversed());
    List<Pattern> patterns = new ArrayList<>();
    for (Secret secret : found) {
      String quoted = Pattern.quote(secret.text());
      patterns.add(Pattern.compile(secret.wholeWord() ? "(?<![A-Za-z0-9_])" + quoted + "(?![A-Za-z0-9_])" : quoted));
    }
    return patterns;
  }

  private static void addSecret(List<Secret> found, String text, boolean wholeWord) {
    if (text != null && !text.isBlank() && text.length() >= 3) {
      found.add(new Secret(text, wholeWord));
    }
  }

  private static String first(String preferred, String fallback) {
    return preferred != null ? preferred : fallback;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /**
   * Takes the ledger's schema out of each session's search_path. PostgreSQL's default path starts
   * with {@code "$user"}: for a worker whose role is called cutover, like the ledger's schema, a
   * plan's unqualified {@code CREATE TABLE} landed in the ledger's schema, and names the plan
   * meant in public resolved there first. Written as text, since the schema may not exist yet.
   */
  private static final String LEDGER_SCHEMA = "cutover";
  static final String SEARCH_PATH_WITHOUT_LEDGER = """
      SELECT set_config('search_path', coalesce(string_agg(entry, ',' ORDER BY position), ''), false)
      FROM unnest(string_to_array(current_setting('search_path'), ',')) WITH ORDINALITY AS path (entry, position)
      WHERE btrim(entry) NOT IN ('cutover', '"cutover"') AND NOT (btrim(entry) = '"$user"' AND current_user = 'cutover')""";

  /** One target's pool and whether its ledger has been migrated. */
  private static final class Pool {
    final Target target;
    final HikariDataSource dataSource;
    private boolean migrated;

    Pool(Target target) {
      this.target = target;
      HikariConfig config = new HikariConfig();
      config.setPoolName("cutover-" + target.name());
      config.setJdbcUrl(target.jdbcUrl());
      if (target.user() != null) {
        config.setUsername(target.user());
      }
      if (target.password() != null) {
        config.setPassword(target.password());
      }
      config.setMaximumPoolSize(MAX_POOL_SIZE);
      config.setMinimumIdle(1);
      config.setConnectionTimeout(10_000);
      config.setIdleTimeout(60_000);
      // do not connect while building the pool; the first use reports an unreachable target
      config.setInitializationFailTimeout(-1);
      config.addDataSourceProperty("ApplicationName", "cutover");
      config.setConnectionInitSql(SEARCH_PATH_WITHOUT_LEDGER);
      this.dataSource = new HikariDataSource(config);
    }

    synchronized void migrate(Targets owner) {
      if (migrated) {
        return;
      }
      try {
        Flyway.configure()
            .dataSource(dataSource)
            .locations("classpath:db/migration")
            .schemas(LEDGER_SCHEMA)
            .defaultSchema(LEDGER_SCHEMA)
            .createSchemas(true)
            .load()
            .migrate();
        migrated = true;
      } catch (RuntimeException e) {
        if (SqlErrors.isTransient(e)) {
          throw ApplicationFailure.newFailure(
              owner.redact("target '" + target.name() + "' is unreachable: " + SqlErrors.message(e)),
              "TargetUnavailable");
        }
        throw ApplicationFailure.newNonRetryableFailure(
            owner.redact("the ledger of target '" + target.name() + "' could not be migrated: " + SqlErrors.message(e)),
            "LedgerMigrationFailed");
      }
    }
  }
}
