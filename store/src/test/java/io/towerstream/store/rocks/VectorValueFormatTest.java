package io.towerstream.store.rocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VectorValueFormatTest {

  @Test
  void roundTripsRandomVectors() {
    Random random = new Random(7);
    for (int dim : new int[] {0, 1, 3, 64, 257}) {
      float[] v = new float[dim];
      for (int i = 0; i < dim; i++) {
        v[i] = (float) random.nextGaussian();
      }
      StoredVector original = new StoredVector(random.nextLong(), random.nextLong(), random.nextLong(), v);
      byte[] bytes = VectorValueFormat.encode(original);
      assertThat(bytes).hasSize(29 + 4 * dim);
      assertThat(bytes[0]).isEqualTo(VectorValueFormat.VERSION_0);
      assertThat(VectorValueFormat.decode(bytes)).isEqualTo(original);
    }
  }

  @Test
  void readsTheCommittedVersion0FixtureAndWritesItBackByteIdentically() throws Exception {
    byte[] fixture;
    try (InputStream in = getClass().getResourceAsStream("/stored-vector-v0.bin")) {
      fixture = in.readAllBytes();
    }
    StoredVector v = VectorValueFormat.decode(fixture);
    assertThat(v.modelVersion()).isEqualTo(3);
    assertThat(v.sequence()).isEqualTo(42);
    assertThat(v.updatedAt()).isEqualTo(1_700_000_000_000L);
    assertThat(v.vector()).containsExactly(1.0f, -0.5f, 0.25f);
    assertThat(VectorValueFormat.encode(v)).isEqualTo(fixture);
  }

  @Test
  void rejectsUnknownVersionsAndTruncatedValues() {
    byte[] good = VectorValueFormat.encode(new StoredVector(1, 1, 1, new float[] {1, 2}));
    byte[] future = good.clone();
    future[0] = 1;
    assertThatThrownBy(() -> VectorValueFormat.decode(future)).hasMessageContaining("version 1");
    assertThatThrownBy(() -> VectorValueFormat.decode(Arrays.copyOf(good, good.length - 1)))
        .hasMessageContaining("dim 2");
    assertThatThrownBy(() -> VectorValueFormat.decode(new byte[5])).hasMessageContaining("too short");
  }

  @Test
  void supersedesByModelVersionThenSequence() {
    StoredVector v2s5 = new StoredVector(2, 5, 0, new float[] {1});
    assertThat(new StoredVector(2, 6, 0, new float[] {1}).supersedes(v2s5)).isTrue();
    assertThat(new StoredVector(3, 0, 0, new float[] {1}).supersedes(v2s5)).isTrue();
    assertThat(new StoredVector(2, 5, 99, new float[] {1}).supersedes(v2s5)).isFalse();
    assertThat(new StoredVector(2, 4, 99, new float[] {1}).supersedes(v2s5)).isFalse();
    assertThat(new StoredVector(1, 99, 99, new float[] {1}).supersedes(v2s5)).isFalse();
  }
}
