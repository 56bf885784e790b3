package cutover.starter.bench;

import cutover.starter.CutoverCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A {@code cutover worker} in its own OS process, on this JVM's class path (the jar, when the CLI
 * runs from it), for the targets of one file, as an operator would run it. Only the {@code kill -9}
 * of the process ends it; the next generation appends to the same log.
 */
final class WorkerProcess implements AutoCloseable {
  private final String name;
  private final String address;
  private final Path targetsFile;
  private final Path log;
  private Process process;
  private long startedAt;

  WorkerProcess(String name, String address, Path targetsFile) throws IOException {
    this.name = name;
    this.address = address;
    this.targetsFile = targetsFile;
    this.log = Files.createTempFile("cutover-faults-worker-" + name + "-", ".log");
  }

  /** Starts the process (again); the moment it was started is {@link #startedAt()}. */
  WorkerProcess start() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        CutoverCli.class.getName(), "worker", "--address", address, "--targets-file", targetsFile.toString()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    // only the file's targets: the environment's would win over it (TargetConfig)
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(key -> key.startsWith("CUTOVER_TARGET"));
    startedAt = System.nanoTime();
    process = builder.start();
    return this;
  }

  /** {@code kill -9} and wait until it is gone. */
  void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly().waitFor();
      process = null;
    }
  }

  /** The {@link System#nanoTime()} of the latest start. */
  long startedAt() {
    return startedAt;
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  String describe() {
    return "worker " + name + (process == null ? " (stopped)" : " (pid " + process.pid() + ")") + ", log " + log;
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
