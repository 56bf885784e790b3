package cutover.activities.explain;

import java.time.Duration;

/** Durations as people read them in an explanation: 500ms, 45s, 12m, 3h 20m, 7d. */
final class Durations {
  private Durations() {}

  static String words(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms < 120_000) {
      return (ms % 1000 == 0 ? String.valueOf(ms / 1000) : String.format(java.util.Locale.ROOT, "%.1f", ms / 1000.0)) + "s";
    }
    if (d.toMinutes() < 120) {
      return d.toMinutes() + "m";
    }
    if (d.toHours() < 48) {
      return d.toHours() + "h" + (d.toMinutesPart() == 0 ? "" : " " + d.toMinutesPart() + "m");
    }
    return d.toDays() + "d" + (d.toHoursPart() == 0 ? "" : " " + d.toHoursPart() + "h");
  }
}
