package cutover.examples;

import static cutover.examples.InvoiceReaderFirstExampleTest.execute;
import static cutover.examples.InvoiceReaderFirstExampleTest.flag;
import static cutover.examples.InvoiceReaderFirstExampleTest.one;
import static cutover.examples.InvoiceReaderFirstExampleTest.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.steps.StepState;
import cutover.testing.DatabaseState;
import cutover.testing.TestDatabase;
import cutover.workflows.CutoverResult;
import cutover.workflows.PhaseResult;
import cutover.workflows.RunState;
import cutover.workflows.StepView;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * examples/laddr-cutover end to end: the T-7d ... T+180d sequence around an instant T a week and a
 * day ahead of the test server's clock, every wait and the first day's monitoring time-skipped,
 * the test approving each gate and acting as the members who sign in and claim their accounts; the
 * database looked at after each phase. Then, on a fresh database, a run stopped at the go/no-go
 * (just before the new site opens, the point of no return) rolls back to the very schema and data,
 * legacy and new, it started from, and laddr takes writes again.
 */
class LaddrCutoverExampleTest {
  static final String EXAMPLE = "laddr-cutover";
  static final int REDIRECT_STAND_IN_PORT = 48621;
  static final Duration T_FROM_START = Duration.ofDays(8);
  static final List<String> PHASES = List.of("announce-and-freeze", "rehearsal", "final-import", "cutover",
      "first-day", "redirect-window", "credential-expiry");
  /** laddr's accounts that the importer takes: every one that is not a spam account (ids divisible by 60). */
  static final long IMPORTED_PEOPLE = 236;
  /** Memberships of people still in laddr and not spam accounts. */
  static final long IMPORTED_MEMBERSHIPS = 231;

  @Test
  void runsFromTMinus7dToTPlus180d() throws Exception {
    try (ExampleRun example = ExampleRun.of(EXAMPLE)) {
      Instant t = example.clock().plus(T_FROM_START);
      long credentials;
      try (Connection c = example.connect()) {
        credentials = one(c, "SELECT count(*) FROM laddr.people WHERE password_hash IS NOT NULL AND class <> 'Spammer'");
      }
      List<String> gates = new ArrayList<>();
      List<String> ended = new ArrayList<>();
      example.start("laddr-forward", true, t);
      assertNull(example.drive("laddr-forward", gate -> {
        gates.add(gate);
        try (Connection c = example.connect()) {
          switch (gate) {
            case "rehearsal-reviewed" -> {
              // the staging copy imported into the throwaway schema; the new tables still empty
              assertEquals(IMPORTED_PEOPLE, one(c, "SELECT count(*) FROM rehearsal.persons"));
              assertEquals(30, one(c, "SELECT count(*) FROM rehearsal.projects"));
              assertEquals(IMPORTED_MEMBERSHIPS, one(c, "SELECT count(*) FROM rehearsal.project_memberships"));
              assertEquals(0, one(c, "SELECT count(*) FROM persons"));
            }
            case "go-no-go" -> {
              assertFalse(listening(), "the stand-in of the redirects has stopped");
              assertEquals("true", flag(c, "laddr.maintenance-page"));
              assertNull(flag(c, "new-site.live"), "the new site opens only after the go");
            }
            case "announce-success" -> {
              // T+1d: three members signed in through GitHub and claimed their accounts
              execute(c, """
                  UPDATE persons SET github_user_id = 9000000 + legacy_id WHERE legacy_id IN (7, 8, 9);
                  DELETE FROM legacy_password_credentials WHERE legacy_person_id IN (7, 8, 9)""");
            }
            default -> throw new AssertionError("unexpected gate " + gate);
          }
        }
        return true;
      }, phase -> {
        throw new AssertionError("phase " + phase.phase() + " is " + phase.state() + ": " + phase.lastError());
      }, phase -> {
        ended.add(phase);
        try (Connection c = example.connect()) {
          afterPhase(phase, c, example, t, credentials);
        }
      }));
      CutoverResult result = example.result("laddr-forward");
      assertEquals(RunState.COMPLETED, result.state());
      assertEquals(PHASES, ended);
      assertEquals(PHASES, result.phases().stream().map(PhaseResult::phase).toList());
      assertEquals(List.of("rehearsal-reviewed", "go-no-go", "announce-success"), gates);
      Map<String, StepView> steps = result.phases().stream().flatMap(p -> p.steps().stream())
          .collect(Collectors.toMap(StepView::id, s -> s));
      steps.values().forEach(s -> assertTrue(s.state() == StepState.COMPLETED, s.id() + ": " + s.state() + " " + s.outcome()));
      assertTrue(steps.get("reconcile-newsletter-tokens").outcome().startsWith("check holds after its fix"),
          steps.get("reconcile-newsletter-tokens").outcome());
      assertTrue(steps.get("reconcile-orphan-persons").outcome().contains("report only"),
          steps.get("reconcile-orphan-persons").outcome());
      assertTrue(steps.get("t-minus-7d").outcome().contains("T-7d"), steps.get("t-minus-7d").outcome());
    }
  }

