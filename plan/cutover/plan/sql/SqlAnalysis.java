package cutover.plan.sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jooq.Asterisk;
import org.jooq.Parser;
import org.jooq.QualifiedAsterisk;
import org.jooq.Query;
import org.jooq.QueryPart;
import org.jooq.Queries;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.TableField;
import org.jooq.conf.ParseUnknownFunctions;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.jooq.impl.QOM;
import org.jooq.VisitContext;
import org.jooq.VisitListener;
import org.jooq.impl.DefaultConfiguration;
import org.jooq.impl.DefaultVisitListenerProvider;

/**
 * Reads a step's SQL statement by statement: what each one is, the tables it touches and the
 * lock PostgreSQL takes on them (its documentation's "Explicit Locking" and ALTER TABLE pages).
 *
 * <p>jOOQ's parser reads the statements and their queries. Its open-source edition does not
 * read some PostgreSQL-only forms a migration needs ({@code CONCURRENTLY}, {@code NOT VALID},
 * {@code VALIDATE CONSTRAINT}, {@code LOCK}, {@code ALTER COLUMN … TYPE … USING}) and keeps the
 * actions of an {@code ALTER TABLE} to itself, so those forms are read here from PostgreSQL's
 * tokens by their grammar; whatever neither reads is reported unparsed, never guessed.
 */
public final class SqlAnalysis {
  private static final Parser PARSER = DSL.using(SQLDialect.POSTGRES,
      new Settings().withParseUnknownFunctions(ParseUnknownFunctions.IGNORE)).parser();

  private SqlAnalysis() {}

  /** Every statement of the SQL text, in order. */
  public static List<SqlStatement> analyze(String sql) {
    List<SqlStatement> statements = new ArrayList<>();
    for (SqlText text : SqlLexer.statements(sql)) {
      statements.add(statement(text));
    }
    return statements;
  }

  static SqlStatement statement(SqlText text) {
    Tokens tokens = new Tokens(text.tokens());
    try {
      if (tokens.at(0, "DO")) {
        return SqlStatement.unparsed(text, "a DO block runs PL/pgSQL, whose statements are not read; its locks are unknown");
      }
      if (tokens.at(0, "ALTER", "TABLE")) {
        return alterTable(text, tokens);
      }
      if (tokens.at(0, "LOCK")) {
        return lock(text, tokens);
      }
      if (tokens.at(0, "CREATE", "INDEX") || tokens.at(0, "CREATE", "UNIQUE", "INDEX")) {
        return createIndex(text, tokens);
      }
      if (tokens.at(0, "DROP", "INDEX")) {
        return dropIndex(text, tokens);
      }
      return parsedByJooq(text, text.text());
    } catch (Unreadable unreadable) {
      return SqlStatement.unparsed(text, unreadable.getMessage());
    }
  }

  // ---------------------------------------------------------------- statements jOOQ reads

  private static SqlStatement parsedByJooq(SqlText text, String sql) {
    Query query = parseOne(sql);
    Builder built = new Builder(text);
    if (query instanceof QOM.Insert<?> insert) {
      built.kind = StatementKind.INSERT;
      built.lock(name(insert.$into()), LockLevel.ROW_EXCLUSIVE);
      built.reads(query);
    } else if (query instanceof QOM.Update<?> update) {
      built.kind = StatementKind.UPDATE;
      built.lock(name(update.$table()), LockLevel.ROW_EXCLUSIVE);
      built.reads(query);
    } else if (query instanceof QOM.Delete<?> delete) {
      built.kind = StatementKind.DELETE;
      built.lock(name(delete.$from()), LockLevel.ROW_EXCLUSIVE);
      built.reads(query);
    } else if (query instanceof org.jooq.Select<?>) {
      built.kind = StatementKind.SELECT;
      built.reads(query);
    } else if (query instanceof QOM.CreateTable create) {
      built.kind = StatementKind.CREATE_TABLE;
      String table = name(create.$table());
      built.creates.add(table);
      // column and table constraints alike: each REFERENCES locks the referenced table
      Tokens tokens = new Tokens(text.tokens());
      for (int i = 0; i + 1 < tokens.size(); i++) {
        if (tokens.get(i).is("REFERENCES")) {
          String referenced = qualifiedName(tokens, i + 1).name;
          built.lock(referenced, LockLevel.SHARE_ROW_EXCLUSIVE);
          built.actions.add(new AlterAction(AlterAction.Type.ADD_FOREIGN_KEY, null, referenced, false, false));
        }
      }
      if (create.$select() != null) {
        built.reads(create.$select());
      }
    } else if (query instanceof QOM.CreateView<?> view) {
      built.kind = StatementKind.CREATE_VIEW;
      String name = name(view.$view());
      built.creates.add(name);
      if (view.$orReplace()) {
        built.lock(name, LockLevel.ACCESS_EXCLUSIVE);
      }
      built.reads(view.$query());
    } else if (query instanceof QOM.DropTable drop) {
      built.kind = StatementKind.DROP_TABLE;
      built.drop(name(drop.$table()), drop.$ifExists());
    } else if (query instanceof QOM.DropView drop) {
      built.kind = StatementKind.DROP_VIEW;
      built.drop(name(drop.$view()), drop.$ifExists());
    } else if (query instanceof QOM.Truncate<?> truncate) {
      built.kind = StatementKind.TRUNCATE;
      for (Table<?> table : truncate.$table()) {
        built.lock(name(table), LockLevel.ACCESS_EXCLUSIVE);
      }
    } else {
      throw new Unreadable("jOOQ read it as " + query.getClass().getSimpleName().replace("Impl", "")
          + ", which this analysis does not know the locks of");
    }
    return built.build();
  }

