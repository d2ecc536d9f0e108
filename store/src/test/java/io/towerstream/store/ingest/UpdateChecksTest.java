package io.towerstream.store.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.rocks.EmbeddingMutation;
import io.towerstream.store.rocks.StoredVector;
import org.junit.jupiter.api.Test;

class UpdateChecksTest {
  private static EmbeddingMutation user(long modelVersion) {
    return EmbeddingMutation.upsert(
        Entity.USER, "u", new StoredVector(modelVersion, 1, 1, new float[] {1, 0}), null);
  }

  @Test
  void anEmptyStoreCountsTheLeadFromZeroAndAnAdmittedVersionRaisesTheBase() {
    UpdateChecks checks = new UpdateChecks(0, -1, 10);
    assertThat(checks.problem(user(11))).contains("more than 10 above", "(0;");
    assertThat(checks.problem(user(10))).isNull();
    assertThat(checks.problem(user(20))).as("10 above the 10 just admitted").isNull();
    assertThat(checks.problem(user(Long.MAX_VALUE))).contains("more than 10 above", "(20;");
    assertThat(checks.problem(user(3))).as("an older version is the store's to ignore").isNull();
    assertThat(checks.problem(EmbeddingMutation.delete(Entity.USER, "u", null))).isNull();
  }
}
