package cutover.workflows;

import io.temporal.common.SearchAttributeKey;
import java.util.List;

/**
 * Keyword search attributes that make runs easy to find in the Temporal UI. A server must have
 * them registered ({@code docker-compose.temporal.yml} and {@code cutover dev} do).
 */
public final class CutoverSearchAttributes {
  public static final SearchAttributeKey<String> RUN = SearchAttributeKey.forKeyword("CutoverRun");
  public static final SearchAttributeKey<String> PLAN = SearchAttributeKey.forKeyword("CutoverPlan");
  public static final SearchAttributeKey<String> TARGET = SearchAttributeKey.forKeyword("CutoverTarget");
  public static final SearchAttributeKey<String> PHASE = SearchAttributeKey.forKeyword("CutoverPhase");
  public static final SearchAttributeKey<String> STATE = SearchAttributeKey.forKeyword("CutoverState");

  public static final List<SearchAttributeKey<String>> ALL = List.of(RUN, PLAN, TARGET, PHASE, STATE);

  private CutoverSearchAttributes() {}
}
