package cutover.starter;

import cutover.workflows.WaveSummary;
import java.io.PrintWriter;
import java.util.stream.Collectors;

/** A wave phase in a few lines, however many keys it has: counts, the wave at hand, the last waves, the failed keys. */
final class WavePrinter {
  private WavePrinter() {}

  static void print(WaveSummary waves, PrintWriter out) {
    out.printf("waves: %d keys · %d done · %d running · %d failed · %d waiting%s · failure budget %d%n", waves.keys(),
        waves.done(), waves.running(), waves.failed(), waves.waiting(),
        waves.rolledBack() == 0 ? "" : " · " + waves.rolledBack() + " rolled back", waves.failureBudget());
    out.printf("  %d of %d waves ended%s%n", waves.wavesEnded(), waves.waves(),
        waves.currentWave() == null ? "" : "; now " + line(waves.currentWave()));
    if (!waves.recentWaves().isEmpty()) {
      out.println("  last ended: " + waves.recentWaves().stream().map(WavePrinter::line)
          .collect(Collectors.joining(" · ")));
    }
    if (waves.currentWaveWorkflowId() != null) {
      out.println("  running wave: workflow " + waves.currentWaveWorkflowId() + " (its status names the keys running)");
    }
    for (WaveSummary.KeyFailure failure : waves.failedKeys()) {
      out.printf("  ✗ key %s: %s%n", failure.key(), failure.error());
    }
    if (waves.failedNotShown() > 0) {
      out.printf("  … and %d more failed keys%n", waves.failedNotShown());
    }
  }

  private static String line(WaveSummary.WaveLine wave) {
    return wave.label() + " " + wave.state() + " (" + wave.keys() + " keys: " + wave.done() + " done"
        + (wave.running() == 0 ? "" : ", " + wave.running() + " running")
        + (wave.failed() == 0 ? "" : ", " + wave.failed() + " failed")
        + (wave.rolledBack() == 0 ? "" : ", " + wave.rolledBack() + " rolled back")
        + (wave.waiting() == 0 ? "" : ", " + wave.waiting() + " waiting") + ")";
  }
}