  private static Query parseOne(String sql) {
    Queries queries;
    try {
      queries = PARSER.parse(sql);
    } catch (RuntimeException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
      throw new Unreadable("the SQL parser could not read it: " + message);
    }
    if (queries.queries().length != 1) {
      throw new Unreadable("the SQL parser read " + queries.queries().length + " statements in it");
    }
    return queries.queries()[0];
  }

  /**
   * Tables and views a query names (not its aliases, derived tables or common table expressions):
   * those jOOQ declares while it renders the query, found by a visit listener.
   */
  static List<String> tables(QueryPart part) {
    Set<String> ctes = new LinkedHashSet<>();
    Set<String> names = new LinkedHashSet<>();
    visit(part, context -> {
      QueryPart visited = context.queryPart();
      if (visited instanceof org.jooq.CommonTableExpression<?> cte) {
        ctes.add(cte.getName().toLowerCase(Locale.ROOT));
      } else if (visited instanceof Table<?> table && context.context().declareTables() && isNamedTable(table)) {
        names.add(name(table));
      }
    });
    names.removeAll(ctes);
    return List.copyOf(names);
  }

  /**
   * Columns a query names, an alias resolved to its table. Those qualified with a derived table or a
   * common table expression are left out: the query inside it names the columns it reads.
   */
  static List<ColumnReference> columns(QueryPart part) {
    Map<String, Set<String>> aliases = new HashMap<>(); // a set: subqueries may give one alias to different tables
    Set<String> derived = new HashSet<>();
    List<ColumnReference> named = new ArrayList<>();
    visit(part, context -> {
      QueryPart visited = context.queryPart();
      if (visited instanceof org.jooq.CommonTableExpression<?> cte) {
        derived.add(cte.getName().toLowerCase(Locale.ROOT));
      } else if (visited instanceof QOM.TableAlias<?> alias) {
        String as = alias.$alias().last().toLowerCase(Locale.ROOT);
        if (isNamedTable(alias.$table())) {
          aliases.computeIfAbsent(as, a -> new LinkedHashSet<>()).add(name(alias.$table()));
        } else {
          derived.add(as);
        }
      } else if (visited instanceof TableField<?, ?> field) {
        named.add(new ColumnReference(field.getTable() == null ? null : name(field.getTable()),
            folded(field.getUnqualifiedName())));
      } else if (visited instanceof QualifiedAsterisk star) {
        named.add(new ColumnReference(name(star.$table()), null));
      } else if (visited instanceof Asterisk && !(parent(context) instanceof QualifiedAsterisk)) {
        named.add(new ColumnReference(null, null)); // not the * a qualified one renders
      }
    });
    Set<ColumnReference> columns = new LinkedHashSet<>();
    for (ColumnReference reference : named) {
      String qualifier = reference.table();
      if (qualifier == null) {
        columns.add(reference);
      } else if (aliases.containsKey(qualifier)) {
        aliases.get(qualifier).forEach(table -> columns.add(new ColumnReference(table, reference.column())));
      } else if (!derived.contains(qualifier)) {
        columns.add(reference);
      }
    }
    return List.copyOf(columns);
  }

