package cutover.starter;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Defaults of the options a {@link CliSetting} covers: the environment variable, else the config
 * file, else (null here) the option's own default. A flag given on the command line wins over all.
 */
final class CliDefaults implements IDefaultValueProvider {
  private final Map<String, String> environment;
  private final CliConfig config;

  CliDefaults(Map<String, String> environment, CliConfig config) {
    this.environment = environment;
    this.config = config;
  }

  @Override
  public String defaultValue(ArgSpec argument) {
    if (!(argument instanceof OptionSpec option)) {
      return null;
    }
    return CliSetting.ofOption(option.longestName()).filter(s -> s.fits(option.type()))
        .map(this::value).orElse(null);
  }

  private String value(CliSetting setting) {
    for (String variable : setting.environment) {
      String value = environment.get(variable);
      if (value != null && !value.isBlank()) {
        return setting.value == CliSetting.Value.BOOLEAN ? bool(value.trim()) : value.trim();
      }
    }
    return config.value(setting).orElse(null);
  }

  /** The Temporal CLI's variables take 1/0 as well as true/false; anything else picocli refuses. */
  private static String bool(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "1", "true" -> "true";
      case "0", "false" -> "false";
      default -> value;
    };
  }
}
