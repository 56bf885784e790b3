package cutover.workflows;

import cutover.activities.Word;

/** What a wave's key workflows do: apply the phase's steps for their key, or compensate them, last first. */
public enum WaveAction implements Word {
  APPLY,
  COMPENSATE
}