  /** What each phase leaves, looked at before the next one's wait lets it begin. */
  private static void afterPhase(String phase, Connection c, ExampleRun example, Instant t, long credentials)
      throws Exception {
    switch (phase) {
      case "announce-and-freeze" -> {
        assertFalse(example.clock().isBefore(t.minus(Duration.ofDays(7))), "announced at T-7d, not at the run's start");
        assertEquals("true", flag(c, "laddr.cutover-announced"));
        SQLException frozen = assertThrows(SQLException.class,
            () -> execute(c, "UPDATE laddr.people SET first_name = 'Late' WHERE id = 1"));
        assertTrue(frozen.getMessage().contains("laddr is read-only from T-7d"), frozen.getMessage());
      }
      case "rehearsal" -> {
        assertFalse(example.clock().isBefore(t.minus(Duration.ofDays(3))));
        assertEquals(0, one(c, "SELECT count(*) FROM persons"), "a rehearsal writes only its throwaway schema");
        try (Connection staging = TestDatabase.connect(example.target("staging"))) {
          assertEquals(240, one(staging, "SELECT count(*) FROM laddr.people WHERE email IS NULL OR email LIKE"
              + " '%@staging.invalid'"), "the staging copy is scrubbed");
        }
      }
      case "final-import" -> {
        assertFalse(example.clock().isBefore(t.minus(Duration.ofDays(1))));
        assertEquals(IMPORTED_PEOPLE, one(c, "SELECT count(*) FROM persons"));
        assertEquals(234, one(c, "SELECT count(*) FROM private_profiles"), "every account with an email");
        assertEquals(credentials, one(c, "SELECT count(*) FROM legacy_password_credentials"));
        assertEquals(30, one(c, "SELECT count(*) FROM projects"));
        assertEquals(IMPORTED_MEMBERSHIPS, one(c, "SELECT count(*) FROM project_memberships"));
        assertEquals(List.of("alex-nguyen12"), strings(c, "SELECT slug FROM persons WHERE legacy_id = 12"));
      }
      case "cutover" -> {
        assertEquals("true", flag(c, "new-site.live"));
        assertEquals(0, one(c, "SELECT count(*) FROM private_profiles WHERE newsletter_opted_in AND unsubscribe_token IS NULL"));
        assertEquals(0, one(c, "SELECT count(*) FROM legacy_password_credentials k JOIN persons p ON p.id = k.person_id"
            + " WHERE p.github_user_id IS NOT NULL"), "drained credentials deleted by the fix");
        assertEquals(credentials - 14, one(c, "SELECT count(*) FROM legacy_password_credentials"));
        // the reports for human review: six persons without a profile, four profiles of spam accounts
        assertEquals(List.of("37", "74", "111", "148", "185", "222"), reportedIds(c, "reconcile-orphan-persons"));
        assertEquals(List.of("60", "120", "180", "240"), reportedIds(c, "reconcile-orphan-profiles"));
        assertEquals(1, one(c, "SELECT count(*) FROM cutover.step_report WHERE step_id = 'redirects-people' AND passed"
            + " AND report LIKE '%/members/%'"));
        // the first sign-ins on the new site, which the first day's monitoring watches: 29 of 30 succeed
        execute(c, "INSERT INTO signin_attempts (provider, ok) SELECT CASE WHEN g % 3 = 0 THEN 'slack-saml' ELSE"
            + " 'github' END, g <> 30 FROM generate_series(1, 30) AS g");
      }
      case "first-day" -> assertEquals(0, one(c, "SELECT count(*) FROM pg_namespace WHERE nspname = 'rehearsal'"));
      case "redirect-window" -> {
        assertFalse(example.clock().isBefore(t.plus(Duration.ofDays(90))));
        assertEquals("false", flag(c, "legacy-redirects"));
        // every unclaimed account with an email: not the three who claimed, nor the linked ones, nor spam accounts
        assertEquals(one(c, "SELECT count(*) FROM persons p JOIN private_profiles pp ON pp.person_id = p.id"
            + " WHERE p.github_user_id IS NULL"), one(c, "SELECT count(*) FROM mail_outbox WHERE template = 'claim-reminder-t90'"));
        assertEquals(0, one(c, "SELECT count(*) FROM mail_outbox o JOIN persons p ON p.id = o.person_id"
            + " WHERE p.legacy_id IN (7, 8, 9)"));
      }
      case "credential-expiry" -> {
        assertFalse(example.clock().isBefore(t.plus(Duration.ofDays(180))));
        assertEquals(0, one(c, "SELECT count(*) FROM legacy_password_credentials"));
        assertEquals(IMPORTED_PEOPLE, one(c, "SELECT count(*) FROM persons"), "accounts stay; only their passwords go");
      }
      default -> throw new AssertionError("unexpected phase " + phase);
    }
  }

