package cutover.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The run's and its phase's notices as status shows them: a forwarded pause once, not twice. */
class RunNoticesTest {

  @Test
  void aPauseForwardedToThePhaseIsSaidOnceInThePhasesWords() {
    List<String> run = List.of("paused by ops", "resumed by ops", "paused by ops", "resumed by ops");
    List<String> phase = List.of("paused by ops; backfill copy pauses after its current batch", "resumed by ops",
        "paused by ops", "resumed by ops", "tuned by ops: batch size 5,000");
    assertEquals(List.of("paused by ops; backfill copy pauses after its current batch", "resumed by ops",
        "paused by ops", "resumed by ops", "tuned by ops: batch size 5,000"), RunStatus.notices(run, phase));
  }

  @Test
  void noticesOfOnlyOneSideStayAsTheyAre() {
    assertEquals(List.of("refused: approve of 'x' by ops", "paused by ops"),
        RunStatus.notices(List.of("refused: approve of 'x' by ops"), List.of("paused by ops")));
    assertEquals(List.of("paused by ops", "paused by ops"), RunStatus.notices(List.of("paused by ops", "paused by ops"),
        List.of()));
    // "paused by opsie" is not "paused by ops" said again
    assertEquals(List.of("paused by ops", "paused by opsie"), RunStatus.notices(List.of("paused by ops"),
        List.of("paused by opsie")));
  }
}
