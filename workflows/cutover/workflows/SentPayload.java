package cutover.workflows;

/** A signal's payload as a person or client sent it: {@link GateDecision}, {@link OperatorAction}, {@link Tuning}. */
interface SentPayload {
  /** Optional; lets a client find the workflow's {@link SignalAnswer} in the status. */
  String requestId();

  /** Why the payload cannot be used (a field of the wrong type, not an object); null when it can. */
  String unreadable();
}
