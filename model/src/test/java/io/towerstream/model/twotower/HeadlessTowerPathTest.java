package io.towerstream.model.twotower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.OnlineModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Towers without a head take a plain-Java path for the normalisation, its backward and the bias
 * column. A projection that starts at the identity and (at a negligible learning rate) stays there
 * makes the ND4J path compute the same function, so both must train alike, to float rounding.
 */
class HeadlessTowerPathTest {
  @Test
  void trainsLikeTheNd4jPathThroughAnIdentityProjection() {
    trainsAlike(false, 0);
  }

  /** The side-feature rows' gradients come from either path's item-input gradients. */
  @Test
  void trainsLikeTheNd4jPathWithSideFeaturesToo() {
    trainsAlike(true, 0);
  }

  /** The item–item views' anchors take either path's item tower, forward and backward. */
  @Test
  void trainsLikeTheNd4jPathWithItemPairsToo() {
    trainsAlike(false, 0.5);
  }

  private void trainsAlike(boolean features, double itemPairs) {
    ModelConfig headless =
        ModelConfig.builder()
            .dim(16)
            .batchSize(32)
            .reservoirNegatives(8)
            .reservoirCapacity(40)
            .seed(3)
            // The paths differ in the towers, not in the tables' optimizer; Adam's per-coordinate
            // steps magnify the paths' float rounding less than row-wise Adagrad's first steps,
            // which divide a row's gradient by its own small norm.
            .tableOptimizer(ModelConfig.TableOptimizer.ADAM)
            .itemPairsWeight(itemPairs)
            .itemPairsWindow(3)
            .build();
    ModelConfig identity =
        headless.toBuilder().towerProjection(true).towerLearningRate(1e-12f).build();
    // Two steps: float rounding differs between the paths, and Adam's normalised steps amplify it
    // about tenfold per step (1e-7 on the loss after two steps, 2e-4 after six).
    List<List<Interaction>> batches = TestStreams.batches(40, 60, 32, 2, 9);
    OnlineModel plain = TwoTowerModels.create(headless);
    OnlineModel nd4j = TwoTowerModels.create(identity);
    if (features) {
      for (List<Interaction> batch : batches) {
        for (Interaction x : batch) {
          List<String> tokens =
              List.of("c:" + x.itemId().hashCode() % 3, "t:" + x.itemId().hashCode() % 5);
          plain.setItemFeatures(x.itemId(), tokens);
          nd4j.setItemFeatures(x.itemId(), tokens);
        }
      }
    }
    for (List<Interaction> batch : batches) {
      assertThat(plain.train(batch).loss()).isCloseTo(nd4j.train(batch).loss(), within(1e-6));
    }
    for (List<Interaction> batch : batches) {
      for (Interaction x : batch) {
        assertClose(plain.itemVector(x.itemId()), nd4j.itemVector(x.itemId()));
        assertClose(plain.userVector(x.userId()), nd4j.userVector(x.userId()));
        assertThat(plain.itemBias(x.itemId())).isCloseTo(nd4j.itemBias(x.itemId()), within(1e-5f));
      }
    }
  }

  private static void assertClose(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    for (int k = 0; k < a.length; k++) {
      assertThat(a[k]).isCloseTo(b[k], within(1e-4f));
    }
  }
}
