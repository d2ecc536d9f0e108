package io.towerstream.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FrequencyEstimatorTest {
  @Test
  void anItemSeenEveryKStepsConvergesToOneOverK() {
    FrequencyEstimator estimator = new FrequencyEstimator(0.05);
    int[] periods = {1, 4, 25};
    double prior = 1000; // deliberately far off: the EMA must forget it
    for (long step = 1; step <= 10_000; step++) {
      for (int row = 0; row < periods.length; row++) {
        if (step % periods[row] == 0) {
          estimator.observe(row, step, prior);
        }
      }
    }
    for (int row = 0; row < periods.length; row++) {
      double q = FrequencyEstimator.batchProbability(estimator.gap(row, prior));
      assertThat(q)
          .as("q of an item seen every %d steps", periods[row])
          .isCloseTo(1.0 / periods[row], within(0.02 / periods[row]));
    }
  }

  @Test
  void unseenItemsGetThePriorAndTheFirstObservationStartsFromIt() {
    FrequencyEstimator estimator = new FrequencyEstimator(0.1);
    assertThat(estimator.gap(7, 50)).isEqualTo(50);
    assertThat(estimator.gap(-1, 50)).as("a row not created yet").isEqualTo(50);
    estimator.observe(7, 100, 50);
    assertThat(estimator.gap(7, 999)).isEqualTo(50);
    estimator.observe(7, 110, 50);
    assertThat(estimator.gap(7, 999)).isCloseTo(0.9 * 50 + 0.1 * 10, within(1e-4));
  }

  @Test
  void peekingEqualsObservingAndARepeatInTheSameStepCountsOnce() {
    FrequencyEstimator estimator = new FrequencyEstimator(0.2);
    estimator.observe(0, 1, 4);
    double peeked = estimator.gapAfterObserving(0, 9, 4);
    assertThat(estimator.gap(0, 4)).as("peeking changes nothing").isEqualTo(4);
    estimator.observe(0, 9, 4);
    assertThat(estimator.gap(0, 4)).isEqualTo(peeked);
    estimator.observe(0, 9, 4);
    assertThat(estimator.gap(0, 4)).isEqualTo(peeked);
  }

  @Test
  void resetForgetsAnEvictedRow() {
    FrequencyEstimator estimator = new FrequencyEstimator(0.5);
    estimator.observe(3, 1, 2);
    estimator.observe(3, 2, 2);
    estimator.reset(3);
    assertThat(estimator.gap(3, 77)).isEqualTo(77);
  }

  @Test
  void batchProbabilityIsCappedAtOne() {
    assertThat(FrequencyEstimator.batchProbability(0.25)).isEqualTo(1.0);
    assertThat(FrequencyEstimator.batchProbability(8)).isEqualTo(0.125);
  }
}
