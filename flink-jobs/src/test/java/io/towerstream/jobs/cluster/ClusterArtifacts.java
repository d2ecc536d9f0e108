package io.towerstream.jobs.cluster;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the multi-process tests need from the build: the shaded job jar and the test classpath
 * (which {@code mvn verify} writes), and the classpaths cut from it for the cluster's and the
 * broker's processes.
 */
record ClusterArtifacts(Path jobJar, List<String> testClasspath) {

  /**
   * The artifacts of this build; skips the calling test when they are missing (a run outside {@code
   * mvn verify}).
   */
  static ClusterArtifacts ofThisBuild() throws IOException {
    Path jobJar = Path.of(System.getProperty("towerstream.job.jar", "target/missing-job.jar"));
    Path classpathFile =
        Path.of(System.getProperty("towerstream.test.classpath", "target/classpath-test.txt"));
    assumeTrue(
        Files.exists(jobJar) && Files.exists(classpathFile),
        "needs the shaded job jar and the test classpath file: run through `mvn verify`");
    return new ClusterArtifacts(
        jobJar,
        Arrays.asList(
            Files.readString(classpathFile, StandardCharsets.UTF_8)
                .trim()
                .split(File.pathSeparator)));
  }

  /**
   * Flink and the libraries, as a Flink distribution's lib/ holds them, but no class of ours and
   * not the Kafka connector: towerstream's code and the connector must come from the job jar. (The
   * connector lies in org.apache.flink, which Flink loads parent-first: a copy on the cluster's
   * classpath would meet the job jar's kafka-clients, loaded child-first, and fail with a
   * ClassCastException.)
   */
  List<String> clusterClasspath() {
    List<String> out = new ArrayList<>();
    for (String entry : testClasspath) {
      String name = Path.of(entry).getFileName().toString();
      boolean bundled =
          name.startsWith("towerstream-")
              || name.startsWith("flink-connector-kafka")
              || entry.endsWith("classes")
              || entry.contains(File.separator + "target" + File.separator);
      if (!bundled) {
        out.add(entry);
      }
    }
    return out;
  }

  /**
   * The libraries plus the embedded broker's module and the options module its main reads its
   * arguments with, for a broker process.
   */
  List<String> brokerClasspath() {
    List<String> out = new ArrayList<>(clusterClasspath());
    for (String entry : testClasspath) {
      if (isModule(entry, "kafka-embedded") || isModule(entry, "config")) {
        out.add(entry);
      }
    }
    return out;
  }

  /**
   * Whether a classpath entry is module {@code module} of this build: its classes folder in the
   * reactor, or its jar.
   */
  private static boolean isModule(String entry, String module) {
    return entry.contains(File.separator + module + File.separator + "target" + File.separator)
        || entry.endsWith(
            File.separator + module + File.separator + "target" + File.separator + "classes")
        || Path.of(entry).getFileName().toString().startsWith("towerstream-" + module + "-");
  }
}
