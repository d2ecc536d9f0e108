package io.towerstream.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.jobs.JobConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's own job defaults give way to the user's choice, however the user states it. */
class DemoJobArgsTest {
  @Test
  void theDemoDeliversAtLeastOnceAndCheckpointsInItsWorkDirUnlessTold(@TempDir Path dir) {
    JobConfig job = DemoStack.jobConfig("127.0.0.1:1", dir, List.of("--model.dim", "8"));
    assertThat(delivery(job)).isEqualTo("at-least-once");
    assertThat(job.checkpointDir()).isEqualTo(dir.resolve("checkpoints").toUri().toString());
  }

  @Test
  void theUsersFlagInEitherFormWins(@TempDir Path dir) {
    JobConfig job =
        DemoStack.jobConfig(
            "127.0.0.1:1",
            dir,
            List.of("--delivery=exactly-once", "--checkpoint.dir", "file:///elsewhere"));
    assertThat(delivery(job)).isEqualTo("exactly-once");
    assertThat(job.checkpointDir()).isEqualTo("file:///elsewhere");
  }

  @Test
  void theUsersConfigFileWinsToo(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("job.properties");
    Files.writeString(file, "delivery=exactly-once\ncheckpoint.dir=file:///from-file\n");
    JobConfig job = DemoStack.jobConfig("127.0.0.1:1", dir, List.of("--config", file.toString()));
    assertThat(delivery(job)).isEqualTo("exactly-once");
    assertThat(job.checkpointDir()).isEqualTo("file:///from-file");
  }

  /** The delivery the job runs with, as its options name it. */
  private static String delivery(JobConfig job) {
    List<String> args = job.toArgs();
    return args.get(args.indexOf("--delivery") + 1);
  }
}
