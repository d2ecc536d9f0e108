package io.towerstream.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreConfigTest {
  private final StoreConfig.Builder valid =
      StoreConfig.builder().bootstrapServers("k:9092").dbPath(Path.of("/tmp/x"));

  @Test
  void defaultsAreDocumentedOnes() {
    StoreConfig c = valid.build();
    assertThat(c.embeddingsTopic()).isEqualTo("embeddings");
    assertThat(c.trainerStatusTopic()).isEqualTo("trainer-status");
    assertThat(c.httpHost()).isEqualTo("127.0.0.1");
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.pollTimeout()).isEqualTo(Duration.ofMillis(200));
    assertThat(c.maxPollRecords()).isEqualTo(1000);
    assertThat(c.readCommitted()).isTrue();
    assertThat(c.indexKind()).isEqualTo(IndexKind.AUTO);
    assertThat(c.indexOptions()).isEqualTo(io.towerstream.store.index.GraphIndexOptions.defaults());
    assertThat(c.indexOptions().minGraphItems()).isEqualTo(50_000);
    assertThat(c.toBuilder().httpPort(0).build().httpPort()).isZero();
  }

  @Test
  void invalidValuesFailNamingTheOption() {
    assertThatThrownBy(() -> StoreConfig.builder().dbPath(Path.of("/x")).build())
        .hasMessageContaining("--bootstrap-servers");
    assertThatThrownBy(() -> StoreConfig.builder().bootstrapServers("k:1").build())
        .hasMessageContaining("--db-path");
    assertThatThrownBy(() -> valid.httpPort(70_000).build())
        .hasMessageContaining("--http-port")
        .hasMessageContaining("70000");
    assertThatThrownBy(() -> valid.httpPort(8080).pollTimeout(Duration.ZERO).build())
        .hasMessageContaining("--poll-timeout-ms");
    assertThatThrownBy(() -> valid.pollTimeout(Duration.ofMillis(1)).maxPollRecords(0).build())
        .hasMessageContaining("--max-poll-records");
    assertThatThrownBy(() -> valid.maxPollRecords(1).trainerStatusTopic("embeddings").build())
        .hasMessageContaining("--trainer-status-topic");
  }

  @Test
  void snapshotsGoBesideTheDatabaseUnlessToldAndNeverInsideIt() {
    assertThat(valid.build().snapshotDir()).isEqualTo(Path.of("/tmp/x-snapshots"));
    assertThat(valid.snapshotDir(Path.of("/backups")).build().snapshotDir())
        .isEqualTo(Path.of("/backups"));
    assertThatThrownBy(() -> valid.snapshotDir(Path.of("/tmp/x/snaps")).build())
        .hasMessageContaining("--snapshot-dir")
        .hasMessageContaining("outside --db-path");
    assertThatThrownBy(() -> valid.snapshotDir(Path.of("/tmp/x")).build())
        .hasMessageContaining("--snapshot-dir");
  }

  @Test
  void isImmutable() {
    Map<String, String> overrides = new java.util.HashMap<>(Map.of("security.protocol", "SSL"));
    StoreConfig c = valid.consumerOverrides(overrides).build();
    overrides.put("x", "y");
    assertThat(c.consumerOverrides()).containsOnlyKeys("security.protocol");
  }
}
