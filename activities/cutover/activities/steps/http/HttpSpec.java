package cutover.activities.steps.http;

import cutover.activities.steps.SqlTimeouts;
import cutover.plan.StepSpec;
import java.time.Duration;
import java.util.List;

/**
 * The fields of an {@code http} step.
 *
 * @param url one URL (or URL template), or null when {@code urls} are given
 * @param urls several URLs (or templates); empty when {@code url} is given
 * @param rows SQL whose rows fill the templates' {@code {column}} placeholders, or null
 * @param sample how many of the rows are used
 * @param status the status code every answer must have
 * @param location the redirect target every answer must name (a template too), or null
 * @param bodyContains text every answer's body must contain (a template too), or null
 * @param method {@code GET} or {@code HEAD}
 * @param timeout for each request
 * @param concurrency requests at a time
 * @param show how many failures are listed
 */
public record HttpSpec(String url, List<String> urls, String rows, Integer sample, Integer status, String location,
    String bodyContains, String method, Duration timeout, Integer concurrency, Integer show, Duration lockTimeout,
    Duration statementTimeout, Integer lockRetries) implements StepSpec, SqlTimeouts {
  public static final int DEFAULT_SAMPLE = 20;
  public static final int DEFAULT_STATUS = 200;
  public static final String DEFAULT_METHOD = "GET";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_CONCURRENCY = 4;
  public static final int DEFAULT_SHOW = 10;

  public HttpSpec {
    urls = urls == null ? List.of() : List.copyOf(urls);
    sample = sample == null ? DEFAULT_SAMPLE : sample;
    status = status == null ? DEFAULT_STATUS : status;
    method = method == null ? DEFAULT_METHOD : method;
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    concurrency = concurrency == null ? DEFAULT_CONCURRENCY : concurrency;
    show = show == null ? DEFAULT_SHOW : show;
    lockTimeout = SqlTimeouts.lockTimeout(lockTimeout);
    statementTimeout = SqlTimeouts.statementTimeout(statementTimeout);
    lockRetries = SqlTimeouts.lockRetries(lockRetries);
  }

  @Override
  public String kind() {
    return HttpStep.NAME;
  }
}