  /** Renders the query, handing each part jOOQ visits to {@code onStart}. */
  private static void visit(QueryPart part, java.util.function.Consumer<VisitContext> onStart) {
    VisitListener listener = new VisitListener() {
      @Override
      public void visitStart(VisitContext context) {
        onStart.accept(context);
      }
    };
    DSL.using(new DefaultConfiguration().set(SQLDialect.POSTGRES).set(new DefaultVisitListenerProvider(listener)))
        .render(part);
  }

  private static QueryPart parent(VisitContext context) {
    QueryPart[] path = context.queryParts();
    return path.length < 2 ? null : path[path.length - 2];
  }

  /** An identifier as PostgreSQL folds it: unquoted lower-cased, quoted as written. */
  private static String folded(org.jooq.Name name) {
    return name.quoted() == org.jooq.Name.Quoted.QUOTED ? name.last() : name.last().toLowerCase(Locale.ROOT);
  }

  private static boolean isNamedTable(Table<?> table) {
    return table.getClass().getSimpleName().equals("TableImpl") && !table.getName().isEmpty();
  }

  private static String name(Table<?> table) {
    Table<?> t = table instanceof QOM.TableAlias<?> alias ? alias.$table() : table;
    return String.join(".", t.getQualifiedName().getName()).toLowerCase(Locale.ROOT);
  }

  // ---------------------------------------------------------------- forms read here from tokens

  /** ALTER TABLE [IF EXISTS] [ONLY] name [*] action [, action] …, actions as the ALTER TABLE page lists them. */
  private static SqlStatement alterTable(SqlText text, Tokens t) {
    int i = 2;
    boolean ifExists = false;
    if (t.at(i, "IF", "EXISTS")) {
      ifExists = true;
      i += 2;
    }
    if (t.at(i, "ONLY")) {
      i++;
    }
    Name table = qualifiedName(t, i);
    i = table.end;
    if (t.symbol(i, "*")) {
      i++;
    }
    Builder built = new Builder(text);
    built.kind = StatementKind.ALTER_TABLE;
    if (i >= t.size()) {
      throw new Unreadable("ALTER TABLE " + table.name + " has no action");
    }
    for (List<SqlToken> action : t.splitTopLevel(i)) {
      alterAction(built, table.name, new Tokens(action), ifExists);
    }
    // the parser checks what it can read of the statement: everything but the PostgreSQL-only clauses
    return built.build();
  }

