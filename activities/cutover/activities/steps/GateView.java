package cutover.activities.steps;

import java.util.List;

/** A gate waiting for people. */
public record GateView(String gate, String description, List<String> approvers, int approvalsNeeded, List<String> approvedBy, String waitingFor) {}
