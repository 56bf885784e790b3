package cutover.starter;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "explain", mixinStandardHelpOptions = true, description = "placeholder")
final class PlanExplainCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return CutoverCli.OK;
  }
}