  private static void alterAction(Builder built, String table, Tokens a, boolean tableIfExists) {
    AlterAction action;
    if (a.at(0, "ADD") && (a.at(1, "CONSTRAINT") || a.at(1, "FOREIGN") || a.at(1, "CHECK") || a.at(1, "UNIQUE")
        || a.at(1, "PRIMARY"))) {
      int i = 1;
      String name = null;
      if (a.at(i, "CONSTRAINT")) {
        name = a.name(i + 1);
        i += 2;
      }
      boolean notValid = a.endsWith("NOT", "VALID");
      built.lock(table, AlterAction.Type.ADD_FOREIGN_KEY.lock()); // the altered table's lock comes first
      if (a.at(i, "FOREIGN", "KEY")) {
        int references = a.indexOf("REFERENCES", i);
        if (references < 0) {
          throw new Unreadable("FOREIGN KEY without REFERENCES");
        }
        String referenced = qualifiedName(a, references + 1).name;
        action = new AlterAction(AlterAction.Type.ADD_FOREIGN_KEY, name, referenced, notValid, false);
        built.lock(referenced, LockLevel.SHARE_ROW_EXCLUSIVE);
      } else if (a.at(i, "CHECK")) {
        action = new AlterAction(AlterAction.Type.ADD_CHECK, name, a.textFrom(i + 1, notValid ? 2 : 0), notValid, false);
      } else if (a.at(i, "UNIQUE")) {
        action = new AlterAction(AlterAction.Type.ADD_UNIQUE, name, a.textFrom(i + 1, 0), false, false);
      } else if (a.at(i, "PRIMARY", "KEY")) {
        action = new AlterAction(AlterAction.Type.ADD_PRIMARY_KEY, name, a.textFrom(i + 2, 0), false, false);
      } else {
        throw new Unreadable("ADD CONSTRAINT " + name + " of a kind not read here");
      }
    } else if (a.at(0, "ADD")) {
      int i = a.at(1, "COLUMN") ? 2 : 1;
      boolean ifNotExists = a.at(i, "IF", "NOT", "EXISTS");
      if (ifNotExists) {
        i += 3;
      }
      String column = a.name(i);
      int defaultAt = a.indexOf("DEFAULT", i + 1);
      String type = a.textBetween(i + 1, defaultAt < 0 ? a.size() : defaultAt);
      String expression = defaultAt < 0 ? null : a.textFrom(defaultAt + 1, 0);
      if (isSerial(type)) {
        expression = "nextval(serial)";
      }
      action = new AlterAction(AlterAction.Type.ADD_COLUMN, column, expression, false, ifNotExists);
      if (a.indexOf("REFERENCES", i + 1) >= 0) {
        built.lock(qualifiedName(a, a.indexOf("REFERENCES", i + 1) + 1).name, LockLevel.SHARE_ROW_EXCLUSIVE);
      }
    } else if (a.at(0, "VALIDATE", "CONSTRAINT")) {
      action = new AlterAction(AlterAction.Type.VALIDATE_CONSTRAINT, a.name(2), null, false, false);
    } else if (a.at(0, "ALTER")) {
      int i = a.at(1, "COLUMN") ? 2 : 1;
      String column = a.name(i);
      i++;
      if (a.at(i, "SET", "NOT", "NULL")) {
        action = new AlterAction(AlterAction.Type.SET_NOT_NULL, column, null, false, false);
      } else if (a.at(i, "DROP", "NOT", "NULL")) {
        action = new AlterAction(AlterAction.Type.DROP_NOT_NULL, column, null, false, false);
      } else if (a.at(i, "TYPE") || a.at(i, "SET", "DATA", "TYPE")) {
        int from = a.at(i, "TYPE") ? i + 1 : i + 3;
        int using = a.indexOf("USING", from);
        int collate = a.indexOf("COLLATE", from);
        int end = using >= 0 ? using : collate >= 0 ? collate : a.size();
        action = new AlterAction(AlterAction.Type.ALTER_TYPE, column, a.textBetween(from, end), false, false);
      } else if (a.at(i, "SET", "DEFAULT")) {
        action = new AlterAction(AlterAction.Type.SET_DEFAULT, column, a.textFrom(i + 2, 0), false, false);
      } else if (a.at(i, "DROP", "DEFAULT")) {
        action = new AlterAction(AlterAction.Type.DROP_DEFAULT, column, null, false, false);
      } else if (a.at(i, "SET", "STATISTICS")) {
        action = new AlterAction(AlterAction.Type.SET_STATISTICS, column, null, false, false);
      } else {
        throw new Unreadable("ALTER COLUMN " + column + " " + a.textFrom(i, 0) + " is a form not read here");
      }
    } else if (a.at(0, "DROP", "CONSTRAINT")) {
      boolean ifExists = a.at(2, "IF", "EXISTS");
      action = new AlterAction(AlterAction.Type.DROP_CONSTRAINT, a.name(ifExists ? 4 : 2), null, false, ifExists);
    } else if (a.at(0, "DROP")) {
      int i = a.at(1, "COLUMN") ? 2 : 1;
      boolean ifExists = a.at(i, "IF", "EXISTS");
      int column = ifExists ? i + 2 : i;
      action = new AlterAction(AlterAction.Type.DROP_COLUMN, a.name(column), null, false, ifExists,
          a.at(column + 1, "CASCADE"));
    } else if (a.at(0, "RENAME", "TO")) {
      action = new AlterAction(AlterAction.Type.RENAME_TABLE, table, a.name(2), false, tableIfExists);
    } else if (a.at(0, "RENAME", "CONSTRAINT")) {
      action = new AlterAction(AlterAction.Type.RENAME_CONSTRAINT, a.name(2), a.name(4), false, false);
    } else if (a.at(0, "RENAME")) {
      int i = a.at(1, "COLUMN") ? 2 : 1;
      if (!a.at(i + 1, "TO")) {
        throw new Unreadable("RENAME without TO");
      }
      action = new AlterAction(AlterAction.Type.RENAME_COLUMN, a.name(i), a.name(i + 2), false, false);
    } else {
      throw new Unreadable("ALTER TABLE " + table + " " + a.textFrom(0, 0) + " is an action not read here");
    }
    built.actions.add(action);
    built.locks.merge(table, action.type().lock(), LockLevel::stronger);
  }

  private static boolean isSerial(String type) {
    return Set.of("serial", "bigserial", "smallserial", "serial4", "serial8", "serial2")
        .contains(type.strip().toLowerCase(Locale.ROOT));
  }

