package io.towerstream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainBenchReportTest {

  @Test
  void qualityReportsMeanMinAndMaxOverRunsAndEveryRun() throws Exception {
    TrainBenchReport report = new TrainBenchReport("test machine");
    report.quality.put(1, List.of(Map.of("recall@20", 0.21, "ndcg@20", 0.23)));
    report.quality.put(
        2,
        List.of(
            Map.of("recall@20", 0.18, "ndcg@20", 0.20),
            Map.of("recall@20", 0.22, "ndcg@20", 0.22),
            Map.of("recall@20", 0.20, "ndcg@20", 0.21)));
    JsonNode q = new ObjectMapper().readTree(report.json()).get("quality");
    JsonNode two = q.get("2");
    assertThat(two.get("recall@20").get("mean").asDouble()).isCloseTo(0.20, within(1e-12));
    assertThat(two.get("recall@20").get("min").asDouble()).isEqualTo(0.18);
    assertThat(two.get("recall@20").get("max").asDouble()).isEqualTo(0.22);
    assertThat(two.get("runs")).hasSize(3);
    assertThat(two.get("runs").get(1).get("ndcg@20").asDouble()).isEqualTo(0.22);
    assertThat(q.get("1").get("recall@20").get("mean").asDouble()).isEqualTo(0.21);
    assertThat(report.table())
        .contains("2 trainer(s), 3 run(s): recall@20 0.2000 [0.1800, 0.2200]");
  }
}
