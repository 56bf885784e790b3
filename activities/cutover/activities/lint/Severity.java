package cutover.activities.lint;

import cutover.activities.Word;

/** An error stops {@code plan push} and {@code start} until the step acknowledges it; a warning informs. */
public enum Severity implements Word {
  ERROR, WARNING
}
