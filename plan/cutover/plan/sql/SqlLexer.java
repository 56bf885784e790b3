package cutover.plan.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into tokens and statements the way PostgreSQL's lexer does: string constants
 * ({@code '…'}, {@code E'…'}, dollar quotes), quoted identifiers and comments ({@code --},
 * nested {@code /* *}{@code /}) never end a statement; a {@code ;} outside them does.
 */
public final class SqlLexer {
  private final String sql;
  private int at;
  private int line = 1;
  private int lineStart;

  private SqlLexer(String sql) {
    this.sql = sql;
  }

  /** The statements of a script, each with its tokens; empty statements are left out. */
  public static List<SqlText> statements(String sql) {
    SqlLexer lexer = new SqlLexer(sql == null ? "" : sql);
    List<SqlText> statements = new ArrayList<>();
    List<SqlToken> tokens = new ArrayList<>();
    for (SqlToken token = lexer.next(); token != null; token = lexer.next()) {
      if (token.isSymbol(";")) {
        lexer.add(statements, tokens, token.start());
        tokens = new ArrayList<>();
      } else {
        tokens.add(token);
      }
    }
    lexer.add(statements, tokens, lexer.sql.length());
    return statements;
  }

  private void add(List<SqlText> statements, List<SqlToken> tokens, int end) {
    if (!tokens.isEmpty()) {
      statements.add(new SqlText(sql.substring(tokens.get(0).start(), end).strip(), List.copyOf(tokens)));
    }
  }

  private SqlToken next() {
    skipSpaceAndComments();
    if (at >= sql.length()) {
      return null;
    }
    int start = at;
    int startLine = line;
    int column = at - lineStart + 1;
    char c = sql.charAt(at);
    SqlToken.Type type;
    if ((c == 'E' || c == 'e') && peek(1) == '\'') {
      at++;
      quoted('\'', true);
      type = SqlToken.Type.STRING;
    } else if (c == '\'') {
      quoted('\'', false);
      type = SqlToken.Type.STRING;
    } else if (c == '"') {
      quoted('"', false);
      type = SqlToken.Type.QUOTED_IDENTIFIER;
    } else if (c == '$' && dollarTag() != null) {
      dollarQuoted(dollarTag());
      type = SqlToken.Type.STRING;
    } else if (Character.isLetter(c) || c == '_') {
      while (at < sql.length() && (Character.isLetterOrDigit(sql.charAt(at)) || sql.charAt(at) == '_'
          || sql.charAt(at) == '$')) {
        at++;
      }
      type = SqlToken.Type.WORD;
    } else if (Character.isDigit(c) || (c == '.' && Character.isDigit(peek(1)))) {
      while (at < sql.length() && (Character.isLetterOrDigit(sql.charAt(at)) || sql.charAt(at) == '.')) {
        at++;
      }
      type = SqlToken.Type.NUMBER;
    } else {
      at++;
      if (c == ':' && peek(0) == ':') {
        at++;
      }
      type = SqlToken.Type.SYMBOL;
    }
    return new SqlToken(type, sql.substring(start, at), start, startLine, column);
  }

  private char peek(int ahead) {
    return at + ahead < sql.length() ? sql.charAt(at + ahead) : '\0';
  }

  private void advance() {
    if (sql.charAt(at) == '\n') {
      line++;
      lineStart = at + 1;
    }
    at++;
  }

  private void skipSpaceAndComments() {
    while (at < sql.length()) {
      char c = sql.charAt(at);
      if (Character.isWhitespace(c)) {
        advance();
      } else if (c == '-' && peek(1) == '-') {
        while (at < sql.length() && sql.charAt(at) != '\n') {
          at++;
        }
      } else if (c == '/' && peek(1) == '*') {
        int depth = 0;
        do {
          if (sql.startsWith("/*", at)) {
            depth++;
            at += 2;
          } else if (sql.startsWith("*/", at)) {
            depth--;
            at += 2;
          } else {
            advance();
          }
        } while (depth > 0 && at < sql.length());
      } else {
        return;
      }
    }
  }

  /** A quoted token; a doubled quote stands for itself, and with escapes a backslash escapes. */
  private void quoted(char quote, boolean escapes) {
    at++;
    while (at < sql.length()) {
      char c = sql.charAt(at);
      if (escapes && c == '\\' && at + 1 < sql.length()) {
        at += 2;
      } else if (c == quote && peek(1) == quote) {
        at += 2;
      } else if (c == quote) {
        at++;
        return;
      } else {
        advance();
      }
    }
  }

  /** The tag of a dollar quote starting here ({@code $$} or {@code $name$}), or null. */
  private String dollarTag() {
    int end = at + 1;
    while (end < sql.length() && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
      end++;
    }
    if (end < sql.length() && sql.charAt(end) == '$' && (end == at + 1 || !Character.isDigit(sql.charAt(at + 1)))) {
      return sql.substring(at, end + 1);
    }
    return null;
  }

  private void dollarQuoted(String tag) {
    at += tag.length();
    while (at < sql.length() && !sql.startsWith(tag, at)) {
      advance();
    }
    at = Math.min(sql.length(), at + tag.length());
  }
}