  @Test
  void rollsBackFromJustBeforeTheNewSiteOpensToTheOriginal() throws Exception {
    try (ExampleRun example = ExampleRun.of(EXAMPLE)) {
      DatabaseState legacy;
      DatabaseState staging;
      try (Connection c = example.connect(); Connection s = TestDatabase.connect(example.target("staging"))) {
        legacy = DatabaseState.of(c, "laddr");
        staging = DatabaseState.of(s, "laddr");
      }
      example.start("laddr-rollback", true, example.clock().plus(T_FROM_START));
      assertEquals("go-no-go", example.drive("laddr-rollback", gate -> !gate.equals("go-no-go")));
      try (Connection c = example.connect()) {
        assertEquals(IMPORTED_PEOPLE, one(c, "SELECT count(*) FROM persons"), "imported, reconciled, checked");
        assertEquals(1, one(c, "SELECT count(*) FROM pg_namespace WHERE nspname = 'rehearsal'"));
      }
      assertEquals(RunState.ROLLED_BACK, example.rollBack("laddr-rollback", "Slack SAML NameIDs differ").state());
      DatabaseState after = example.now();
      assertEquals(example.original().schema(), after.schema());
      assertEquals(example.original().tables(), after.tables());
      try (Connection c = example.connect()) {
        DatabaseState legacyAfter = DatabaseState.of(c, "laddr");
        assertEquals(legacy.schema(), legacyAfter.schema());
        assertEquals(legacy.tables(), legacyAfter.tables());
        assertEquals(0, one(c, "SELECT count(*) FROM pg_namespace WHERE nspname = 'rehearsal'"));
        assertNull(flag(c, "laddr.maintenance-page"));
        // the legacy site comes back: its writes are no longer refused
        execute(c, "UPDATE laddr.people SET first_name = first_name WHERE id = 1");
      }
      try (Connection s = TestDatabase.connect(example.target("staging"))) {
        assertEquals(staging, DatabaseState.of(s, "laddr"), "the staging copy is only read");
      }
    }
  }

  /** The first column of the rows a check's report lists. */
  private static List<String> reportedIds(Connection c, String step) throws SQLException {
    String report = strings(c, "SELECT report FROM cutover.step_report WHERE step_id = '" + step + "'").get(0);
    List<String> ids = new ArrayList<>();
    var matcher = java.util.regex.Pattern.compile("\"legacy_(?:person_)?id\"\\s*:\\s*\"?(\\d+)").matcher(report);
    while (matcher.find()) {
      ids.add(matcher.group(1));
    }
    return ids;
  }

  private static boolean listening() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", REDIRECT_STAND_IN_PORT), 500);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }
}
