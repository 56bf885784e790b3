package cutover.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Target configuration and redaction; no database needed. */
class TargetsTest {

  @Test
  void readsTargetsFromTheEnvironmentAndAPropertiesFile() {
    Properties file = new Properties();
    file.setProperty("billing.url", "jdbc:postgresql://billing-db:5432/billing");
    file.setProperty("billing.user", "billing_app");
    file.setProperty("billing.passwordEnv", "BILLING_DB_PASSWORD");
    file.setProperty("orders-db.url", "jdbc:postgresql://file-wins-not:5432/orders");
    file.setProperty("worker.threads", "4");
    Map<String, String> env = Map.of(
        "CUTOVER_TARGET_ORDERS_DB_URL", "jdbc:postgresql://orders-db:5432/orders",
        "CUTOVER_TARGET_ORDERS_DB_USER", "orders_app",
        "CUTOVER_TARGET_ORDERS_DB_PASSWORD", "s3cret-orders",
        "BILLING_DB_PASSWORD", "s3cret-billing",
        "PATH", "/usr/bin");

    try (Targets targets = Targets.fromEnvironment(env, file)) {
      assertEquals(List.of("billing", "orders-db"), targets.names());
      String text = "jdbc:postgresql://orders-db:5432/orders as orders_app with s3cret-orders; billing_app s3cret-billing";
      assertEquals("*** as *** with ***; *** ***", targets.redact(text));
    }
  }

  @Test
  void aTargetWithoutAUrlOrWithAnUnsetPasswordVariableIsAnError() {
    IllegalArgumentException noUrl = assertThrows(IllegalArgumentException.class,
        () -> Targets.fromEnvironment(Map.of("CUTOVER_TARGET_PROD_PASSWORD", "hunter22"), new Properties()));
    assertEquals("target 'prod' has no URL: set CUTOVER_TARGET_PROD_URL or prod.url", noUrl.getMessage());

    Properties file = new Properties();
    file.setProperty("prod.url", "jdbc:postgresql://db/prod");
    file.setProperty("prod.passwordEnv", "PROD_PW");
    IllegalArgumentException unset = assertThrows(IllegalArgumentException.class,
        () -> Targets.fromEnvironment(Map.of(), file));
    assertTrue(unset.getMessage().contains("PROD_PW"), unset.getMessage());
  }

  @Test
  void redactsUrlsUsersAndPasswordsButNotShortOrEmbeddedWords() {
    Targets targets = Targets.of(List.of(
        new Targets.Target("demo", "jdbc:postgresql://db:5432/demo?sslmode=require", "app", "pw"),
        new Targets.Target("prod", "jdbc:postgresql://prod:5432/prod", "deployer", "correct-horse")));
    assertEquals("connect to *** failed", targets.redact("connect to jdbc:postgresql://db:5432/demo?sslmode=require failed"));
    assertEquals("connect to *** failed", targets.redact("connect to jdbc:postgresql://db:5432/demo failed"));
    assertEquals("user *** in application_name app_x: ***",
        targets.redact("user app in application_name app_x: correct-horse"));
    assertEquals("password pw is too short to redact", targets.redact("password pw is too short to redact"));
    assertEquals("role *** denied", targets.redact("role deployer denied"));
    assertFalse(new Targets.Target("x", "jdbc:postgresql://h/x", "u", "secret").toString().contains("secret"));
  }

  @Test
  void anUnknownTargetIsANonRetryableFailureNamingTheKnownOnes() {
    try (Targets targets = Targets.of(List.of(new Targets.Target("b", "jdbc:postgresql://h/b", null, null),
        new Targets.Target("a", "jdbc:postgresql://h/a", null, null)))) {
      ApplicationFailure failure = assertThrows(ApplicationFailure.class, () -> targets.dataSource("x"));
      assertEquals("UnknownTarget", failure.getType());
      assertTrue(failure.isNonRetryable());
      assertEquals("unknown target 'x'; the worker has: a, b", failure.getOriginalMessage());
    }
  }
}
