package cutover.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cutover.workflows.WaveAction;
import cutover.workflows.WaveProgress;
import cutover.workflows.WaveSummary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A wave phase of ten thousand keys in status: a few lines. */
class WavePrinterTest {

  @Test
  void summarizesThousandsOfKeysInAFewLines() {
    List<WaveSummary.KeyFailure> failed = IntStream.rangeClosed(1, 2)
        .mapToObj(i -> new WaveSummary.KeyFailure("t" + i, "copy[t" + i + "]", "step 'copy[t" + i + "]' failed: boom"))
        .toList();
    WaveSummary summary = new WaveSummary(10_000, 4_210, 10, 3, 0, 5_777, 2, 1_001, 422,
        new WaveSummary.WaveLine(423, "wave 422", "running", 10, 4, 5, 1, 0, 0), "run-1/move#wave-422",
        List.of(new WaveSummary.WaveLine(421, "wave 420", "ended", 10, 9, 0, 1, 0, 0),
            new WaveSummary.WaveLine(422, "wave 421", "ended", 10, 10, 0, 0, 0, 0)),
        failed, 1);
    StringWriter text = new StringWriter();
    WavePrinter.print(summary, new PrintWriter(text, true));
    assertEquals("""
        waves: 10000 keys · 4210 done · 10 running · 3 failed · 5777 waiting · failure budget 2
          422 of 1001 waves ended; now wave 422 running (10 keys: 4 done, 5 running, 1 failed)
          last ended: wave 420 ended (10 keys: 9 done, 1 failed) · wave 421 ended (10 keys: 10 done)
          running wave: workflow run-1/move#wave-422 (its status names the keys running)
          ✗ key t1: step 'copy[t1]' failed: boom
          ✗ key t2: step 'copy[t2]' failed: boom
          … and 1 more failed keys
        """, text.toString());
  }

  @Test
  void theRunningWavesOwnCountsRefineThePhases() {
    // the phase counts the running wave's 10 keys as running until the wave ends
    WaveSummary phase = new WaveSummary(50, 12, 10, 0, 0, 28, 2, 6, 2,
        new WaveSummary.WaveLine(3, "wave 2", "running", 10, 0, 10, 0, 0, 0), "r/move#wave-2", List.of(), List.of(), 0);
    WaveSummary refined = phase.with(new WaveProgress("wave 2", WaveAction.APPLY, 10, List.of("t17", "t18", "t19"), 5, 1,
        1, false, List.of()));
    assertEquals(List.of(17, 3, 1, 29), List.of(refined.done(), refined.running(), refined.failed(), refined.waiting()));
    assertEquals(new WaveSummary.WaveLine(3, "wave 2", "running", 10, 5, 3, 1, 0, 1), refined.currentWave());
  }
}
