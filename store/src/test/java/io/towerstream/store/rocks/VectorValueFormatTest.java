package io.towerstream.store.rocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
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
      StoredVector original =
          new StoredVector(random.nextLong(), random.nextLong(), random.nextLong(), v);
      byte[] bytes = VectorValueFormat.encode(original);
      assertThat(bytes).hasSize(29 + 4 * dim);
      assertThat(bytes[0]).isEqualTo(VectorValueFormat.VERSION_0);
      assertThat(VectorValueFormat.decode(bytes)).isEqualTo(original);

      StoredVector biased =
          new StoredVector(
              random.nextLong(),
              random.nextLong(),
              random.nextLong(),
              v,
              (float) random.nextGaussian());
      byte[] biasedBytes = VectorValueFormat.encode(biased);
      assertThat(biasedBytes).hasSize(33 + 4 * dim);
      assertThat(biasedBytes[0]).isEqualTo(VectorValueFormat.VERSION_1);
      assertThat(VectorValueFormat.decode(biasedBytes)).isEqualTo(biased);
    }
  }

  @Test
  void keepsNegativeZeroBiasAndWritesBiasFreeValuesInVersion1OnRequest() {
    StoredVector negativeZero = new StoredVector(1, 2, 3, new float[] {1f}, -0f);
    byte[] bytes = VectorValueFormat.encode(negativeZero);
    assertThat(bytes[0]).isEqualTo(VectorValueFormat.VERSION_1);
    assertThat(VectorValueFormat.decode(bytes)).isEqualTo(negativeZero);

    StoredVector plain = new StoredVector(1, 2, 3, new float[] {1f});
    byte[] v1 = VectorValueFormat.encode(plain, VectorValueFormat.VERSION_1);
    assertThat(v1[0]).isEqualTo(VectorValueFormat.VERSION_1);
    assertThat(VectorValueFormat.decode(v1)).isEqualTo(plain);
    assertThatThrownBy(
            () ->
                VectorValueFormat.encode(
                    new StoredVector(1, 2, 3, new float[] {1f}, 0.5f), VectorValueFormat.VERSION_0))
        .hasMessageContaining("version 0 has no bias");
  }

  @Test
  void readsTheCommittedVersion0FixtureAndWritesItBackByteIdentically() throws Exception {
    byte[] fixture = fixture("/stored-vector-v0.bin");
    StoredVector v = VectorValueFormat.decode(fixture);
    assertThat(v.modelVersion()).isEqualTo(3);
    assertThat(v.sequence()).isEqualTo(42);
    assertThat(v.updatedAt()).isEqualTo(1_700_000_000_000L);
    assertThat(v.vector()).containsExactly(1.0f, -0.5f, 0.25f);
    assertThat(v.bias()).isZero();
    assertThat(VectorValueFormat.encode(v)).isEqualTo(fixture);
  }

  /**
   * The fixture was written by Python: {@code struct.pack('<bqqqfi3f', 1, 4, 43, 1700000000500,
   * -1.25, 3, 0.5, -0.25, 2.0)}.
   */
  @Test
  void readsTheCommittedVersion1FixtureAndWritesItBackByteIdentically() throws Exception {
    byte[] fixture = fixture("/stored-vector-v1.bin");
    StoredVector v = VectorValueFormat.decode(fixture);
    assertThat(v.modelVersion()).isEqualTo(4);
    assertThat(v.sequence()).isEqualTo(43);
    assertThat(v.updatedAt()).isEqualTo(1_700_000_000_500L);
    assertThat(v.bias()).isEqualTo(-1.25f);
    assertThat(v.vector()).containsExactly(0.5f, -0.25f, 2.0f);
    assertThat(VectorValueFormat.encode(v)).isEqualTo(fixture);
  }

  /**
   * The fixture was written by Python: {@code struct.pack('<bqqqfi2f', 2, 5, 44, 1700000001000,
   * 0.0, 2, 0.6, 0.8)} then {@code struct.pack('<i', 2)} and each of {@code b'50'}, {@code b'Toy
   * Story'} as {@code <i} length + bytes.
   */
  @Test
  void readsTheCommittedVersion2FixtureWithAUsersRecentItemsAndWritesItBackByteIdentically()
      throws Exception {
    byte[] fixture = fixture("/stored-vector-v2.bin");
    StoredVector v = VectorValueFormat.decode(fixture);
    assertThat(v.sequence()).isEqualTo(44);
    assertThat(v.bias()).isZero();
    assertThat(v.vector()).containsExactly(0.6f, 0.8f);
    assertThat(v.recentItems()).containsExactly("50", "Toy Story");
    assertThat(VectorValueFormat.encode(v)).isEqualTo(fixture);
  }

  @Test
  void recentItemsRoundTripInVersion2AndNoOlderVersionTakesThem() {
    StoredVector user =
        new StoredVector(1, 2, 3, new float[] {1f, 0f}, 0f, List.of("i9", "é-ü", ""));
    byte[] bytes = VectorValueFormat.encode(user);
    assertThat(bytes[0]).isEqualTo(VectorValueFormat.VERSION_2);
    assertThat(VectorValueFormat.decode(bytes)).isEqualTo(user);
    assertThatThrownBy(() -> VectorValueFormat.encode(user, VectorValueFormat.VERSION_1))
        .hasMessageContaining("no recent items");
    for (int cut = 1; cut < 12; cut++) {
      byte[] truncated = Arrays.copyOf(bytes, bytes.length - cut);
      assertThatThrownBy(() -> VectorValueFormat.decode(truncated))
          .as("cut %d", cut)
          .isInstanceOf(IllegalArgumentException.class);
    }
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> VectorValueFormat.decode(longer))
        .hasMessageContaining("after its recent items");
  }

  @Test
  void rejectsUnknownVersionsAndTruncatedValues() {
    byte[] good = VectorValueFormat.encode(new StoredVector(1, 1, 1, new float[] {1, 2}));
    byte[] future = good.clone();
    future[0] = 3;
    assertThatThrownBy(() -> VectorValueFormat.decode(future)).hasMessageContaining("version 3");
    assertThatThrownBy(() -> VectorValueFormat.decode(Arrays.copyOf(good, good.length - 1)))
        .hasMessageContaining("dim 2");
    assertThatThrownBy(() -> VectorValueFormat.decode(new byte[5]))
        .hasMessageContaining("too short");
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

  private static byte[] fixture(String resource) throws Exception {
    try (InputStream in = VectorValueFormatTest.class.getResourceAsStream(resource)) {
      return in.readAllBytes();
    }
  }
}
