package cutover.activities.steps;

/**
 * One step held by the phase workflow until it passes: approvals given, a timer fired, a soak
 * held. Operators' decisions reach it through {@link #decide} while it holds.
 */
public interface Gate {

  /** Holds until the gate passes or gives way. @return null when it passed, else why it did not */
  String pass();

  /** Whether the gate is holding now, so that decisions reach it. */
  boolean holding();

  /** Whether this gate takes decisions of that kind (a wait takes skips, not approvals). */
  boolean takes(Decision decision);

  /** @return why the decision is refused, or null when it is accepted */
  String decide(Decision decision, String by, String comment);

  /** What status shows of a gate waiting for people, or null. */
  default GateView view() {
    return null;
  }
}
