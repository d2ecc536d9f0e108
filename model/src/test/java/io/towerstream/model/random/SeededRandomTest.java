package io.towerstream.model.random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SeededRandomTest {
  @Test
  void restoringAStateReplaysTheExactSequenceIncludingASpareGaussian() {
    SeededRandom random = new SeededRandom(42);
    random.nextGaussian(); // leaves a spare
    SeededRandom.State state = random.state();
    double[] expected = {
      random.nextGaussian(), random.nextDouble(), random.nextInt(1000), random.nextGaussian()
    };

    SeededRandom other = new SeededRandom(0);
    other.restore(state);
    assertThat(
            new double[] {
              other.nextGaussian(), other.nextDouble(), other.nextInt(1000), other.nextGaussian()
            })
        .containsExactly(expected);
  }

  @Test
  void gaussiansAreStandardAndUniformsCoverTheirRange() {
    SeededRandom random = new SeededRandom(1);
    double sum = 0;
    double sumSquares = 0;
    int n = 200_000;
    int[] buckets = new int[10];
    for (int i = 0; i < n; i++) {
      double g = random.nextGaussian();
      sum += g;
      sumSquares += g * g;
      buckets[random.nextInt(10)]++;
    }
    assertThat(sum / n).isCloseTo(0, within(0.01));
    assertThat(sumSquares / n).isCloseTo(1, within(0.02));
    for (int b : buckets) {
      assertThat(b / (double) n).isCloseTo(0.1, within(0.005));
    }
  }
}
