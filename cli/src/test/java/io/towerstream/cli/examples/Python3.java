package io.towerstream.cli.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A Python 3 interpreter that imports the modules a test needs, for tests that run the Python
 * examples or read files back with numpy. Debian's packages land in {@code /usr/bin/python3}, which
 * need not be the first {@code python3} on the PATH (pyenv, virtual environments), so both are
 * tried. {@code .ci/run} installs them and sets {@code TOWERSTREAM_REQUIRE_PYTHON}: there a missing
 * module fails the test instead of skipping it.
 */
public final class Python3 {
  /** What {@code .ci/run} installs, for the skip message. */
  public static final String PACKAGES =
      "apt-get install python3 python3-confluent-kafka python3-avro python3-numpy";

  private final String executable;

  private Python3(String executable) {
    this.executable = executable;
  }

  /**
   * An interpreter that imports every one of {@code modules}; the test is skipped (or, in CI,
   * fails) when there is none.
   */
  public static Python3 require(String... modules) throws InterruptedException {
    Optional<Python3> found = find(modules);
    String what = "python3 with " + String.join(", ", modules);
    if (System.getenv("TOWERSTREAM_REQUIRE_PYTHON") != null) { // CI: the test must run
      assertThat(found).as(what + ", which .ci/run installs").isPresent();
    }
    assumeTrue(found.isPresent(), what + " not installed (" + PACKAGES + "): test skipped");
    return found.get();
  }

  /**
   * An interpreter that imports every one of {@code modules}, if there is one; in CI there must be.
   */
  public static Optional<Python3> optional(String... modules) throws InterruptedException {
    Optional<Python3> found = find(modules);
    if (System.getenv("TOWERSTREAM_REQUIRE_PYTHON") != null) {
      assertThat(found).as("python3 with " + String.join(", ", modules)).isPresent();
    }
    return found;
  }

  static Optional<Python3> find(String... modules) throws InterruptedException {
    Set<String> candidates = new LinkedHashSet<>();
    if (System.getenv("TOWERSTREAM_PYTHON") != null) {
      candidates.add(System.getenv("TOWERSTREAM_PYTHON"));
    }
    candidates.add("python3");
    candidates.add("/usr/bin/python3");
    String imports = "import " + String.join(", ", modules);
    for (String candidate : candidates) {
      try {
        if (new Python3(candidate).run(Path.of("."), List.of("-c", imports), 60).exitCode() == 0) {
          return Optional.of(new Python3(candidate));
        }
      } catch (IOException e) {
        // not installed under this name: try the next
      }
    }
    return Optional.empty();
  }

  /** Runs the interpreter with {@code args} in {@code dir}; stdout and stderr together. */
  public Result run(Path dir, List<String> args, int timeoutSeconds)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(executable);
    command.addAll(args);
    Path log = Files.createTempFile("python3", ".log");
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            command + " did not finish in " + timeoutSeconds + " s:\n" + Files.readString(log));
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** The exit status and output of one run. */
  public record Result(int exitCode, String output) {}
}
