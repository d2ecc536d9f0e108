package io.towerstream.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.towerstream.model.Interaction;
import io.towerstream.model.data.ClickFileFormat;
import io.towerstream.model.data.ClickFileReader;
import io.towerstream.model.data.ItemCatalogueReader;
import io.towerstream.model.eval.Baselines;
import io.towerstream.model.eval.EaseScorer;
import io.towerstream.model.eval.PopularityScorer;
import io.towerstream.model.eval.RankingMetrics;
import io.towerstream.model.eval.TemporalSplit;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code towerstream eval} in this JVM, the whole pipeline included (broker, job on a MiniCluster,
 * store over HTTP): the JSON's shape, metrics in [0, 1], and baselines identical to what the
 * offline classes of {@code model.eval} compute on the same split, read by their own reader.
 */
class EvalITCase {
  @Test
  void plantedClustersGiveAWellFormedReportWithTheOfflineBaselines(@TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("planted.csv");
    List<String> lines = new ArrayList<>();
    for (Interaction i :
        PlantedClusterClicks.builder()
            .users(150)
            .items(120)
            .clusters(6)
            .events(6_000)
            .seed(3)
            .build()) {
      lines.add(i.userId() + "," + i.itemId() + "," + i.eventTimeMillis() / 1000);
    }
    Files.write(data, lines);

    JsonNode report =
        eval(
            "--data",
            data.toString(),
            "--format",
            "csv",
            "--protocol",
            "frozen",
            "--split",
            "0.75",
            "-k",
            "5,10",
            "--publish.interval-ms",
            "200");

    assertThat(report.path("dataset").asText()).isEqualTo("planted.csv");
    assertThat(report.path("split").asDouble()).isEqualTo(0.75);
    TemporalSplit split =
        new TemporalSplit(ClickFileReader.readInteractions(data, ClickFileFormat.CSV), 0.75);
    assertThat(report.path("trainEvents").asInt()).isEqualTo(4_500).isEqualTo(split.train.size());
    assertThat(report.path("testUsers").asInt()).isEqualTo(split.relevant.size()).isPositive();
    assertThat(report.path("seconds").asDouble()).isPositive();
    assertWellFormed(report.path("models"), 5, 10);
    // The store ranked something for test users; a broken request or response reading gives zeros.
    assertThat(report.path("models").path("towerstream").path("recall@10").asDouble()).isPositive();

    int[] ks = {5, 10};
    List<Interaction> recent =
        split.train.subList((int) (split.train.size() * 0.9), split.train.size());
    double lambda = EaseScorer.tuneLambda(split.train, Baselines.EASE_LAMBDAS);
    assertMetrics(
        report.path("models").path("popularity"),
        RankingMetrics.evaluate(split, new PopularityScorer(split, split.train), ks));
    assertMetrics(
        report.path("models").path("recentPopularity"),
        RankingMetrics.evaluate(split, new PopularityScorer(split, recent), ks));
    assertMetrics(
        report.path("models").path("ease"),
        RankingMetrics.evaluate(split, new EaseScorer(split, lambda), ks));
    assertThat(report.path("models").path("ease").path("lambda").asDouble()).isEqualTo(lambda);
  }

  @Test
  void movieLens100k(@TempDir Path dir) throws Exception {
    Path dataDir = EvalCli.movieLens100k();
    JsonNode report =
        eval(
            "--data",
            dataDir.resolve("u.data").toString(),
            "--format",
            "movielens",
            "--protocol",
            "frozen");

    assertThat(report.path("dataset").asText()).isEqualTo("u.data");
    assertThat(report.path("trainEvents").asInt()).isEqualTo(80_000);
    TemporalSplit split =
        new TemporalSplit(
            ClickFileReader.readInteractions(dataDir, ClickFileFormat.MOVIELENS), 0.8);
    assertThat(report.path("testUsers").asInt()).isEqualTo(split.relevant.size());
    assertWellFormed(report.path("models"), 10, 20, 50);
    assertMetrics(
        report.path("models").path("popularity"),
        RankingMetrics.evaluate(split, new PopularityScorer(split, split.train), 10, 20, 50));
    // the u.item beside u.data went in as side features: the cold-start protocol's users are the
    // test users who clicked a catalogue item first seen in the test part
    java.util.Set<String> catalogue = new java.util.HashSet<>();
    for (var item : ItemCatalogueReader.readMovieLens(dataDir)) {
      catalogue.add(item.itemId());
    }
    assertThat(report.path("models").path("coldStart").path("users").asInt())
        .isEqualTo(split.coldStart(catalogue).relevant.size())
        .isPositive();
  }

  /** The frozen protocol's JSON, after checking its table went to stderr. */
  private static JsonNode eval(String... args) throws Exception {
    EvalCli.Output run = EvalCli.eval(args);
    assertThat(run.stderr()).contains("towerstream").contains("recentPopularity");
    assertThat(run.json().path("protocol").asText()).isEqualTo("frozen");
    return run.json();
  }

  private static void assertWellFormed(JsonNode models, int... ks) {
    List<String> names = new ArrayList<>();
    models.fieldNames().forEachRemaining(names::add);
    List<String> expectedNames =
        new ArrayList<>(List.of("towerstream", "popularity", "recentPopularity", "ease"));
    if (names.contains("coldStart")) {
      expectedNames.add("coldStart");
    }
    assertThat(names).containsExactlyElementsOf(expectedNames);
    for (String name : names) {
      List<String> expected = new ArrayList<>();
      for (int k : ks) {
        expected.add("recall@" + k);
      }
      for (int k : ks) {
        expected.add("ndcg@" + k);
      }
      if (name.equals("ease")) {
        expected.add("lambda");
      }
      if (name.equals("coldStart")) {
        expected.add("users");
      }
      List<String> fields = new ArrayList<>();
      models.path(name).fieldNames().forEachRemaining(fields::add);
      assertThat(fields).as(name).containsExactlyElementsOf(expected);
      for (String metric : expected) {
        if (!metric.equals("lambda") && !metric.equals("users")) {
          assertThat(models.path(name).path(metric).asDouble())
              .as(name + " " + metric)
              .isBetween(0.0, 1.0);
        }
      }
    }
  }

  private static void assertMetrics(JsonNode reported, Map<String, Double> offline) {
    offline.forEach(
        (metric, value) -> {
          if (!metric.equals("users")) {
            assertThat(reported.path(metric).asDouble()).as(metric).isCloseTo(value, within(1e-12));
          }
        });
  }
}
