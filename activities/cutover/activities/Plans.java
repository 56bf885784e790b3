package cutover.activities;

import static cutover.db.Tables.PLAN;

import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** The one writer of {@code cutover.plan}: the plan versions pushed, by the SHA-256 of their source. */
public final class Plans {
  /** A registered plan version. */
  public record StoredPlan(String hash, String source, String fileName) {}

  private final DSLContext sql;

  public Plans(DSLContext sql) {
    this.sql = Objects.requireNonNull(sql, "sql");
  }

  /**
   * Registers a plan version. Pushing content already registered creates nothing but makes that
   * version the latest again (its pushed_at and pushed_by are refreshed).
   *
   * @return true when this version was new
   */
  public boolean savePlan(String name, String hash, String source, String fileName, String pushedBy) {
    boolean created = sql.insertInto(PLAN)
        .set(PLAN.NAME, name)
        .set(PLAN.HASH, hash)
        .set(PLAN.SOURCE, source)
        .set(PLAN.FILE_NAME, fileName)
        .set(PLAN.PUSHED_BY, pushedBy)
        .set(PLAN.PUSHED_AT, DSL.currentOffsetDateTime())
        .onConflict(PLAN.NAME, PLAN.HASH)
        .doNothing()
        .execute() == 1;
    if (!created) {
      sql.update(PLAN)
          .set(PLAN.PUSHED_AT, DSL.currentOffsetDateTime())
          .set(PLAN.PUSHED_BY, pushedBy)
          .where(PLAN.NAME.eq(name), PLAN.HASH.eq(hash))
          .execute();
    }
    return created;
  }

  /**
   * A registered plan: the version whose hash starts with the given prefix, or the latest pushed
   * when the version is null or blank.
   *
   * @throws ApplicationFailure non-retryable {@code AmbiguousPlanVersion} when the prefix
   *     matches more than one version
   */
  public Optional<StoredPlan> loadPlan(String name, String versionPrefixOrNull) {
    if (versionPrefixOrNull == null || versionPrefixOrNull.isBlank()) {
      return sql.selectFrom(PLAN).where(PLAN.NAME.eq(name))
          .orderBy(PLAN.PUSHED_AT.desc(), PLAN.HASH)
          .limit(1)
          .fetchOptional()
          .map(p -> new StoredPlan(p.getHash(), p.getSource(), p.getFileName()));
    }
    String prefix = versionPrefixOrNull.strip().toLowerCase(java.util.Locale.ROOT);
    List<StoredPlan> matches = sql.selectFrom(PLAN)
        .where(PLAN.NAME.eq(name), PLAN.HASH.startsWith(prefix))
        .orderBy(PLAN.PUSHED_AT.desc(), PLAN.HASH)
        .limit(11)
        .fetch(p -> new StoredPlan(p.getHash(), p.getSource(), p.getFileName()));
    if (matches.size() > 1) {
      throw ApplicationFailure.newNonRetryableFailure(
          "version '" + prefix + "' of plan '" + name + "' is ambiguous: it matches "
              + matches.stream().limit(10).map(p -> p.hash().substring(0, Math.min(12, p.hash().length())))
                  .collect(Collectors.joining(", "))
              + (matches.size() > 10 ? ", ..." : "") + "; give more characters of the hash",
          "AmbiguousPlanVersion");
    }
    return matches.stream().findFirst();
  }

  /** A plan version by its exact hash. */
  public Optional<StoredPlan> planByHash(String name, String hash) {
    return sql.selectFrom(PLAN).where(PLAN.NAME.eq(name), PLAN.HASH.eq(hash)).fetchOptional()
        .map(p -> new StoredPlan(p.getHash(), p.getSource(), p.getFileName()));
  }
}
