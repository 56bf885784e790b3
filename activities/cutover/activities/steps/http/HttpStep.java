package cutover.activities.steps.http;

import cutover.activities.steps.DefinedKind;
import cutover.activities.steps.ExecutedKind;
import cutover.activities.steps.Json;
import cutover.activities.steps.SqlTimeouts;
import cutover.activities.steps.StepContext;
import cutover.activities.steps.StepOutcome;
import cutover.activities.steps.check.CheckStep;
import cutover.plan.StepFields;
import cutover.plan.Undo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kind: http} — smoke checks against URLs: the status code ({@code status:}, default 200),
 * the redirect target ({@code location:}) and text in the body ({@code bodyContains:}). A URL
 * may be a template: {@code {column}} is filled from each of the first {@code sample:} rows of
 * {@code rows:} (order them by random() for a random sample), URL-encoded. Requests run
 * {@code concurrency:} at a time with a {@code timeout:} each, redirects not followed; the first
 * {@code show:} failures are listed. Runs outside any transaction: no database lock or snapshot
 * is held while waiting on the network.
 */
public final class HttpStep extends DefinedKind<HttpSpec> implements ExecutedKind<HttpSpec> {
  public static final String NAME = "http";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)\\}");

  public HttpStep() {
    super(NAME, Undo.NOTHING, Execution.OUTSIDE_TRANSACTION, HttpSpec.class);
  }

  @Override
  public boolean repeatable() {
    return true;
  }

  @Override
  public HttpSpec read(StepFields fields) {
    String url = fields.optionalString("url");
    List<String> urls = fields.optionalStringList("urls");
    String rows = fields.optionalString("rows");
    Integer sample = fields.optionalInteger("sample", 1, 10_000, null);
    Integer status = fields.optionalInteger("status", 100, 599, null);
    String location = fields.optionalString("location");
    String body = fields.optionalString("bodyContains");
    String method = fields.optionalString("method");
    Duration timeout = fields.optionalDuration("timeout", null);
    Integer concurrency = fields.optionalInteger("concurrency", 1, 64, null);
    Integer show = fields.optionalInteger("show", 1, 1000, null);
    SqlTimeouts timeouts = SqlTimeouts.read(fields);
    if ((url == null) == (urls == null)) {
      fields.problem("url", "an http step needs url: or urls:, one of them",
          "add e.g. url: https://example.org/health, or urls: [...]");
    }
    List<String> templates = new ArrayList<>();
    if (url != null) {
      templates.add(url);
    }
    if (urls != null) {
      templates.addAll(urls);
    }
    for (String template : templates) {
      String probe = PLACEHOLDER.matcher(template).replaceAll("x");
      try {
        URI uri = URI.create(probe);
        if (uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme()) || uri.getHost() == null) {
          fields.problem(url != null ? "url" : "urls", "'" + template + "' is not an http(s) URL",
              "write an absolute URL such as https://example.org/path");
        }
      } catch (IllegalArgumentException e) {
        fields.problem(url != null ? "url" : "urls", "'" + template + "' is not a valid URL: " + e.getMessage(),
            "escape spaces and special characters");
      }
      boolean placeholders = PLACEHOLDER.matcher(template).find();
      if (placeholders && rows == null) {
        fields.problem(url != null ? "url" : "urls", "'" + template + "' has {placeholders} but the step has no rows:",
            "add rows: SELECT ... whose columns fill them");
      }
    }
    if (method != null && !List.of("GET", "HEAD").contains(method)) {
      fields.problem("method", "method must be GET or HEAD, found " + method, "smoke checks only read: use GET or HEAD");
    }
    if (body != null && "HEAD".equals(method)) {
      fields.problem("bodyContains", "a HEAD request has no body", "use method: GET");
    }
    if (location != null && location.isBlank()) {
      fields.problem("location", "location: is blank", "give the expected redirect target");
    }
    if (timeout != null && (timeout.isZero() || timeout.compareTo(Duration.ofMinutes(5)) > 0)) {
      fields.problem("timeout", "timeout must be above 0 and at most 5m", "write e.g. timeout: 10s");
    }
    return new HttpSpec(url, urls, rows, sample, status, location, body, method, timeout, concurrency, show,
        timeouts);
  }

  /** One request to make, with what its answer must show. */
  private record Probe(String url, String location, String body) {}

  /** One answer, and what was wrong with it (null when it is as expected). */
  private record Answer(String url, Integer status, String location, long millis, String problem) {}

  @Override
  public StepOutcome apply(StepContext context, HttpSpec spec) {
    List<Probe> probes = probes(context, spec);
    Duration timeout = spec.timeout();
    int expected = spec.status();
    String method = spec.method();
    int concurrency = spec.concurrency();
    HttpClient client = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(timeout)
        .build();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, Math.max(1, probes.size())), r -> {
      Thread thread = new Thread(r, "cutover-http-" + context.step().id());
      thread.setDaemon(true);
      return thread;
    });
    List<Answer> answers = new ArrayList<>();
    try {
      List<Future<Answer>> futures = new ArrayList<>();
      for (Probe probe : probes) {
        futures.add(pool.submit(() -> ask(client, probe, method, expected, timeout)));
      }
      for (Future<Answer> future : futures) {
        while (true) {
          context.environment().heartbeat();
          try {
            answers.add(future.get(1, TimeUnit.SECONDS));
            break;
          } catch (TimeoutException stillWaiting) {
            // heartbeat and wait on
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for HTTP answers");
          } catch (ExecutionException e) {
            throw new IllegalStateException("an HTTP check broke: " + e.getCause(), e.getCause());
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
    List<Answer> failed = answers.stream().filter(a -> a.problem() != null).toList();
    int show = spec.show();
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("requests", answers.size());
    report.put("failed", failed.size());
    report.put("expectedStatus", expected);
    report.put("failures", failed.stream().limit(show).map(HttpStep::json).toList());
    report.put("answers", answers.stream().limit(100).map(HttpStep::json).toList());
    if (failed.isEmpty()) {
      return StepOutcome.passed(answers.size() + " of " + answers.size() + " URL" + (answers.size() == 1 ? "" : "s")
          + " answered as expected", (long) answers.size(), Json.write(report));
    }
    List<String> listed = failed.stream().limit(show).map(a -> method + " " + a.url() + ": " + a.problem()).toList();
    return StepOutcome.failed(failed.size() + " of " + answers.size() + " URLs failed: " + String.join("; ", listed)
        + (failed.size() > show ? "; ..." : ""), Json.write(report));
  }

  @Override
  public StepOutcome compensate(StepContext context, HttpSpec spec) {
    return StepOutcome.of("nothing to undo");
  }

  private static Map<String, Object> json(Answer answer) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("url", answer.url());
    json.put("status", answer.status());
    if (answer.location() != null) {
      json.put("location", answer.location());
    }
    json.put("millis", answer.millis());
    if (answer.problem() != null) {
      json.put("problem", answer.problem());
    }
    return json;
  }

  private static Answer ask(HttpClient client, Probe probe, String method, int expected, Duration timeout) {
    long started = System.nanoTime();
    URI uri;
    try {
      uri = URI.create(probe.url());
    } catch (IllegalArgumentException e) {
      return new Answer(probe.url(), null, null, 0, "not a valid URL: " + e.getMessage());
    }
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      long millis = (System.nanoTime() - started) / 1_000_000;
      String location = response.headers().firstValue("Location").orElse(null);
      List<String> problems = new ArrayList<>();
      if (response.statusCode() != expected) {
        problems.add("status " + response.statusCode() + ", expected " + expected);
      }
      if (probe.location() != null && !sameLocation(uri, location, probe.location())) {
        problems.add(location == null ? "no Location header, expected " + probe.location()
            : "Location " + location + ", expected " + probe.location());
      }
      if (probe.body() != null && (response.body() == null || !response.body().contains(probe.body()))) {
        problems.add("body does not contain '" + CheckStep.shorten(probe.body()) + "'");
      }
      return new Answer(probe.url(), response.statusCode(), location, millis,
          problems.isEmpty() ? null : String.join(", ", problems));
    } catch (java.net.http.HttpTimeoutException e) {
      return new Answer(probe.url(), null, null, (System.nanoTime() - started) / 1_000_000,
          "no answer within " + timeout.toMillis() + " ms");
    } catch (java.io.IOException e) {
      return new Answer(probe.url(), null, null, (System.nanoTime() - started) / 1_000_000,
          "request failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(probe.url(), null, null, 0, "interrupted");
    }
  }

  /** The Location header as sent or resolved against the request, against the expected target. */
  private static boolean sameLocation(URI request, String actual, String expected) {
    if (actual == null) {
      return false;
    }
    if (actual.equals(expected)) {
      return true;
    }
    try {
      return request.resolve(actual).equals(request.resolve(expected));
    } catch (IllegalArgumentException notAUri) {
      return false;
    }
  }

  private List<Probe> probes(StepContext context, HttpSpec spec) {
    List<String> templates = spec.url() != null ? List.of(spec.url()) : spec.urls();
    String location = spec.location();
    String body = spec.bodyContains();
    String rowsQuery = spec.rows();
    List<Probe> probes = new ArrayList<>();
    if (rowsQuery == null) {
      for (String template : templates) {
        probes.add(new Probe(template, location, body));
      }
      return probes;
    }
    int sample = spec.sample();
    List<Map<String, String>> rows = context.environment().inTransaction(sql -> {
      List<Map<String, String>> found = new ArrayList<>();
      sql.connection(connection -> {
        try (Statement statement = connection.createStatement()) {
          statement.setMaxRows(sample);
          try (ResultSet rs = statement.executeQuery(rowsQuery)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
              Map<String, String> row = new LinkedHashMap<>();
              for (int i = 1; i <= meta.getColumnCount(); i++) {
                row.put(meta.getColumnLabel(i), rs.getString(i));
              }
              found.add(row);
            }
          }
        }
      });
      return found;
    });
    for (Map<String, String> row : rows) {
      for (String template : templates) {
        probes.add(new Probe(fill(template, row, true), location == null ? null : fill(location, row, true),
            body == null ? null : fill(body, row, false)));
      }
    }
    return probes;
  }

  /** Replaces {column} by the row's value, percent-encoded for a URL when asked. */
  static String fill(String template, Map<String, String> row, boolean encode) {
    Matcher matcher = PLACEHOLDER.matcher(template);
    StringBuilder filled = new StringBuilder();
    while (matcher.find()) {
      String column = matcher.group(1);
      if (!row.containsKey(column)) {
        throw new IllegalArgumentException("{" + column + "} in '" + template + "' is not a column of rows:; its columns "
            + "are: " + String.join(", ", row.keySet()));
      }
      String value = row.get(column) == null ? "" : row.get(column);
      matcher.appendReplacement(filled, Matcher.quoteReplacement(encode ? encode(value) : value));
    }
    matcher.appendTail(filled);
    return filled.toString();
  }

  private static String encode(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }
}
