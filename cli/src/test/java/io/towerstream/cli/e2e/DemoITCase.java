package io.towerstream.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end through the packaged CLI: broker, Flink MiniCluster, store and HTTP in one child process. */
class DemoITCase {

  @Test
  void syntheticDemoTrainsEverythingAndServesCandidates(@TempDir Path dir) throws Exception {
    try (DemoProcess demo = new DemoProcess(dir, List.of(
        "--synthetic-users", "300", "--synthetic-items", "200", "--synthetic-events", "20000"))) {
      JsonNode status = demo.awaitReplayDone(Duration.ofMinutes(3));
      assertThat(status.path("eventsTrained").asLong()).isEqualTo(20_000);
      assertThat(status.path("eventsReplayed").asLong()).isEqualTo(20_000);
      assertThat(status.path("usersEmbedded").asLong()).isEqualTo(status.path("usersSeen").asLong()).isPositive();
      assertThat(status.path("itemsEmbedded").asLong()).isEqualTo(status.path("itemsSeen").asLong()).isPositive();

      JsonNode candidates = demo.get("/v1/users/u0/candidates?k=10");
      assertThat(candidates.path("candidates")).hasSize(10);
      assertThat(demo.output()).contains("bootstrap");
    }
  }

  @Test
  void movieLensDemoTrainsAll100kEvents(@TempDir Path dir) throws Exception {
    String data = System.getProperty("towerstream.data.dir", "");
    assumeTrue(!data.isBlank() && Files.exists(Path.of(data, "u.data")),
        "MovieLens-100K not given: set TOWERSTREAM_DATA_DIR to the ml-100k folder to run this test");
    try (DemoProcess demo = new DemoProcess(dir, List.of(
        "--data", Path.of(data, "u.data").toString(), "--format", "movielens"))) {
      JsonNode status = demo.awaitReplayDone(Duration.ofMinutes(5));
      assertThat(status.path("eventsTrained").asLong()).isEqualTo(100_000);
      assertThat(status.path("usersEmbedded").asLong()).isEqualTo(943);
      assertThat(status.path("itemsEmbedded").asLong()).isEqualTo(1682);
      assertThat(demo.get("/v1/users/1/candidates?k=10").path("candidates")).hasSize(10);
    }
  }
}
