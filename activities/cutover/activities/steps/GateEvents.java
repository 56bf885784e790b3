package cutover.activities.steps;

import cutover.activities.RunEventKind;
import java.util.List;

/**
 * The run events that mark a gate in the ledger, from which a report tells when it opened and
 * how it ended.
 *
 * @param opened the event recorded when the gate starts holding
 * @param ended the events recorded when it ends; none for a gate people decide, whose decisions end it
 * @param decidedByPeople the gate ends with an approval or a rejection
 */
public record GateEvents(RunEventKind opened, List<RunEventKind> ended, boolean decidedByPeople) {}
