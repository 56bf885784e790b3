package cutover.worker;

import cutover.activities.PartCall;
import cutover.activities.PartsCall;
import cutover.activities.StepAction;
import cutover.activities.StepCall;
import cutover.activities.StepMetrics;
import cutover.activities.VerifyCall;
import cutover.activities.steps.StepState;
import cutover.plan.PlanStep;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Around every activity that works on a step: the SLF4J MDC keys {@value #RUN}, {@value #PHASE},
 * {@value #STEP}, {@value #ATTEMPT} (Temporal's attempt of the activity), {@value #TARGET} and
 * {@value #ACTION} (and {@value #PART} for a backfill's part), so that every line logged on the
 * activity's thread carries them; the step's end counted ({@code cutover_steps}); and a failure
 * logged as one line. Temporal's own log of a failed activity (its stack trace at WARN, logger
 * {@code io.temporal.internal.activity.ActivityTaskExecutors}) is turned off in logback.xml:
 * cutover's failures are written to be read, and their traces say nothing more.
 */
public final class StepLogContext extends WorkerInterceptorBase {
  public static final String RUN = "run";
  public static final String PHASE = "phase";
  public static final String STEP = "step";
  public static final String ATTEMPT = "attempt";
  public static final String TARGET = "target";
  public static final String ACTION = "action";
  public static final String PART = "part";

  private static final Logger log = LoggerFactory.getLogger(StepLogContext.class);

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityExecutionContext context;

      @Override
      public void init(ActivityExecutionContext context) {
        this.context = context;
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        Subject subject = Subject.of(input.getArguments(), context.getInfo().getActivityType());
        if (subject == null) {
          return super.execute(input);
        }
        Map<String, String> keys = subject.keys(context.getInfo().getAttempt());
        keys.forEach(MDC::put);
        try {
          ActivityOutput output = super.execute(input);
          subject.ended(context, true);
          return output;
        } catch (ActivityCompletionException stopped) {
          log.info("{} stopped: {}", subject.describe(), stopped.getClass().getSimpleName());
          throw stopped;
        } catch (ApplicationFailure failure) {
          subject.ended(context, false);
          log.warn("{}", subject.failed(failure.getOriginalMessage()));
          throw failure;
        } catch (RuntimeException | Error bug) {
          // not one of cutover's readable failures: a bug, whose trace is worth its lines
          subject.ended(context, false);
          log.error("{} failed: {}", subject.describe(), bug, bug);
          throw bug;
        } finally {
          keys.keySet().forEach(MDC::remove);
        }
      }
    };
  }

  /** The step an activity works on, read from its argument; null for activities of no step. */
  private record Subject(StepCall call, StepAction action, Integer part, Integer parts, boolean wholeStep) {
    /** The activity type of {@code StepActivities.compensate}, which shares apply's argument. */
    private static final String COMPENSATE_STEP = "CompensateStep";

    static Subject of(Object[] arguments, String activityType) {
      if (arguments == null || arguments.length != 1 || arguments[0] == null) {
        return null;
      }
      Object argument = arguments[0];
      if (argument instanceof StepCall call) {
        StepAction action = COMPENSATE_STEP.equals(activityType) ? StepAction.COMPENSATE : StepAction.APPLY;
        return valid(call) ? new Subject(call, action, null, null, true) : null;
      }
      if (argument instanceof PartCall part) {
        return valid(part.call()) ? new Subject(part.call(), part.action(), part.part(), part.parts(), false) : null;
      }
      if (argument instanceof PartsCall parts) {
        return valid(parts.call()) ? new Subject(parts.call(), parts.action(), null, null, false) : null;
      }
      if (argument instanceof VerifyCall verify) {
        StepCall call = new StepCall(verify.target(), verify.runId(), verify.phase(), verify.step());
        return valid(call) ? new Subject(call, StepAction.VERIFY, null, null, true) : null;
      }
      return null;
    }

    private static boolean valid(StepCall call) {
      return call != null && call.step() != null && call.step().id() != null;
    }

    Map<String, String> keys(int attempt) {
      Map<String, String> keys = new LinkedHashMap<>();
      put(keys, RUN, call.runId());
      put(keys, PHASE, call.phase());
      put(keys, STEP, call.step().id());
      keys.put(ATTEMPT, Integer.toString(attempt));
      put(keys, TARGET, call.target());
      if (action != null) {
        keys.put(ACTION, action.word());
      }
      if (part != null) {
        keys.put(PART, (part + 1) + "/" + parts);
      }
      return keys;
    }

    private static void put(Map<String, String> keys, String key, String value) {
      if (value != null) {
        keys.put(key, value);
      }
    }

    /** Counts the end of a whole step's apply, compensation or verification (a part or a split is not a step). */
    void ended(ActivityExecutionContext context, boolean succeeded) {
      PlanStep step = call.step();
      if (!wholeStep || step.kind() == null) {
        return;
      }
      StepState state = action == StepAction.COMPENSATE
          ? succeeded ? StepState.COMPENSATED : StepState.COMPENSATION_FAILED
          : succeeded ? StepState.COMPLETED : StepState.FAILED;
      StepMetrics.stepEnded(context.getMetricsScope(), step.kind(), action, state);
    }

    /** Cutover's failures name their step already ("step 'x' failed: ..."); others are given its name. */
    String failed(String message) {
      String text = message == null ? "" : message;
      return text.contains("'" + call.step().id() + "'") ? text : describe() + " failed: " + text;
    }

    String describe() {
      String what = action == StepAction.COMPENSATE ? "compensation of step '" : action == StepAction.VERIFY
          ? "verification of step '" : "step '";
      return what + call.step().id() + "'" + (part == null ? "" : " part " + (part + 1) + "/" + parts);
    }
  }
}
