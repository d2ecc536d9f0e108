package io.towerstream.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No file of the repository names a directory of the machine it was written on: such a path means
 * nothing on a user's machine and tells what it should not. Every file git would commit is read,
 * sources, docs, build files and scripts alike.
 */
class MachinePathsTest {
  /**
   * Home and work directories of Linux, macOS and Windows machines; the look-behind keeps a URL's
   * path ({@code example.org/work/}) and a relative path ({@code docs/work/}) out.
   */
  static final Pattern MACHINE_PATH =
      Pattern.compile(
          "(?<![\\w.~-])/(?:work|root|Users)/"
              + "|(?<![\\w.~-])/home/[a-z_][a-z0-9_.-]*/"
              + "|\\b[A-Za-z]:\\\\(?:Users|Documents and Settings)\\\\");

  /**
   * The paths allowed, each where it is meant: the Maven cache of the image build, which lives in
   * the build container's home (root's), not on a developer's machine.
   */
  static final Map<Pattern, String> ALLOWED =
      Map.of(
          Pattern.compile("docker/Dockerfile\\.[a-z]+"),
          "--mount=type=cache,target=/ro" + "ot/.m2 ");

  @Test
  void noFileNamesAMachinesDirectory() throws Exception {
    RepositoryFiles.Checkout checkout = RepositoryFiles.checkoutOrSkip();

    List<String> found = new ArrayList<>();
    for (Path file : checkout.files()) {
      List<String> lines =
          RepositoryFiles.textLines(checkout.root().resolve(file), StandardCharsets.ISO_8859_1);
      for (int i = 0; i < lines.size(); i++) {
        if (machinePathIn(file, lines.get(i))) {
          found.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
        }
      }
    }
    assertThat(found)
        .as("absolute paths of a machine (write a path relative to the repository instead)")
        .isEmpty();
  }

  @Test
  void thePatternFindsHomeAndWorkDirectoriesButNotUrlsOrRelativePaths() {
    Path readme = Path.of("README.md");
    assertThat(machinePathIn(readme, "data in " + "/wo" + "rk/shared/ml-100k")).isTrue();
    assertThat(machinePathIn(readme, "cd /ho" + "me/alice/towerstream")).isTrue();
    assertThat(machinePathIn(readme, "java -jar /Us" + "ers/bob/x.jar")).isTrue();
    assertThat(machinePathIn(readme, "`/ro" + "ot/.m2`")).isTrue();
    assertThat(machinePathIn(readme, "C:" + "\\Users\\carol\\git")).isTrue();
    assertThat(machinePathIn(readme, "file:///wo" + "rk/x")).isTrue();
    assertThat(machinePathIn(readme, "see https://example.org/work/x and docs/work/y")).isFalse();
    assertThat(machinePathIn(readme, "--db-path /var/lib/towerstream/store")).isFalse();
    assertThat(machinePathIn(readme, "--mount=type=cache,target=/ro" + "ot/.m2 mvn")).isTrue();
    assertThat(
            machinePathIn(
                Path.of("docker", "Dockerfile.store"),
                "RUN --mount=type=cache,target=/ro" + "ot/.m2 mvn -B -q package"))
        .as("allowed where it is meant")
        .isFalse();
  }

  static boolean machinePathIn(Path file, String line) {
    String checked = line;
    String name = file.toString().replace('\\', '/');
    for (Map.Entry<Pattern, String> allowed : ALLOWED.entrySet()) {
      if (allowed.getKey().matcher(name).matches()) {
        checked = checked.replace(allowed.getValue(), "");
      }
    }
    return MACHINE_PATH.matcher(checked).find();
  }
}
