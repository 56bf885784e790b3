package cutover.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.plan.PlanStep;
import cutover.testing.TestDatabase;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A copy that breaks a constraint of its target fails naming the source row (its key), the column
 * and the server's DETAIL; nothing of the failed batch is committed, and after the data is fixed
 * the step's retry goes on at that batch and copies every row exactly once.
 */
class BackfillFailureTest {

  /** 600 rows in batches of 100: the culprit (id 270) is in the third batch; two batches commit before it. */
  static final String SOURCE = "CREATE TABLE src (id int PRIMARY KEY, email text, name text, amount int, secret text);"
      + "INSERT INTO src SELECT g, 'user' || g || '@example.com', 'n' || g, g, 'hunter' || g"
      + " FROM generate_series(1, 600) g;";

  /**
   * @param breaks makes row 270 break the target's constraint
   * @param fix makes it fit again
   * @param column the column the failure names
   * @param words PostgreSQL's words for the error
   */
  record Case(String name, String target, String breaks, String fix, String column, String words) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("unique", "CREATE TABLE dst (id int, email text UNIQUE, name varchar(20), amount int NOT NULL"
                + " CHECK (amount >= 0))",
            "UPDATE src SET email = 'user3@example.com' WHERE id = 270", "UPDATE src SET email = 'user270@example.com'"
                + " WHERE id = 270",
            "email = 'user3@example.com'", "duplicate key value violates unique constraint \"dst_email_key\""),
        new Case("value too long", "CREATE TABLE dst (id int, email text, name varchar(20), amount int)",
            "UPDATE src SET name = repeat('x', 300) WHERE id = 270", "UPDATE src SET name = 'n270' WHERE id = 270",
            "name = '" + "x".repeat(100) + "... (300 chars)'", "value too long for type character varying(20)"),
        new Case("not null", "CREATE TABLE dst (id int, email text, name varchar(20), amount int NOT NULL)",
            "UPDATE src SET amount = NULL WHERE id = 270", "UPDATE src SET amount = 270 WHERE id = 270",
            "amount = NULL", "null value in column \"amount\" of relation \"dst\" violates not-null constraint"),
        new Case("check", "CREATE TABLE dst (id int, email text, name varchar(20), amount int,"
                + " CONSTRAINT amount_not_negative CHECK (amount >= 0))",
            "UPDATE src SET amount = -5 WHERE id = 270", "UPDATE src SET amount = 270 WHERE id = 270",
            "amount = '-5'", "violates check constraint \"amount_not_negative\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aFailedBatchNamesTheSourceRowAndTheColumnAndCommitsNothing(Case c) throws Exception {
    try (BackfillHarness h = new BackfillHarness("bff")) {
      h.execute(SOURCE + c.target() + ";" + c.breaks());
      PlanStep step = BackfillHarness.step("copy", "from: src\nkey: [id]\ninto: dst\n"
          + "columns: {id: id, email: email, name: name, amount: amount}\nbatchSize: 100\n");
      ActivityFailure failure = assertThrows(ActivityFailure.class, () -> h.apply(step));
      String message = ((ApplicationFailure) failure.getCause()).getOriginalMessage();
      assertTrue(message.contains(c.words()), message);
      assertTrue(message.contains("source row (id)=(270) of src"), message);
      assertTrue(message.contains("column " + c.column()), message);
      assertTrue(message.contains("Nothing of the failed batch was committed"), message);
      assertFalse(message.contains("hunter"), "no other column's value: " + message);
      assertFalse(message.contains("Failing row contains"), "no DETAIL listing the whole row: " + message);
      assertFalse(message.contains(h.target.jdbcUrl()), message);
      assertFalse(message.contains(TestDatabase.password()), message);
      if (c.name().equals("unique")) {
        assertTrue(message.contains("DETAIL: Key (email)=(user3@example.com) already exists."), message);
      }
      // the two batches before the failed one, nothing of it nor after it
      assertEquals(200, h.count("SELECT count(*) FROM dst"));
      assertEquals(200, h.count("SELECT max(id) FROM dst"));

      h.execute(c.fix());
      h.apply(step);
      assertEquals(h.text("SELECT count(*) || ':' || md5(string_agg(id || email || name || amount, ',' ORDER BY id))"
              + " FROM src"),
          h.text("SELECT count(*) || ':' || md5(string_agg(id || email || name || amount, ',' ORDER BY id)) FROM dst"));
      assertEquals(600, h.count("SELECT count(DISTINCT id) FROM dst"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void anUpdateInPlaceNamesTheRowToo(Case c) throws Exception {
    if (!List.of("value too long", "check").contains(c.name())) {
      return;
    }
    try (BackfillHarness h = new BackfillHarness("bfu")) {
      // the constraint is added after the bad row: NOT VALID, it checks only rows written from now on
      h.execute(SOURCE + "ALTER TABLE src ADD COLUMN short varchar(20);"
          + c.breaks().replace("SET name = repeat('x', 300)", "SET email = repeat('y', 300)") + ";"
          + "ALTER TABLE src ADD CONSTRAINT amount_not_negative CHECK (amount >= 0) NOT VALID;");
      String set = c.name().equals("check") ? "set: {amount: amount - 0}\n" : "set: {short: email}\n";
      PlanStep step = BackfillHarness.step("fill", "from: src\nkey: [id]\n" + set
          + "irreversible: true\nbatchSize: 100\n");
      ActivityFailure failure = assertThrows(ActivityFailure.class, () -> h.apply(step));
      String message = ((ApplicationFailure) failure.getCause()).getOriginalMessage();
      assertTrue(message.contains("source row (id)=(270) of src"), message);
      assertTrue(message.contains(c.name().equals("check") ? "column amount = '-5'" : "column short = 'yyy"), message);
    }
  }
}