  /** LOCK [TABLE] [ONLY] name [*] [, …] [IN mode MODE] [NOWAIT]; the default mode is ACCESS EXCLUSIVE. */
  private static SqlStatement lock(SqlText text, Tokens t) {
    int i = t.at(1, "TABLE") ? 2 : 1;
    List<String> tables = new ArrayList<>();
    while (true) {
      if (t.at(i, "ONLY")) {
        i++;
      }
      Name table = qualifiedName(t, i);
      tables.add(table.name);
      i = table.end;
      if (t.symbol(i, "*")) {
        i++;
      }
      if (!t.symbol(i, ",")) {
        break;
      }
      i++;
    }
    LockLevel level = LockLevel.ACCESS_EXCLUSIVE;
    if (t.at(i, "IN")) {
      int mode = t.indexOf("MODE", i);
      if (mode < 0) {
        throw new Unreadable("LOCK … IN without MODE");
      }
      String words = t.textBetween(i + 1, mode).toUpperCase(Locale.ROOT).replaceAll("\\s+", "_");
      try {
        level = LockLevel.valueOf(words);
      } catch (IllegalArgumentException unknown) {
        throw new Unreadable("unknown lock mode " + t.textBetween(i + 1, mode));
      }
      i = mode + 1;
    }
    if (t.at(i, "NOWAIT")) {
      i++;
    }
    if (i < t.size()) {
      throw new Unreadable("unexpected " + t.get(i).text() + " after LOCK's mode");
    }
    Builder built = new Builder(text);
    built.kind = StatementKind.LOCK_TABLE;
    for (String table : tables) {
      built.lock(table, level);
    }
    return built.build();
  }

  /** CREATE [UNIQUE] INDEX [CONCURRENTLY] …: jOOQ reads it once CONCURRENTLY is set aside. */
  private static SqlStatement createIndex(SqlText text, Tokens t) {
    int concurrently = t.at(2, "CONCURRENTLY") ? 2 : t.at(3, "CONCURRENTLY") ? 3 : -1;
    Query query = parseOne(t.textWithout(concurrently));
    if (!(query instanceof QOM.CreateIndex index)) {
      throw new Unreadable("not a CREATE INDEX");
    }
    Builder built = new Builder(text);
    built.kind = StatementKind.CREATE_INDEX;
    built.concurrently = concurrently >= 0;
    built.creates.add(index.$index().getName());
    built.lock(name(index.$table()), concurrently >= 0 ? LockLevel.SHARE_UPDATE_EXCLUSIVE : LockLevel.SHARE);
    return built.build();
  }

  /** DROP INDEX [CONCURRENTLY] [IF EXISTS] name: the lock falls on the index's table, named by the index here. */
  private static SqlStatement dropIndex(SqlText text, Tokens t) {
    boolean concurrently = t.at(2, "CONCURRENTLY");
    int i = concurrently ? 3 : 2;
    boolean ifExists = t.at(i, "IF", "EXISTS");
    Name index = qualifiedName(t, ifExists ? i + 2 : i);
    if (index.end < t.size() && !t.at(index.end, "CASCADE") && !t.at(index.end, "RESTRICT")) {
      throw new Unreadable("DROP INDEX of several indexes, or with " + t.get(index.end).text() + ", is not read here");
    }
    Builder built = new Builder(text);
    built.kind = StatementKind.DROP_INDEX;
    built.concurrently = concurrently;
    built.drops.add(index.name);
    built.actions.add(new AlterAction(AlterAction.Type.DROP_CONSTRAINT, index.name, null, false, ifExists));
    built.lock(index.name, concurrently ? LockLevel.SHARE_UPDATE_EXCLUSIVE : LockLevel.ACCESS_EXCLUSIVE);
    return built.build();
  }

  private record Name(String name, int end) {}

  /** name or schema.name at token {@code i}. */
  private static Name qualifiedName(Tokens t, int i) {
    StringBuilder name = new StringBuilder(t.name(i));
    int end = i + 1;
    while (t.symbol(end, ".") && end + 1 < t.size() && t.get(end + 1).isName()) {
      name.append('.').append(t.get(end + 1).identifier());
      end += 2;
    }
    return new Name(name.toString(), end);
  }

  // ---------------------------------------------------------------- helpers

  /** A statement or action the analysis cannot read: reported, not guessed. */
  static final class Unreadable extends RuntimeException {
    Unreadable(String message) {
      super(message);
    }
  }

