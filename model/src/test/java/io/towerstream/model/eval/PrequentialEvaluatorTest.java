package io.towerstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.TwoTowerModels;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrequentialEvaluatorTest {

  @Test
  void scoresBeforeTrainingWithPopularitySoFar() {
    OnlineModel model = TwoTowerModels.create(ModelConfig.builder().batchSize(2).dim(4).reservoirNegatives(0)
        .reservoirCapacity(0).maxRowsPerTable(100).build());
    PrequentialEvaluator pe = new PrequentialEvaluator(100, 100);
    // Batch 1: nothing known yet → all misses. Batch 2: x seen twice, y once.
    pe.scoreThenTrain(model, List.of(new Interaction("a", "x"), new Interaction("b", "x")));
    pe.scoreThenTrain(model, List.of(new Interaction("c", "y"), new Interaction("d", "x")));
    pe.scoreThenTrain(model, List.of(new Interaction("a", "y"), new Interaction("e", "y")));
    PrequentialMetrics pop = pe.metrics().get("popularity");
    assertThat(pop.events()).isEqualTo(6);
    // Batch 2: c→y: y unknown before batch 2 (miss); d→x rank 0. Batch 3 (x:3, y:1): a→y with x excluded
    // (a's history) rank 0; e→y rank 1.
    assertThat(pop.whole().get("mrr")).isCloseTo((1 + 1 + 0.5) / 6, within(1e-12));
    assertThat(pe.metrics().get(PrequentialEvaluator.TOWERSTREAM).whole().get("hr@10")).isLessThanOrEqualTo(3.0 / 6);
  }

  @Test
  void modelBeatsPopularityOnPlantedClustersWithoutPopularitySkew() {
    ModelConfig config = ModelConfig.builder().batchSize(128).dim(16).seed(3).build();
    OnlineModel model = TwoTowerModels.create(config);
    PrequentialEvaluator pe = new PrequentialEvaluator(3_000, 3_000);
    List<Interaction> stream = new ArrayList<>();
    PlantedClusterClicks.builder().users(200).items(200).clusters(10).events(12_000).zipfExponent(0).seed(11L)
        .build()
        .forEach(stream::add);
    for (int i = 0; i < stream.size(); i += 128) {
      pe.scoreThenTrain(model, stream.subList(i, Math.min(stream.size(), i + 128)));
    }
    double modelHr = pe.metrics().get(PrequentialEvaluator.TOWERSTREAM).windowed().get("hr@10");
    double popHr = pe.metrics().get("popularity").windowed().get("hr@10");
    assertThat(modelHr).isGreaterThan(3 * popHr);
  }
}
