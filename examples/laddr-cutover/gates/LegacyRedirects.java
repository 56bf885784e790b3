import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Stand-in for the rewrite's web layer, as far as the redirect checks need it: the legacy URL
 * forms of behaviors/legacy-id-mapping.md answered with a redirect to the new canonical path.
 * /people/{username} goes to /members/{slug}, /projects/{handle} to /projects/{slug} (slug: the
 * name lower-cased, each run of other characters a hyphen), /chat to the Slack workspace.
 *
 * <p>Run by start.sh with the Java source launcher: {@code java LegacyRedirects.java HOST PORT
 * READY_FILE LIFETIME_SECONDS}. It writes READY_FILE once it listens and exits after its lifetime,
 * so a run that never reaches stop.sh leaves nothing behind for long.
 */
public final class LegacyRedirects {
  public static void main(String[] args) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 16);
    server.createContext("/", LegacyRedirects::answer);
    server.start();
    Files.writeString(Path.of(args[2]), "listening on " + args[0] + ":" + args[1] + "\n");
    long lifetime = Long.parseLong(args[3]);
    Thread reaper = new Thread(() -> {
      try {
        Thread.sleep(lifetime * 1000);
      } catch (InterruptedException stopped) {
        Thread.currentThread().interrupt();
      }
      System.out.println("lifetime of " + lifetime + " s is over: stopping");
      server.stop(0);
      System.exit(0);
    });
    reaper.setDaemon(true);
    reaper.start();
  }

  private static void answer(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    String[] parts = path.split("/", -1);
    if (path.equals("/chat")) {
      redirect(exchange, 302, "https://codeforphilly.slack.com/");
    } else if (parts.length == 3 && parts[1].equals("people") && !parts[2].isEmpty()) {
      redirect(exchange, 301, "/members/" + slug(parts[2]));
    } else if (parts.length == 3 && parts[1].equals("projects") && !parts[2].isEmpty()) {
      redirect(exchange, 301, "/projects/" + slug(parts[2]));
    } else {
      byte[] body = ("no legacy URL form: " + path + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(404, body.length);
      exchange.getResponseBody().write(body);
    }
    exchange.close();
  }

  private static String slug(String rawName) {
    String name = URLDecoder.decode(rawName, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    return name.replaceAll("[^a-z0-9]+", "-");
  }

  private static void redirect(HttpExchange exchange, int status, String location) throws IOException {
    exchange.getResponseHeaders().set("Location", location);
    exchange.sendResponseHeaders(status, -1);
  }
}
