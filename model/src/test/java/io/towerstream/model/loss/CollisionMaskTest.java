package io.towerstream.model.loss;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CollisionMaskTest {
  @Test
  void masksEveryOtherColumnWithTheSameItemAsTheRowsPositive() {
    // rows 0..2 have positives 5, 6, 5; columns 3, 4 are negatives 6 and 5.
    int[][] pairs = CollisionMask.maskedPairs(new int[] {5, 6, 5, 6, 5}, 3);
    assertThat(Arrays.stream(pairs).map(Arrays::toString))
        .containsExactlyInAnyOrder("[0, 2]", "[0, 4]", "[2, 0]", "[2, 4]", "[1, 3]");
  }

  @Test
  void distinctKeysNeedNoMask() {
    assertThat(
            CollisionMask.maskedPairs(
                new int[] {-3, 1, 2, Integer.MAX_VALUE, Integer.MIN_VALUE}, 3))
        .isEmpty();
  }
}
