package cutover.workflows;

import java.util.List;

/** The answer of a wave's {@code status} query: its keys running now, and counts. */
public record WaveProgress(String label, WaveAction action, int keys, List<String> running, int done, int failed,
    int pending, boolean stopped, List<SignalAnswer> answers) {}
