package cutover.plan.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Each statement's kind and locks, as PostgreSQL's documentation gives them. */
class SqlAnalysisTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      SELECT * FROM a JOIN b ON b.id = a.id                                   | SELECT       | a=ACCESS_SHARE b=ACCESS_SHARE
      INSERT INTO dst (x) SELECT x FROM src                                   | INSERT       | dst=ROW_EXCLUSIVE src=ACCESS_SHARE
      WITH x AS (SELECT * FROM src) INSERT INTO dst SELECT * FROM x           | INSERT       | dst=ROW_EXCLUSIVE src=ACCESS_SHARE
      UPDATE t SET a = 1 FROM k WHERE k.id = t.id                             | UPDATE       | t=ROW_EXCLUSIVE k=ACCESS_SHARE
      DELETE FROM lines l USING heads h WHERE h.id = l.head_id                | DELETE       | lines=ROW_EXCLUSIVE heads=ACCESS_SHARE
      CREATE TABLE n (id int PRIMARY KEY, t int REFERENCES tenants (id))      | CREATE_TABLE | tenants=SHARE_ROW_EXCLUSIVE
      CREATE VIEW v AS SELECT t.a, (SELECT count(*) FROM u) AS n FROM t       | CREATE_VIEW  | u=ACCESS_SHARE t=ACCESS_SHARE
      CREATE INDEX i ON t (a)                                                 | CREATE_INDEX | t=SHARE
      CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a)               | CREATE_INDEX | t=SHARE_UPDATE_EXCLUSIVE
      DROP INDEX CONCURRENTLY IF EXISTS i                                     | DROP_INDEX   | i=SHARE_UPDATE_EXCLUSIVE
      DROP TABLE IF EXISTS t                                                  | DROP_TABLE   | t=ACCESS_EXCLUSIVE
      DROP VIEW v                                                             | DROP_VIEW    | v=ACCESS_EXCLUSIVE
      TRUNCATE t                                                              | TRUNCATE     | t=ACCESS_EXCLUSIVE
      LOCK TABLE a, b IN ACCESS EXCLUSIVE MODE                                | LOCK_TABLE   | a=ACCESS_EXCLUSIVE b=ACCESS_EXCLUSIVE
      LOCK a IN SHARE ROW EXCLUSIVE MODE NOWAIT                               | LOCK_TABLE   | a=SHARE_ROW_EXCLUSIVE
      LOCK a                                                                  | LOCK_TABLE   | a=ACCESS_EXCLUSIVE
      ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (u) REFERENCES u (id) NOT VALID | ALTER_TABLE | t=SHARE_ROW_EXCLUSIVE u=SHARE_ROW_EXCLUSIVE
      ALTER TABLE t VALIDATE CONSTRAINT f                                     | ALTER_TABLE  | t=SHARE_UPDATE_EXCLUSIVE
      ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID                  | ALTER_TABLE  | t=ACCESS_EXCLUSIVE
      ALTER TABLE t ALTER COLUMN a SET NOT NULL                               | ALTER_TABLE  | t=ACCESS_EXCLUSIVE
      ALTER TABLE t ALTER COLUMN a SET DATA TYPE bigint USING a::bigint       | ALTER_TABLE  | t=ACCESS_EXCLUSIVE
      ALTER TABLE t ALTER COLUMN a SET STATISTICS 500                         | ALTER_TABLE  | t=SHARE_UPDATE_EXCLUSIVE
      ALTER TABLE public.t DROP COLUMN a, DROP COLUMN IF EXISTS b             | ALTER_TABLE  | public.t=ACCESS_EXCLUSIVE
      ALTER TABLE t RENAME COLUMN a TO b                                      | ALTER_TABLE  | t=ACCESS_EXCLUSIVE
      """)
  void kindsAndLocks(String sql, StatementKind kind, String locks) {
    SqlStatement statement = only(sql);
    assertNull(statement.unparsed(), statement.unparsed());
    assertEquals(kind, statement.kind());
    assertEquals(locks, statement.locks().stream().map(l -> l.table() + "=" + l.level()).collect(Collectors.joining(" ")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      DO $$ BEGIN RAISE NOTICE 'x'; END $$                 | PL/pgSQL
      VACUUM t                                             | could not read
      ALTER TABLE t ALTER COLUMN a SET COMPRESSION lz4     | not read here
      ALTER TABLE t ADD CONSTRAINT x EXCLUDE USING gist (a WITH &&) | not read here
      CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f() | could not read
      """)
  void unreadStatementsAreReportedNotGuessed(String sql, String why) {
    SqlStatement statement = only(sql);
    assertNull(statement.kind());
    assertTrue(statement.locks().isEmpty());
    assertNotNull(statement.unparsed());
    assertTrue(statement.unparsed().contains(why), statement.unparsed());
  }

  @Test
  void alterTableActionsAreReadInOrder() {
    SqlStatement statement = only("ALTER TABLE t ADD COLUMN id uuid DEFAULT gen_random_uuid(), ADD COLUMN n serial,"
        + " ALTER COLUMN a TYPE text, ADD CONSTRAINT c CHECK (a IS NOT NULL) NOT VALID, RENAME TO u");
    assertEquals(List.of(AlterAction.Type.ADD_COLUMN, AlterAction.Type.ADD_COLUMN, AlterAction.Type.ALTER_TYPE,
        AlterAction.Type.ADD_CHECK, AlterAction.Type.RENAME_TABLE), statement.actions().stream().map(AlterAction::type).toList());
    assertEquals("gen_random_uuid ( )", statement.actions().get(0).detail());
    assertEquals("nextval(serial)", statement.actions().get(1).detail());
    assertEquals("text", statement.actions().get(2).detail());
    assertTrue(statement.actions().get(3).notValid());
    assertEquals("u", statement.actions().get(4).detail());
  }

  @Test
  void statementsSplitOutsideQuotesCommentsAndDollarQuotes() {
    List<SqlStatement> statements = SqlAnalysis.analyze("""
        -- a comment; not a statement
        INSERT INTO t (a) VALUES ('x;y');
        /* block; /* nested; */ */ DO $body$ BEGIN PERFORM 1; END $body$;
        SELECT "a;b" FROM "T"
        """);
    assertEquals(3, statements.size());
    assertEquals(StatementKind.INSERT, statements.get(0).kind());
    assertEquals(2, statements.get(0).line());
    assertEquals(3, statements.get(1).line());
    assertFalse(statements.get(1).parsed());
    assertEquals(4, statements.get(2).line());
    assertEquals(StatementKind.SELECT, statements.get(2).kind());
  }

  @Test
  void lockLevelsSayWhatTheyBlock() {
    assertEquals(LockLevel.Blocks.READS_AND_WRITES, LockLevel.ACCESS_EXCLUSIVE.blocks());
    assertEquals(LockLevel.Blocks.WRITES, LockLevel.SHARE.blocks());
    assertEquals(LockLevel.Blocks.WRITES, LockLevel.SHARE_ROW_EXCLUSIVE.blocks());
    assertEquals(LockLevel.Blocks.NOTHING, LockLevel.SHARE_UPDATE_EXCLUSIVE.blocks());
    assertEquals(LockLevel.Blocks.NOTHING, LockLevel.ROW_EXCLUSIVE.blocks());
    assertEquals(LockLevel.Blocks.NOTHING, LockLevel.ACCESS_SHARE.blocks());
    for (LockLevel a : LockLevel.values()) {
      for (LockLevel b : LockLevel.values()) {
        assertEquals(a.conflicts().contains(b), b.conflicts().contains(a), a + " / " + b + " conflicts are symmetric");
      }
    }
  }

  private static SqlStatement only(String sql) {
    List<SqlStatement> statements = SqlAnalysis.analyze(sql);
    assertEquals(1, statements.size(), statements.toString());
    return statements.get(0);
  }
}
