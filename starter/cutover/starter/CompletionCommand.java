package cutover.starter;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Print a shell completion script for cutover's commands and options.",
        "bash: `source <(cutover completion bash)`, or save it in /etc/bash_completion.d/cutover.",
        "zsh: `source <(cutover completion zsh)` in ~/.zshrc (the script loads zsh's bashcompinit).",
        "It completes the command name `cutover`: put a `cutover` script or alias on PATH (e.g. "
            + "`alias cutover='java -jar /path/to/cutover.jar'`)."})
final class CompletionCommand implements Callable<Integer> {
  enum Shell { bash, zsh }

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "bash or zsh")
  Shell shell;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    // picocli's script is written for bash and, through bashcompinit (which it loads), for zsh too
    CommandLine root = spec.root().commandLine();
    out.print(AutoComplete.bash(root.getCommandName(), root));
    out.flush();
    return CutoverCli.OK;
  }
}
