package cutover.activities.steps.http;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import cutover.activities.steps.SqlTimeouts;
import cutover.plan.StepSpec;
import cutover.plan.schema.ExactlyOneOf;
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
@JsonClassDescription("Smoke checks of status, redirect target and body, for a sample of a query's rows; redirects "
    + "are not followed.")
@ExactlyOneOf({"url", "urls"})
public record HttpSpec(
    @JsonPropertyDescription("One http(s) URL, or a template whose {column} placeholders rows: fills.")
    String url,
    @JsonPropertyDescription("Several URLs or templates.")
    List<String> urls,
    @JsonPropertyDescription("SQL whose rows fill the templates' {column} placeholders.")
    String rows,
    @JsonProperty(defaultValue = "" + DEFAULT_SAMPLE)
    @JsonPropertyDescription("How many of the rows are used; 1 to 10000.")
    Integer sample,
    @JsonProperty(defaultValue = "" + DEFAULT_STATUS)
    @JsonPropertyDescription("The status code every answer must have; 100 to 599.")
    Integer status,
    @JsonPropertyDescription("The redirect target every answer must name (a template too).")
    String location,
    @JsonPropertyDescription("Text every answer's body must contain (a template too).")
    String bodyContains,
    @JsonProperty(defaultValue = DEFAULT_METHOD)
    @JsonPropertyDescription("GET or HEAD.")
    String method,
    @JsonProperty(defaultValue = "10s")
    @JsonPropertyDescription("The timeout of each request.")
    Duration timeout,
    @JsonProperty(defaultValue = "" + DEFAULT_CONCURRENCY)
    @JsonPropertyDescription("Requests at a time; 1 to 64.")
    Integer concurrency,
    @JsonProperty(defaultValue = "" + DEFAULT_SHOW)
    @JsonPropertyDescription("How many failures are listed; 1 to 1000.")
    Integer show,
    @JsonUnwrapped
    SqlTimeouts timeouts) implements StepSpec, SqlTimeouts.Given {
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
    timeouts = timeouts == null ? SqlTimeouts.DEFAULTS : timeouts;
  }

  @Override
  public String kind() {
    return HttpStep.NAME;
  }
}
