package io.towerstream.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.http.HttpApi;
import io.towerstream.store.index.ExactItemIndex;
import io.towerstream.store.ingest.IngestMetrics;
import io.towerstream.store.query.Readiness;
import io.towerstream.store.query.RetrievalService;
import io.towerstream.store.query.StatusReporter;
import io.towerstream.store.rocks.EmbeddingMutation;
import io.towerstream.store.rocks.EmbeddingStore;
import io.towerstream.store.rocks.StoreBatch;
import io.towerstream.store.rocks.StoredVector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code towerstream query} against a real store's HTTP API, and {@code towerstream --version}. */
class QueryCommandTest {

  @Test
  void jsonPrintsTheStoresCandidatesAsOneObjectWithOurTitles(@TempDir Path dir) throws Exception {
    Path titles = Files.writeString(dir.resolve("titles.csv"), "b,Brazil (1985)\n");
    try (EmbeddingStore store = EmbeddingStore.open(dir.resolve("db"));
        ExactItemIndex index = new ExactItemIndex()) {
      store.write(
          StoreBatch.of(
              List.of(
                  EmbeddingMutation.upsert(
                      Entity.USER, "u1", new StoredVector(3, 1, 0, new float[] {1, 0}), "t"))));
      index.upsert("a", new float[] {1, 0}, 3, 0.5f);
      index.upsert("b", new float[] {0, 1}, 3, 0f);
      try (HttpApi api =
          HttpApi.start(
              new RetrievalService(store, index),
              new StatusReporter(store, index, new IngestMetrics()),
              "127.0.0.1",
              0,
              () -> Readiness.CAUGHT_UP,
              HttpApi.Extras.NONE)) {
        String url = "http://127.0.0.1:" + api.port();

        CliRun json =
            CliRun.of(
                "query", "--url", url, "--user", "u1", "-k", "2", "--items", titles + "", "--json");
        CliRun table = CliRun.of("query", "--url", url, "--user", "u1", "-k", "2");

        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(json.out().strip().lines()).hasSize(1);
        JsonNode body = new ObjectMapper().readTree(json.out());
        assertThat(body.path("userId").asText()).isEqualTo("u1");
        assertThat(body.path("modelVersion").asLong()).isEqualTo(3);
        assertThat(body.path("candidates")).hasSize(2);
        assertThat(body.path("candidates").get(0).path("itemId").asText()).isEqualTo("a");
        assertThat(body.path("candidates").get(0).path("score").asDouble()).isEqualTo(1.5);
        assertThat(body.path("candidates").get(1).path("title").asText())
            .isEqualTo("Brazil (1985)");
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out())
            .startsWith("candidates for user u1 (model version 3)")
            .contains("  1  a");
      }
    }
  }

  @Test
  void versionIsTheBuildsMavenVersion() throws Exception {
    Matcher parent =
        Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL)
            .matcher(Files.readString(Path.of("pom.xml")));
    assertThat(parent.find()).isTrue();

    CliRun run = CliRun.of("--version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().strip()).isEqualTo("towerstream " + parent.group(1));
    assertThat(BuildVersion.version()).isEqualTo(parent.group(1));
  }
}
