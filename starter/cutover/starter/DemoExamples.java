package cutover.starter;

import cutover.activities.steps.StepKinds;
import cutover.activities.steps.command.CommandSpec;
import cutover.plan.InvalidPlanException;
import cutover.plan.Plan;
import cutover.plan.PlanParser;
import cutover.worker.DevEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The examples {@code cutover demo NAME} can run: every {@code examples/NAME/plan.yaml} the jar (or
 * the build's classes folder) carries. Iterable for picocli's completion candidates.
 */
final class DemoExamples implements Iterable<String> {
  private static final Pattern PLAN = Pattern.compile("examples/([a-z0-9-]+)/plan\\.yaml");

  /** An example and its plan. */
  record Example(String name, Plan plan) {
    /** Whether the plan has command steps, which run only on a worker that allows commands. */
    boolean hasCommands() {
      return plan.phases().stream().flatMap(p -> p.steps().stream()).anyMatch(s -> s.spec() instanceof CommandSpec);
    }

    /** The example's own files the command steps run, by their path relative to the working directory. */
    private Set<String> commandFiles() {
      Set<String> files = new TreeSet<>();
      String folder = "examples/" + name + "/";
      plan.phases().stream().flatMap(p -> p.steps().stream()).filter(s -> s.spec() instanceof CommandSpec)
          .flatMap(s -> ((CommandSpec) s.spec()).command().stream()).filter(arg -> arg.startsWith(folder))
          .forEach(files::add);
      return files;
    }

    /**
     * The plan's commands run the example's scripts by a path relative to the worker's working
     * directory, as from a checkout of the repository: those missing there are written from the
     * jar, and removed again on close.
     */
    Scripts scriptsInWorkingDirectory() throws IOException {
      List<Path> written = new ArrayList<>();
      List<Path> createdFolders = new ArrayList<>();
      for (String file : commandFiles()) {
        Path path = Path.of(file);
        if (Files.exists(path)) {
          continue;
        }
        for (Path folder = path.getParent(); folder != null && !Files.exists(folder); folder = folder.getParent()) {
          createdFolders.add(folder);
        }
        Files.createDirectories(path.getParent());
        Files.writeString(path, DevEnvironment.exampleFile(name, file.substring(("examples/" + name + "/").length())));
        written.add(path);
      }
      return new Scripts("examples/" + name + "/", written, createdFolders);
    }
  }

  /** The scripts written for the demo, and the folders created for them, removed on close. */
  record Scripts(String folder, List<Path> written, List<Path> createdFolders) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      for (Path file : written) {
        Files.deleteIfExists(file);
      }
      List<Path> folders = new ArrayList<>(createdFolders);
      folders.sort(Comparator.comparingInt(Path::getNameCount).reversed());
      for (Path folder : folders) {
        Files.deleteIfExists(folder);
      }
    }
  }

  static Optional<Example> find(String name) throws IOException {
    if (!PLAN.matcher("examples/" + name + "/plan.yaml").matches()
        || DevEnvironment.class.getClassLoader().getResource("examples/" + name + "/plan.yaml") == null) {
      return Optional.empty();
    }
    String file = "examples/" + name + "/plan.yaml";
    try {
      return Optional.of(new Example(name, PlanParser.parse(DevEnvironment.exampleFile(name, "plan.yaml"), file,
          Set.of(DevEnvironment.DEMO_TARGET), StepKinds.ALL)));
    } catch (InvalidPlanException e) {
      throw new IOException(file + " is not a valid plan: " + e.getMessage(), e);
    }
  }

  /** The examples' names, sorted. */
  static List<String> names() {
    Set<String> names = new TreeSet<>();
    try {
      Path location = Path.of(DevEnvironment.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isDirectory(location)) {
        Path examples = location.resolve("examples");
        if (Files.isDirectory(examples)) {
          try (var folders = Files.list(examples)) {
            folders.filter(f -> Files.exists(f.resolve("plan.yaml"))).forEach(f -> names.add(f.getFileName().toString()));
          }
        }
      } else {
        try (JarFile jar = new JarFile(location.toFile())) {
          jar.stream().forEach(entry -> {
            Matcher plan = PLAN.matcher(entry.getName());
            if (plan.matches()) {
              names.add(plan.group(1));
            }
          });
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return List.copyOf(names);
  }

  @Override
  public Iterator<String> iterator() {
    return names().iterator();
  }
}
