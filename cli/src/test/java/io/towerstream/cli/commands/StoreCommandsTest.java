package io.towerstream.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.store.RetrievalStore;
import io.towerstream.store.http.HttpApi;
import io.towerstream.store.index.ExactItemIndex;
import io.towerstream.store.ingest.IngestMetrics;
import io.towerstream.store.query.Readiness;
import io.towerstream.store.query.RetrievalService;
import io.towerstream.store.query.StatusReporter;
import io.towerstream.store.rocks.EmbeddingStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreCommandsTest {

  @Test
  void snapshotNeedsAnHttpUrl() {
    assertRejected(CliRun.of("store", "snapshot"), "--url");
    assertRejected(CliRun.of("store", "snapshot", "--url", "localhost:8080"), "--url");
    assertRejected(CliRun.of("store", "snapshot", "--url", "ftp://host/x"), "--url");
  }

  @Test
  void snapshotSaysWhenNoStoreAnswers() throws Exception {
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort(); // free, and nothing listens on it once closed
    }
    CliRun run =
        CliRun.of("store", "snapshot", "--url", "http://127.0.0.1:" + port, "--to", "/tmp/x");
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("no retrieval store answers at --url http://127.0.0.1:" + port);
  }

  @Test
  void snapshotSendsTheTokenAndANameTheStoreWritesInsideItsSnapshotDirectory(@TempDir Path dir)
      throws Exception {
    String token = "cli-token-0123456789abcdef";
    Path tokenFile = Files.writeString(dir.resolve("token"), token + "\n");
    Path snapshots = dir.resolve("snapshots");
    try (EmbeddingStore store = EmbeddingStore.open(dir.resolve("db"));
        ExactItemIndex index = new ExactItemIndex();
        HttpApi api =
            HttpApi.start(
                new RetrievalService(store, index),
                new StatusReporter(store, index, new IngestMetrics()),
                "127.0.0.1",
                0,
                () -> Readiness.CAUGHT_UP,
                HttpApi.Extras.NONE
                    .withSnapshots(RetrievalStore.snapshotTaker(store), snapshots)
                    .withBearerToken(token))) {
      String url = "http://127.0.0.1:" + api.port();
      String tokenOption = "--auth-token-file=" + tokenFile;

      CliRun named = CliRun.of("store", "snapshot", "--url", url, tokenOption, "--to", "nightly/a");
      assertThat(named.exitCode()).as(named.err()).isZero();
      assertThat(snapshots.resolve("nightly").resolve("a").resolve("CURRENT")).exists();
      assertThat(named.out()).contains("snapshot written by the store to " + snapshots);

      CliRun unnamed = CliRun.of("store", "snapshot", "--url", url, tokenOption);
      assertThat(unnamed.exitCode()).as(unnamed.err()).isZero();
      try (var written = Files.list(snapshots)) {
        assertThat(written.map(p -> p.getFileName().toString()))
            .anySatisfy(name -> assertThat(name).startsWith("store-"));
      }

      CliRun outside =
          CliRun.of("store", "snapshot", "--url", url, tokenOption, "--to", dir.toString());
      assertThat(outside.exitCode()).isEqualTo(1);
      assertThat(outside.err()).contains("400", "relative to the store's snapshot directory");

      CliRun anonymous = CliRun.of("store", "snapshot", "--url", url, "--to", "nightly/b");
      assertThat(anonymous.exitCode()).isEqualTo(1);
      assertThat(anonymous.err()).contains("401", "--auth-token-file");
      assertThat(snapshots.resolve("nightly").resolve("b")).doesNotExist();
    }
  }

  @Test
  void restoreNeedsBothDirectoriesAndAnExistingSnapshot(@TempDir Path dir) {
    assertRejected(CliRun.of("store", "restore", "--db", dir.resolve("db").toString()), "--from");
    assertRejected(CliRun.of("store", "restore", "--from", dir.toString()), "--db");
    assertRejected(
        CliRun.of(
            "store",
            "restore",
            "--from",
            dir.resolve("missing").toString(),
            "--db",
            dir.resolve("db").toString()),
        "--from");
  }

  @Test
  void restoresACheckpointIntoANewDirectoryAndNeverOverwrites(@TempDir Path dir) throws Exception {
    Path snapshot = dir.resolve("snapshot");
    try (EmbeddingStore store = EmbeddingStore.open(dir.resolve("live"))) {
      store.checkpoint(snapshot);
    }
    Path db = dir.resolve("restored");
    CliRun run =
        CliRun.of("store", "restore", "--from", snapshot.toString(), "--db", db.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("restored " + snapshot + " into " + db);
    try (EmbeddingStore restored = EmbeddingStore.open(db)) {
      assertThat(restored.path()).isEqualTo(db);
    }

    CliRun again =
        CliRun.of("store", "restore", "--from", snapshot.toString(), "--db", db.toString());
    assertRejected(again, "--db");
    assertThat(again.err()).contains("not empty");
    assertThat(Files.list(db).count()).as("left as it was").isPositive();
  }

  @Test
  void containersWithoutASubcommandAreUsageErrors() {
    assertThat(CliRun.of("store").exitCode()).isEqualTo(2);
    assertThat(CliRun.of("bench").exitCode()).isEqualTo(2);
  }

  private static void assertRejected(CliRun run, String option) {
    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains(option);
  }
}
