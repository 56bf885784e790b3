package cutover.testing;

import cutover.starter.CutoverCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One `cutover` command run in this JVM, as a user types it: its exit code and what it printed. */
public record CliRun(int exitCode, String out, String err) {
  public static CliRun cutover(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = CutoverCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
