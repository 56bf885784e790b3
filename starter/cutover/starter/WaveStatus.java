package cutover.starter;

import cutover.worker.TemporalConnection;
import cutover.workflows.PhaseStatus;
import cutover.workflows.WaveWorkflow;

/** A wave phase's status with its running wave's own counts: the keys running now, done and failed so far. */
final class WaveStatus {
  private WaveStatus() {}

  static PhaseStatus withRunningWave(TemporalConnection connection, PhaseStatus phase) {
    if (phase == null || phase.waves() == null || phase.waves().currentWaveWorkflowId() == null) {
      return phase;
    }
    try {
      return phase.with(phase.waves().with(connection.client()
          .newWorkflowStub(WaveWorkflow.class, phase.waves().currentWaveWorkflowId()).status()));
    } catch (RuntimeException justEnded) {
      return phase; // the wave ended between the two queries: the phase's own counts stand
    }
  }
}
