package cutover.plan.sql;

import java.util.List;

/** One statement's text, as written, and its tokens (the first gives its position). */
public record SqlText(String text, List<SqlToken> tokens) {

  public int line() {
    return tokens.get(0).line();
  }

  public int column() {
    return tokens.get(0).column();
  }
}
