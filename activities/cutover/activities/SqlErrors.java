package cutover.activities;

import io.temporal.failure.ApplicationFailure;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** Reads SQLSTATEs and server messages out of whatever jOOQ, Hikari or Flyway threw. */
final class SqlErrors {
  static final String LOCK_NOT_AVAILABLE = "55P03";
  static final String QUERY_CANCELED = "57014";
  static final String UNIQUE_VIOLATION = "23505";

  private SqlErrors() {}

  /** The first SQLException in the cause chain, or null. */
  static SQLException sqlException(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  /** The SQLSTATE of the first SQLException in the chain that has one, or null. */
  static String sqlState(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return null;
  }

  /**
   * Connection-class errors and transaction conflicts: the database may well accept the same
   * work again (SQLSTATE 08*, 57P01-57P03, 40001, 40P01, or a pool timeout).
   */
  static boolean isTransient(Throwable error) {
    String state = sqlState(error);
    if (state != null) {
      if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
          || state.equals("40001") || state.equals("40P01")) {
        return true;
      }
    }
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLTransientConnectionException || (t instanceof SQLTransientException && state == null)) {
        return true;
      }
      if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException) {
        return true;
      }
    }
    return false;
  }

  /** The server's own message (without "ERROR:" and position) where there is one. */
  static String message(Throwable error) {
    SQLException sql = sqlException(error);
    if (sql instanceof PSQLException psql) {
      ServerErrorMessage server = psql.getServerErrorMessage();
      if (server != null && server.getMessage() != null) {
        return server.getMessage();
      }
    }
    Throwable shown = sql != null ? sql : error;
    String text = shown.getMessage();
    return text == null || text.isBlank() ? shown.getClass().getSimpleName() : text;
  }

  /**
   * A failure for errors around the ledger (not a step's own SQL): transient errors retry, other
   * SQL errors do not. The message is redacted and the original exception is not attached, so no
   * driver text reaches Temporal unredacted.
   */
  static ApplicationFailure ledgerFailure(Throwable error, Targets targets, String what) {
    if (error instanceof ApplicationFailure failure) {
      return failure;
    }
    String state = sqlState(error);
    String text = targets.redact(what + ": " + message(error) + (state == null ? "" : " (SQLSTATE " + state + ")"));
    if (isTransient(error)) {
      return ApplicationFailure.newFailure(text, transientType(error));
    }
    return ApplicationFailure.newNonRetryableFailure(text, "LedgerError");
  }

  static String transientType(Throwable error) {
    String state = sqlState(error);
    return "40001".equals(state) || "40P01".equals(state) ? "TransactionConflict" : "TargetUnavailable";
  }
}
