package cutover.starter;

import picocli.CommandLine.Option;

/** {@code --output text|json} of the read verbs (also from the config file's {@code output}), and {@code --json}. */
final class OutputOptions {
  enum Format { text, json }

  @Option(names = "--output", paramLabel = "text|json", defaultValue = "text",
      description = "text for people, json for programs (shape in the README) (default: ${DEFAULT-VALUE})")
  Format output;

  @Option(names = "--json", description = "same as --output json")
  boolean json;

  boolean json() {
    return json || output == Format.json;
  }
}
