package cutover.workflows;

/**
 * How a workflow answered a signal, as its {@code status} query shows it: a client that put a
 * request id in the signal's payload finds its answer here and reads {@code accepted}.
 *
 * @param requestId the payload's request id; null when the sender gave none (the Temporal UI)
 * @param message what happened, for people: the same text as the notice
 */
public record SignalAnswer(String requestId, OperatorSignal signal, boolean accepted, String message) {}
