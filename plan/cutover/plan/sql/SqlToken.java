package cutover.plan.sql;

import java.util.Locale;

/**
 * One token of PostgreSQL's lexical grammar, with its 1-based line and column in the SQL text.
 *
 * @param text the token as written (a quoted identifier keeps its quotes)
 * @param start the offset of its first character in the SQL text
 */
public record SqlToken(Type type, String text, int start, int line, int column) {

  public enum Type {
    /** A key word or an unquoted identifier. */
    WORD,
    /** A double-quoted identifier. */
    QUOTED_IDENTIFIER,
    /** A string constant: '…', E'…' or a dollar-quoted string. */
    STRING,
    NUMBER,
    /** An operator or punctuation: ( ) , ; . and operators. */
    SYMBOL
  }

  /** Whether this is the unquoted word {@code word}, in any case. */
  public boolean is(String word) {
    return type == Type.WORD && text.equalsIgnoreCase(word);
  }

  public boolean isSymbol(String symbol) {
    return type == Type.SYMBOL && text.equals(symbol);
  }

  /** An identifier as PostgreSQL folds it: unquoted lower-cased, quoted as written. */
  public String identifier() {
    if (type == Type.QUOTED_IDENTIFIER) {
      return text.substring(1, text.length() - 1).replace("\"\"", "\"");
    }
    return text.toLowerCase(Locale.ROOT);
  }

  public boolean isName() {
    return type == Type.WORD || type == Type.QUOTED_IDENTIFIER;
  }
}
