package io.towerstream.model.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import io.towerstream.model.twotower.TwoTowerModels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The monitor on real training: a negative-free objective without stop-gradient (alignment alone)
 * collapses and is reported so; InfoNCE on the same stream is not.
 */
class CollapseMonitorTest {
  private static final ModelConfig BASE =
      ModelConfig.builder()
          .dim(16)
          .batchSize(64)
          .reservoirNegatives(32)
          .reservoirCapacity(1000)
          .historyLength(10)
          .seed(3)
          .itemPairsWeight(0) // the objectives alone: the item–item views would add negatives
          .build();

  @Test
  void alignmentAloneCollapsesAndTheMonitorSaysSoWhileInfoNceStaysSpread() {
    CollapseMetrics infoNce = train(BASE);
    CollapseMetrics alignment = train(BASE.toBuilder().loss(ModelConfig.Loss.ALIGNMENT).build());
    System.out.println("infonce " + infoNce + "\nalignment " + alignment);
    assertThat(infoNce.items()).isGreaterThan(100);
    assertThat(infoNce.collapsed(2, 0.9)).as("InfoNCE: %s", infoNce).isFalse();
    assertThat(alignment.collapsed(2, 0.9)).as("alignment alone: %s", alignment).isTrue();
    assertThat(alignment.alignment())
        .as("it does what it optimises: aligned")
        .isLessThan(infoNce.alignment());
    assertThat(alignment.uniformity()).isGreaterThan(infoNce.uniformity());
  }

  /**
   * The same negative-free pull with SimSiam's predictor and stop-gradient does not collapse: what
   * separates it from alignment alone is exactly those two (Chen &amp; He 2021); nor does DINO's,
   * whose centred and sharpened momentum teacher does that job.
   */
  @Test
  void theStopGradientObjectivesDoNotCollapse() {
    CollapseMetrics alignment = train(BASE.toBuilder().loss(ModelConfig.Loss.ALIGNMENT).build());
    CollapseMetrics simSiam =
        train(BASE.toBuilder().loss(ModelConfig.Loss.SIMSIAM).itemBias(false).build());
    CollapseMetrics dino =
        train(BASE.toBuilder().loss(ModelConfig.Loss.DINO).itemBias(false).build());
    System.out.println("alignment " + alignment + "\nsimsiam " + simSiam + "\ndino " + dino);
    assertThat(simSiam.collapsed(2, 0.9)).as("SimSiam: %s", simSiam).isFalse();
    assertThat(simSiam.effectiveRank()).isGreaterThan(2 * alignment.effectiveRank());
    assertThat(dino.collapsed(2, 0.9)).as("DINO: %s", dino).isFalse();
    assertThat(dino.effectiveRank()).isGreaterThan(2 * alignment.effectiveRank());
  }

  private static CollapseMetrics train(ModelConfig config) {
    OnlineModel model = TwoTowerModels.create(config);
    CollapseMonitor monitor = new CollapseMonitor(256);
    List<Interaction> batch = new ArrayList<>();
    PlantedClusterClicks.builder()
        .users(300)
        .items(200)
        .clusters(10)
        .events(20_000)
        .seed(9)
        .build()
        .forEach(
            i -> {
              batch.add(i);
              if (batch.size() == config.batchSize()) {
                model.train(batch);
                monitor.observe(batch);
                batch.clear();
              }
            });
    return monitor.measure(model);
  }
}
