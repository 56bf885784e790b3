package cutover.plan;

import java.util.Optional;
import java.util.Set;

/**
 * The step kinds a plan may use. The plan model does not know them itself: the engine's
 * registry of kinds is handed to the parser.
 */
public interface StepKindCatalog {

  Optional<? extends StepSpecReader> find(String kind);

  /** Every kind's name, sorted. */
  Set<String> names();
}
