package cutover.activities.waves;

import cutover.activities.SqlRunner;
import cutover.activities.StepAction;
import cutover.activities.steps.SqlTimeouts;
import cutover.plan.Waves;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jooq.Record;
import org.jooq.conf.Settings;
import org.jooq.conf.StatementType;
import org.jooq.impl.DSL;

/** Lists wave keys through the one SQL executor, read-only. */
public final class WaveActivitiesImpl implements WaveActivities {
  private final SqlRunner runner;

  public WaveActivitiesImpl(SqlRunner runner) {
    this.runner = runner;
  }

  @Override
  public WaveKeys keys(WaveKeysCall call) {
    if (call == null || call.target() == null || call.query() == null || call.query().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure("a key query needs a target and its SQL", "BadRequest");
    }
    String subject = "keys of phase '" + call.phase() + "'";
    Duration timeout = call.timeout() == null ? Waves.DEFAULT_KEYS_TIMEOUT : call.timeout();
    SqlTimeouts settings = new SqlTimeouts(null, timeout, Duration.ofSeconds(30));
    List<String> keys = runner.run(call.target(), call.phase() + ".keys", StepAction.APPLY, settings, (tx, attempt) -> {
      tx.execute("SET TRANSACTION READ ONLY");
      // the plan's SQL as written: a ? in it is an operator, not a parameter
      var asWritten = DSL.using(tx.configuration().derive(new Settings().withStatementType(StatementType.STATIC_STATEMENT)));
      List<String> listed = new ArrayList<>();
      for (Record row : asWritten.resultQuery(call.query()).fetchLazy()) {
        listed.add(row.size() == 0 ? null : row.get(0, String.class));
        if (listed.size() > Waves.MAX_KEYS) {
          break;
        }
      }
      return listed;
    }).value();
    return new WaveKeys(checked(subject, keys));
  }

  private static List<String> checked(String subject, List<String> listed) {
    if (listed.size() > Waves.MAX_KEYS) {
      throw refused(subject + ": the query lists more than " + Waves.MAX_KEYS + " keys; split the phase by a WHERE "
          + "clause on the key");
    }
    if (listed.isEmpty()) {
      throw refused(subject + ": the query lists no keys; check its WHERE clause (a phase with no keys would do nothing)");
    }
    Set<String> keys = new LinkedHashSet<>();
    for (int i = 0; i < listed.size(); i++) {
      String key = listed.get(i);
      String row = " (row " + (i + 1) + ")";
      if (key == null || key.isBlank()) {
        throw refused(subject + ": a key is " + (key == null ? "null" : "blank") + row + "; filter it out in the query");
      }
      if (key.length() > Waves.MAX_KEY_LENGTH) {
        throw refused(subject + ": key '" + key.substring(0, 20) + "…' is longer than " + Waves.MAX_KEY_LENGTH
            + " characters" + row + "; list a short key such as the tenant's id");
      }
      if (!keys.add(key)) {
        throw refused(subject + ": key '" + key + "' is listed twice" + row + "; use SELECT DISTINCT");
      }
    }
    return List.copyOf(keys);
  }

  private static ApplicationFailure refused(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, "WaveKeysRefused");
  }
}
