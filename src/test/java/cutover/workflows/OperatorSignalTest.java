package cutover.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temporal.workflow.SignalMethod;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The typed list of signals is the list the workflows define. */
class OperatorSignalTest {

  @Test
  void everySignalMethodHasItsOperatorSignalAndNoOtherExists() {
    Set<String> defined = Arrays.stream(OperatorSignals.class.getMethods())
        .map(m -> m.getAnnotation(SignalMethod.class)).filter(Objects::nonNull).map(SignalMethod::name)
        .collect(Collectors.toSet());
    Set<String> typed = Arrays.stream(OperatorSignal.values()).map(OperatorSignal::word).collect(Collectors.toSet());
    assertEquals(defined, typed);
    assertEquals(OperatorSignal.values().length, typed.size());
  }
}
