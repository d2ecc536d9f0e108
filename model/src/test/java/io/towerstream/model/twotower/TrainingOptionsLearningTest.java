package io.towerstream.model.twotower;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.ModelConfig;
import io.towerstream.model.ModelConfig.Loss;
import io.towerstream.model.ModelConfig.TableOptimizer;
import io.towerstream.model.ModelConfigBuilder;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every training option must still discover the planted clusters in one pass: a wrong sign, mask or
 * key would leave the own-cluster share of a user's top 10 near chance (0.1).
 */
class TrainingOptionsLearningTest {
  static Stream<Arguments> options() {
    return Stream.<Arguments>of(
        option("symmetric-infonce", b -> b.loss(Loss.SYMMETRIC_INFONCE)),
        option("siglip", b -> b.loss(Loss.SIGLIP)),
        option("hard negatives beta=0.5", b -> b.hardNegativeBeta(0.5)),
        option("debiased tau+=0.001", b -> b.positivePrior(0.001)),
        option("learned temperature", b -> b.learnedTemperature(true)),
        option("queue 512", b -> b.queueSize(512).queueMomentum(0.9)),
        option("admission 2 + ttl", b -> b.admissionMinCount(2).rowTtlEvents(20_000)),
        option("lazy adam tables", b -> b.tableOptimizer(TableOptimizer.ADAM).learningRate(0.01f)));
  }

  private static Arguments option(String name, UnaryOperator<ModelConfigBuilder> set) {
    return Arguments.of(name, set);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("options")
  void learnsThePlantedClusters(String name, UnaryOperator<ModelConfigBuilder> set) {
    PlantedClusterClicks clicks =
        PlantedClusterClicks.builder()
            .users(500)
            .items(500)
            .clusters(10)
            .events(30_000)
            .inClusterProbability(0.8)
            .seed(3)
            .build();
    ModelConfig config =
        set.apply(
                ModelConfig.builder()
                    .dim(32)
                    .batchSize(128)
                    .reservoirNegatives(32)
                    .reservoirCapacity(1_000)
                    .seed(9))
            .build();
    OnlineModel model = TwoTowerModels.create(config);

    List<Double> losses =
        PlantedClusterLearningTest.trainOnePass(model, clicks, config.batchSize());

    double own = PlantedClusterLearningTest.meanOwnClusterFractionOfTopK(model, clicks);
    System.out.printf(
        "%s: own-cluster share of top-10 = %.3f (chance 0.10), loss %.3f -> %.3f%n",
        name, own, losses.get(0), losses.get(losses.size() - 1));
    assertThat(own).as(name).isGreaterThanOrEqualTo(0.5);
  }
}
