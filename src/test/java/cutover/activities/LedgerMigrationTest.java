package cutover.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** A ledger written by an earlier version of cutover, migrated by this one; where the ledger's schema stands. */
class LedgerMigrationTest {

  /** Found from outside: with the role called cutover, a plan's CREATE TABLE went into the ledger's schema. */
  @Test
  void aWorkerRoleNamedLikeTheLedgerStillCreatesAPlansTablesInPublic() throws Exception {
    Targets.Target owned = TestDatabase.newDatabase("role_cutover");
    String database = owned.jdbcUrl().substring(owned.jdbcUrl().lastIndexOf('/') + 1);
    String password = "pw-" + TestDatabase.password();
    try (Connection admin = TestDatabase.server().getPostgresDatabase().getConnection();
        Statement s = admin.createStatement()) {
      s.execute("DO $$ BEGIN CREATE ROLE cutover LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
      s.execute("ALTER ROLE cutover PASSWORD '" + password + "'");
      s.execute("ALTER DATABASE " + database + " OWNER TO cutover");
    }
    Targets.Target target = new Targets.Target("role_cutover", owned.jdbcUrl(), "cutover", password);
    try (Targets targets = Targets.of(List.of(target))) {
      var sql = targets.dsl("role_cutover"); // creates the ledger's schema cutover, as the role cutover
      sql.execute("CREATE TABLE parcels_eu (id int)");
      assertEquals("public", sql.fetchValue("SELECT relnamespace::regnamespace::text FROM pg_class"
          + " WHERE relname = 'parcels_eu'"));
      assertEquals(0, sql.fetchCount(sql.selectFrom("cutover.run")), "the ledger is there, reached by its schema");
    }
  }

  @Test
  void lockWaitedEventsRecordedWithTheBlockersSqlInTheirDetailHaveItMovedToItsOwnColumn() throws Exception {
    Targets.Target target = TestDatabase.newDatabase("old_ledger");
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(target.jdbcUrl());
    dataSource.setUser(target.user());
    dataSource.setPassword(target.password());
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").schemas("cutover")
        .defaultSchema("cutover").createSchemas(true).target("4").load().migrate();
    String oldDetail = "applied after waiting on pid 4242 (app 'psql', idle in transaction, transaction open 3.0s): "
        + "SELECT 'sekret-42' AS api_key";
    try (Connection c = TestDatabase.connect(target); Statement s = c.createStatement()) {
      s.execute("INSERT INTO cutover.run (run_id, plan_name, plan_hash, target, workflow_id, state, started_by)"
          + " VALUES ('r1', 'p', 'h', 'old_ledger', 'r1', 'completed', 'alice')");
      s.execute("INSERT INTO cutover.run_event (run_id, event_key, kind, step_id, detail) VALUES"
          + " ('r1', 'lock_waited:s1:apply', 'lock_waited', 's1', '" + oldDetail.replace("'", "''") + "'),"
          + " ('r1', 'retry:1', 'retry', 's1', 'retry by alice')");
    }

    try (Targets targets = Targets.of(List.of(target))) {
      targets.dsl("old_ledger"); // migrates the ledger to this version
    }

    try (Connection c = TestDatabase.connect(target); Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT kind, detail, blocker_sql FROM cutover.run_event ORDER BY id")) {
      assertTrue(rows.next());
      assertEquals("lock_waited", rows.getString(1));
      assertFalse(rows.getString(2).contains("sekret-42"), rows.getString(2));
      assertEquals(oldDetail, rows.getString(3));
      assertTrue(rows.next());
      assertEquals("retry by alice", rows.getString(2), "other events keep their detail");
      assertEquals(null, rows.getString(3));
    }
  }
}
