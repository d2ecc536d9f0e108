package io.towerstream.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/towerstream} turns the JDK's Vector API on where the runtime has it, and only there.
 * The launcher runs against a stand-in {@code java} that answers {@code -version} as a given JDK
 * would and prints the command line it was started with, from a copy of the launcher beside an
 * already built (empty) CLI, so nothing is built or started.
 */
class LauncherTest {
  @TempDir Path home;

  @BeforeEach
  void copyTheLauncherBesideABuiltCli() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Files.createDirectories(home.resolve("bin"));
    Files.copy(root.resolve("bin/towerstream"), home.resolve("bin/towerstream"));
    Files.createDirectories(home.resolve("cli/target/lib"));
    Files.writeString(home.resolve("cli/target/towerstream-cli.jar"), "");
  }

  @Test
  void javaTwentyAndNewerGetTheVectorModule() throws Exception {
    assertThat(launch("21.0.5")).contains("--add-modules jdk.incubator.vector");
    assertThat(launch("25")).contains("--add-modules jdk.incubator.vector");
  }

  @Test
  void javaSeventeenRunsWithoutIt() throws Exception {
    String command = launch("17.0.15");
    assertThat(command).doesNotContain("incubator").contains("io.towerstream.cli.Towerstream");
  }

  /** The command line the launcher starts under a JDK that calls itself {@code version}. */
  private String launch(String version) throws Exception {
    Path jdk = home.resolve("jdk-" + version);
    Files.createDirectories(jdk.resolve("bin"));
    Path java = jdk.resolve("bin/java");
    Files.writeString(
        java,
        "#!/usr/bin/env bash\n"
            + "if [[ \"$1\" == -version ]]; then\n"
            + "  echo 'openjdk version \""
            + version
            + "\" 2025-01-01' >&2\n"
            + "  exit 0\n"
            + "fi\n"
            + "echo \"$*\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("bin/towerstream").toString());
    pb.environment().put("JAVA_HOME", jdk.toString());
    pb.environment().remove("TOWERSTREAM_JAVA_OPTS");
    pb.environment().put("TOWERSTREAM_LOG_FILE", home.resolve("towerstream.log").toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
