package io.towerstream.model;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What a receiver checks of a replica delta before it adds any of it. */
class ReplicaDeltaValidationTest {
  private static final int DIM = 2;
  private static final int DENSE = 3;

  /**
   * Two items (weights, bias, prior log-mass), a feature row and a dense change, all well formed.
   */
  private static ReplicaDelta delta(float[] items, float[] dense, float[] features) {
    return new ReplicaDelta(
        DIM, new String[] {"a", "b"}, items, dense, 5, 0, new String[] {"c:comedy"}, features);
  }

  private static float[] items() {
    return new float[] {0.1f, -0.2f, 0.01f, Float.NEGATIVE_INFINITY, 0.3f, 0.4f, 0f, -1.5f};
  }

  @Test
  void aDeltaThatFitsWithFiniteChangesPasses() {
    assertThatCode(
            () ->
                delta(items(), new float[] {1, 2, 3}, new float[] {0.5f, 0.5f})
                    .requireApplicableTo(DIM, DENSE))
        .as("-Infinity is a prior log-mass of no clicks")
        .doesNotThrowAnyException();
    assertThatCode(() -> delta(items(), null, new float[2]).requireApplicableTo(DIM, DENSE))
        .as("no dense change fits any model")
        .doesNotThrowAnyException();
  }

  @Test
  void partsOfDisagreeingLengthsAreRefusedOnConstruction() {
    assertThatThrownBy(() -> delta(new float[7], null, new float[2]))
        .isInstanceOf(InvalidReplicaDeltaException.class)
        .hasMessage("a delta of 2 items of dim 2 needs 8 values, has 7");
    assertThatThrownBy(() -> delta(items(), null, new float[3]))
        .isInstanceOf(InvalidReplicaDeltaException.class)
        .hasMessage("a delta of 1 side-feature rows of dim 2 needs 2 values, has 3");
    assertThatThrownBy(() -> new ReplicaDelta(DIM, new String[0], new float[0], null, -1, 0))
        .isInstanceOf(InvalidReplicaDeltaException.class)
        .hasMessage("events must be non-negative, was -1");
  }

  @Test
  void aDeltaOfAnotherDimensionOrDenseLayoutIsRefused() {
    assertThatThrownBy(() -> ReplicaDelta.empty(8).requireApplicableTo(DIM, DENSE))
        .isInstanceOf(InvalidReplicaDeltaException.class)
        .hasMessage("replica delta of dim 8 for a model of dim 2");
    assertThatThrownBy(
            () -> delta(items(), new float[] {1, 2}, new float[2]).requireApplicableTo(DIM, DENSE))
        .isInstanceOf(InvalidReplicaDeltaException.class)
        .hasMessageStartingWith("replica delta has 2 dense values, this model 3");
  }

  @Test
  void everyChangeThatIsNotANumberIsRefusedWithWhereItIs() {
    float[] weight = items();
    weight[5] = Float.NaN;
    assertThatThrownBy(() -> delta(weight, null, new float[2]).requireApplicableTo(DIM, DENSE))
        .isInstanceOf(InvalidReplicaDeltaException.class)
        .hasMessage("non-finite weight or bias change of item 'b': NaN at 1");
    float[] bias = items();
    bias[2] = Float.POSITIVE_INFINITY;
    assertThatThrownBy(() -> delta(bias, null, new float[2]).requireApplicableTo(DIM, DENSE))
        .hasMessage("non-finite weight or bias change of item 'a': Infinity at 2");
    for (float prior : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
      float[] withPrior = items();
      withPrior[7] = prior;
      assertThatThrownBy(() -> delta(withPrior, null, new float[2]).requireApplicableTo(DIM, DENSE))
          .isInstanceOf(InvalidReplicaDeltaException.class)
          .hasMessageStartingWith("prior log-mass " + prior + " of item 'b'");
    }
    assertThatThrownBy(
            () ->
                delta(items(), null, new float[] {0, Float.NEGATIVE_INFINITY})
                    .requireApplicableTo(DIM, DENSE))
        .hasMessage("non-finite change of side-feature token 'c:comedy': -Infinity at 1");
    assertThatThrownBy(
            () ->
                delta(items(), new float[] {1, Float.NaN, 3}, new float[2])
                    .requireApplicableTo(DIM, DENSE))
        .hasMessage("non-finite dense change: NaN at 1");
  }

  @Test
  void missingOrEmptyIdsAreRefused() {
    ReplicaDelta emptyId = new ReplicaDelta(DIM, new String[] {"a", ""}, items(), null, 0, 0);
    assertThatThrownBy(() -> emptyId.requireApplicableTo(DIM, DENSE))
        .isInstanceOf(InvalidReplicaDeltaException.class)
        .hasMessage("replica delta has an empty item id at 1");
    ReplicaDelta noToken =
        new ReplicaDelta(
            DIM, new String[0], new float[0], null, 0, 0, new String[] {null}, new float[2]);
    assertThatThrownBy(() -> noToken.requireApplicableTo(DIM, DENSE))
        .hasMessage("replica delta has no side-feature token id at 0");
  }
}
