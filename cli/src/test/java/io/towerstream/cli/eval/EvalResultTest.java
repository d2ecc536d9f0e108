package io.towerstream.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.towerstream.model.eval.Baselines;
import io.towerstream.model.eval.NextClickPeers;
import io.towerstream.model.eval.PrequentialMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The combined report: the frozen JSON's old shape kept, the next-click section beside it. */
class EvalResultTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static EvalReport frozen() {
    Map<String, Double> m = Map.of("recall@10", 0.1, "ndcg@10", 0.2, "users", 5.0);
    return new EvalReport(
        "u.data", 0.8, 100, 5, new int[] {10}, m, new Baselines.Result(m, m, m, 200, null), 0, 1.0);
  }

  /** Metrics of {@code events} ranks, the first {@code hits} of them ranked first. */
  private static PrequentialMetrics metrics(int events, int hits) {
    PrequentialMetrics m = new PrequentialMetrics(events);
    for (int k = 0; k < events; k++) {
      m.record(k < hits ? 0 : -1);
    }
    return m;
  }

  private static NextClickReport nextClick(String easeSkipped) {
    Map<String, PrequentialMetrics> peers = new LinkedHashMap<>();
    peers.put(NextClickPeers.POPULARITY, metrics(20, 2));
    peers.put(NextClickPeers.RECENT_POPULARITY, metrics(20, 1));
    Map<Double, Double> tuning = new LinkedHashMap<>();
    if (easeSkipped == null) {
      peers.put(NextClickPeers.EASE_REFITTED, metrics(20, 4));
      peers.put(NextClickPeers.EASE_ONCE, metrics(20, 3));
      tuning.put(100.0, 0.15);
      tuning.put(300.0, 0.2);
    }
    Map<String, Map<String, Double>> trainer = new LinkedHashMap<>();
    for (String scorer :
        List.of("towerstream", "towerstreamNoPrior", "popularity", "recentPopularity")) {
      Map<String, Object> status = new LinkedHashMap<>();
      status.put("events", 20L);
      status.put("hitRate10", scorer.equals("towerstream") ? 0.3 : 0.1);
      status.put("recall20", 0.35);
      status.put("ndcg20", 0.2);
      status.put("mrr", 0.15);
      trainer.put(scorer, NextClickReport.fromStatus(status));
    }
    return new NextClickReport(
        new NextClickWindow(100, 80, 80_000),
        trainer,
        new NextClickPeers.Result(
            peers, 20, easeSkipped == null ? 300 : Double.NaN, tuning, easeSkipped, 1.5),
        new NextClickPeers.Options(32, 1000, 10, Double.NaN, 5000),
        2.25);
  }

  @Test
  void theFrozenJsonKeepsItsShapeAndNamesTheProtocol() throws Exception {
    EvalReport report = frozen();
    JsonNode before = JSON.readTree(report.json());
    JsonNode now =
        JSON.readTree(new EvalResult("u.data", 0.8, EvalProtocol.FROZEN, report, null, 3.0).json());
    List<String> fields = new ArrayList<>();
    now.fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactly(
            "dataset", "split", "trainEvents", "testUsers", "models", "protocol", "seconds");
    assertThat(now.path("models")).isEqualTo(before.path("models"));
    assertThat(now.path("protocol").asText()).isEqualTo("frozen");
    assertThat(now.path("seconds").asDouble()).isEqualTo(3.0);
  }

  @Test
  void theNextClickJsonHasTheWindowTheTrainerThePeersAndTheRatio() throws Exception {
    JsonNode json =
        JSON.readTree(
            new EvalResult("u.data", 0.8, EvalProtocol.NEXT_CLICK, null, nextClick(null), 4.0)
                .json());
    assertThat(json.has("models")).isFalse();
    assertThat(json.path("protocol").asText()).isEqualTo("next-click");
    JsonNode n = json.path("nextClick");
    assertThat(n.path("windowStart").asInt()).isEqualTo(80);
    assertThat(n.path("windowEvents").asInt()).isEqualTo(20);
    assertThat(n.path("trainer").path("towerstream").path("hr@10").asDouble()).isEqualTo(0.3);
    assertThat(n.path("trainer").path("towerstream").path("hr@20").asDouble()).isEqualTo(0.35);
    assertThat(n.path("trainer").path("towerstream").path("events").isIntegralNumber()).isTrue();
    assertThat(n.path("peers").path("easeRefitted").path("hr@10").asDouble()).isEqualTo(0.2);
    assertThat(n.path("peers").path("popularity").path("events").asLong()).isEqualTo(20);
    assertThat(n.path("ease").path("lambda").asDouble()).isEqualTo(300);
    assertThat(n.path("ease").path("tuningHr10").path("300").asDouble()).isEqualTo(0.2);
    assertThat(n.path("bestPeer").asText()).isEqualTo("easeRefitted");
    assertThat(n.path("servedToBestPeerHr10").asDouble()).isCloseTo(1.5, within(1e-12));
  }

  @Test
  void theNextClickTableHasARowPerScorerTheRatioAndTheTuning() {
    String table =
        new EvalResult("u.data", 0.8, EvalProtocol.NEXT_CLICK, null, nextClick(null), 4.0).table();
    assertThat(table)
        .contains("20 events")
        .contains("served (towerstream)", "towers alone", "popularity (job)")
        .contains("peer popularity", "peer EASE refitted (λ=300, 10 fits)", "peer EASE fitted once")
        .contains("served HR@10 / best peer's (easeRefitted): 1.50")
        .contains("100=0.1500 300=0.2000");
  }

  @Test
  void aSkippedEaseIsSaidWithItsReason() throws Exception {
    EvalResult result =
        new EvalResult(
            "big.csv", 0.8, EvalProtocol.NEXT_CLICK, null, nextClick("9 items > 3"), 1.0);
    JsonNode n = JSON.readTree(result.json()).path("nextClick");
    assertThat(n.path("ease").path("skipped").asText()).isEqualTo("9 items > 3");
    assertThat(n.path("peers").has("easeRefitted")).isFalse();
    assertThat(n.path("bestPeer").asText()).isEqualTo("popularity");
    assertThat(result.table())
        .contains("EASE skipped: 9 items > 3")
        .doesNotContain("EASE refitted");
  }

  @Test
  void bothPrintsBothTablesAndBothSections() throws Exception {
    EvalResult result =
        new EvalResult("u.data", 0.8, EvalProtocol.BOTH, frozen(), nextClick(null), 5.0);
    JsonNode json = JSON.readTree(result.json());
    assertThat(json.path("models").has("towerstream")).isTrue();
    assertThat(json.path("nextClick").has("trainer")).isTrue();
    assertThat(result.table()).contains("training events").contains("served (towerstream)");
  }

  @Test
  void aProtocolNeedsExactlyItsReports() {
    assertThatThrownBy(() -> new EvalResult("u.data", 0.8, EvalProtocol.BOTH, frozen(), null, 1.0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