  private static final class Builder {
    final SqlText text;
    StatementKind kind;
    final Map<String, LockLevel> locks = new LinkedHashMap<>();
    final List<AlterAction> actions = new ArrayList<>();
    final List<String> creates = new ArrayList<>();
    final List<String> drops = new ArrayList<>();
    final Set<String> references = new LinkedHashSet<>();
    final Set<ColumnReference> columns = new LinkedHashSet<>();
    boolean concurrently;

    Builder(SqlText text) {
      this.text = text;
    }

    void lock(String table, LockLevel level) {
      if (table != null) {
        locks.merge(table, level, LockLevel::stronger);
      }
    }

    void drop(String name, boolean ifExists) {
      drops.add(name);
      lock(name, LockLevel.ACCESS_EXCLUSIVE);
      if (ifExists) {
        actions.add(new AlterAction(AlterAction.Type.DROP_CONSTRAINT, name, null, false, true));
      }
    }

    /** Every other table the query names is read: ACCESS SHARE. */
    void reads(QueryPart query) {
      for (String table : tables(query)) {
        references.add(table);
        lock(table, LockLevel.ACCESS_SHARE);
      }
      columns.addAll(columns(query));
    }

    SqlStatement build() {
      List<TableLock> taken = locks.entrySet().stream().map(e -> new TableLock(e.getKey(), e.getValue())).toList();
      return new SqlStatement(text.text(), text.line(), text.column(), kind, taken, List.copyOf(actions),
          List.copyOf(creates), List.copyOf(drops), List.copyOf(references), List.copyOf(columns), concurrently, null);
    }
  }

  /** A statement's tokens with look-ahead by position. */
  static final class Tokens {
    private final List<SqlToken> tokens;

    Tokens(List<SqlToken> tokens) {
      this.tokens = tokens;
    }

    int size() {
      return tokens.size();
    }

    SqlToken get(int i) {
      return tokens.get(i);
    }

    boolean at(int i, String... words) {
      for (int k = 0; k < words.length; k++) {
        if (i + k >= tokens.size() || !tokens.get(i + k).is(words[k])) {
          return false;
        }
      }
      return true;
    }

    boolean symbol(int i, String symbol) {
      return i < tokens.size() && tokens.get(i).isSymbol(symbol);
    }

    boolean endsWith(String... words) {
      return tokens.size() >= words.length && at(tokens.size() - words.length, words);
    }

    String name(int i) {
      if (i >= tokens.size() || !tokens.get(i).isName()) {
        throw new Unreadable("a name was expected " + (i >= tokens.size() ? "at the end" : "at " + tokens.get(i).text()));
      }
      return tokens.get(i).identifier();
    }

    /** The first top-level (not parenthesised) occurrence of {@code word} from {@code from}, or -1. */
    int indexOf(String word, int from) {
      int depth = 0;
      for (int i = from; i < tokens.size(); i++) {
        SqlToken token = tokens.get(i);
        depth += token.isSymbol("(") ? 1 : token.isSymbol(")") ? -1 : 0;
        if (depth == 0 && token.is(word)) {
          return i;
        }
      }
      return -1;
    }

    /** The tokens from {@code from} split at top-level commas. */
    List<List<SqlToken>> splitTopLevel(int from) {
      List<List<SqlToken>> parts = new ArrayList<>();
      List<SqlToken> part = new ArrayList<>();
      int depth = 0;
      for (int i = from; i < tokens.size(); i++) {
        SqlToken token = tokens.get(i);
        depth += token.isSymbol("(") ? 1 : token.isSymbol(")") ? -1 : 0;
        if (depth == 0 && token.isSymbol(",")) {
          parts.add(part);
          part = new ArrayList<>();
        } else {
          part.add(token);
        }
      }
      parts.add(part);
      if (parts.stream().anyMatch(List::isEmpty)) {
        throw new Unreadable("an empty action between commas");
      }
      return parts;
    }

    /** The text of tokens [from, end), single-spaced. */
    String textBetween(int from, int end) {
      return tokens.subList(Math.min(from, tokens.size()), Math.min(end, tokens.size())).stream().map(SqlToken::text)
          .collect(Collectors.joining(" "));
    }

    String textFrom(int from, int leaveOff) {
      return textBetween(from, tokens.size() - leaveOff);
    }

    /** The statement's text with one token left out (-1: none). */
    String textWithout(int skipped) {
      List<String> kept = new ArrayList<>();
      for (int i = 0; i < tokens.size(); i++) {
        if (i != skipped) {
          kept.add(tokens.get(i).text());
        }
      }
      return String.join(" ", kept);
    }
  }
}
