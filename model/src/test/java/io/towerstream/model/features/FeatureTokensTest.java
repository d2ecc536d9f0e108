package io.towerstream.model.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.model.ModelConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeatureTokensTest {
  @Test
  void categoriesTagsAndBucketedNumbersBecomeTokensInThatOrder() {
    FeatureTokens tokens = new FeatureTokens(32, "year=5");
    assertThat(
            tokens.of(
                List.of("Comedy", " comedy ", "Drama"),
                List.of("Noir"),
                Map.of("year", 1995.0, "runtime", 100.0, "rating", -3.0)))
        .containsExactly(
            "c:comedy", "c:drama", "t:noir", "n:rating:-3", "n:runtime:6", "n:year:399");
  }

  @Test
  void yearsInOneBucketShareATokenAndNeighbouringBucketsDoNot() {
    FeatureTokens tokens = new FeatureTokens(32, "year=5");
    assertThat(tokens.bucket("year", 1995)).isEqualTo(tokens.bucket("year", 1999));
    assertThat(tokens.bucket("year", 1994)).isNotEqualTo(tokens.bucket("year", 1995));
    assertThat(tokens.bucket("count", 7)).isEqualTo(3); // log2(8)
    assertThat(tokens.bucket("count", 8)).isEqualTo(3);
    assertThat(tokens.bucket("count", 0)).isZero();
  }

  @Test
  void atMostMaxTokensAndNoneWhenOff() {
    assertThat(new FeatureTokens(2, "").of(List.of("a", "b", "c"), List.of(), Map.of()))
        .containsExactly("c:a", "c:b");
    assertThat(new FeatureTokens(0, "").of(List.of("a"), List.of(), Map.of())).isEmpty();
    assertThat(new FeatureTokens(4, "").of(List.of(" "), List.of(), Map.of("x", Double.NaN)))
        .as("blank names and non-finite numbers say nothing")
        .isEmpty();
  }

  @Test
  void badBucketWidthsFailNamingTheOption() {
    for (String bad : List.of("year", "year=0", "year=-1", "=5", "year=abc", "year=5,")) {
      assertThatThrownBy(
              () -> ModelConfig.builder().itemFeatureBucketWidths(bad).build(), "spec %s", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("model.item-features.bucket-widths");
    }
    assertThatThrownBy(() -> ModelConfig.builder().itemFeatureTokens(-1).build())
        .hasMessageContaining("model.item-features.max-tokens");
  }
}
