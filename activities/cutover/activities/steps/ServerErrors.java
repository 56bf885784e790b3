package cutover.activities.steps;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** The SQLSTATE and the server's own words (message and detail) of an error from the target. */
public final class ServerErrors {
  private ServerErrors() {}

  public static String sqlState(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return null;
  }

  /** "message: detail", without "ERROR:" or positions. */
  public static String describe(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
        ServerErrorMessage server = psql.getServerErrorMessage();
        String detail = server.getDetail();
        return server.getMessage() + (detail == null || detail.isBlank() ? "" : ": " + detail);
      }
    }
    return String.valueOf(error.getMessage());
  }

  /** Integrity violations (class 23): the data, not the step, is wrong. */
  public static boolean isViolation(Throwable error) {
    String state = sqlState(error);
    return state != null && state.startsWith("23");
  }
}
