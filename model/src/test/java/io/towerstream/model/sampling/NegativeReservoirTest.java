package io.towerstream.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.towerstream.model.random.SeededRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NegativeReservoirTest {
  private static final int[] COUNTS = {1, 2, 4, 9, 16, 30};
  private static final int DRAWS = 300_000;

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.5, 1.0})
  void drawFrequenciesMatchTheExposedProbabilitiesCountToTheAlpha(double alpha) {
    NegativeReservoir reservoir = new NegativeReservoir(100, alpha);
    for (int item = 0; item < COUNTS.length; item++) {
      for (int c = 0; c < COUNTS[item]; c++) {
        reservoir.observe(100 + item);
      }
    }
    double normaliser = 0;
    for (int c : COUNTS) {
      normaliser += Math.pow(c, alpha);
    }

    int[] items = new int[DRAWS];
    double[] probabilities = new double[DRAWS];
    reservoir.draw(new SeededRandom(3), DRAWS, items, probabilities);

    int[] hits = new int[COUNTS.length];
    for (int d = 0; d < DRAWS; d++) {
      int item = items[d] - 100;
      hits[item]++;
      assertThat(probabilities[d]).isEqualTo(reservoir.probability(items[d]));
    }
    for (int item = 0; item < COUNTS.length; item++) {
      double expected = Math.pow(COUNTS[item], alpha) / normaliser;
      assertThat(reservoir.probability(100 + item))
          .as("exposed p of item %d", item)
          .isCloseTo(expected, within(1e-12));
      assertThat(hits[item] / (double) DRAWS)
          .as("empirical frequency of item %d at α=%s", item, alpha)
          .isCloseTo(expected, within(0.004));
    }
    if (alpha == 0.0) {
      assertThat(reservoir.probability(100))
          .as("uniform whatever the counts")
          .isEqualTo(reservoir.probability(105));
    }
  }

  @Test
  void capacityIsRespectedAndTheLeastRecentlySeenItemIsEvicted() {
    NegativeReservoir reservoir = new NegativeReservoir(3, 1.0);
    reservoir.observe(1);
    reservoir.observe(2);
    reservoir.observe(3);
    reservoir.observe(1); // 2 is now the least recently seen, though not the least counted
    reservoir.observe(3);
    reservoir.observe(4);

    assertThat(reservoir.size()).isEqualTo(3);
    assertThat(reservoir.contains(2)).isFalse();
    assertThat(reservoir.itemsByRecency()).containsExactly(4, 3, 1);
    assertThat(reservoir.count(1)).isEqualTo(2);
    assertThat(reservoir.count(4)).isEqualTo(1);
    assertThat(reservoir.probability(2)).isZero();
    assertThat(reservoir.probability(1)).isCloseTo(2.0 / 5, within(1e-12));
  }

  @Test
  void removedItemsAreNeverDrawnAndTheirEntryIsReused() {
    NegativeReservoir reservoir = new NegativeReservoir(3, 0.0);
    reservoir.observe(1);
    reservoir.observe(2);
    reservoir.observe(3);
    reservoir.remove(2);
    int[] items = new int[10_000];
    reservoir.draw(new SeededRandom(1), items.length, items, new double[items.length]);
    assertThat(items).doesNotContain(2).contains(1, 3);

    reservoir.observe(5);
    reservoir.observe(6); // full again: evicts 1, the least recently seen
    assertThat(reservoir.size()).isEqualTo(3);
    assertThat(reservoir.itemsByRecency()).containsExactly(6, 5, 3);
  }

  @Test
  void drawsAreDeterministicGivenTheGeneratorState() {
    NegativeReservoir reservoir = new NegativeReservoir(10, 0.5);
    for (int i = 0; i < 10; i++) {
      reservoir.observe(i % 4);
    }
    int[] a = new int[50];
    int[] b = new int[50];
    reservoir.draw(new SeededRandom(8), 50, a, new double[50]);
    reservoir.draw(new SeededRandom(8), 50, b, new double[50]);
    assertThat(a).containsExactly(b);
  }
}
