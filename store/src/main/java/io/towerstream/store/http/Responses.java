package io.towerstream.store.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.towerstream.store.index.ScoredItem;
import java.util.List;
import java.util.Map;

/** The JSON bodies the API answers with (Jackson serialises records by their components). */
final class Responses {
  private Responses() {}

  record Error(String error) {}

  record Candidates(long modelVersion, List<ScoredItem> candidates) {}

  record SimilarItems(String itemId, long modelVersion, List<ScoredItem> candidates) {}

  record Batch(List<Map<String, Object>> results) {}

  /** {@code bias} is null (left out) for users, who have none. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Embedding(String entity, String id, float[] vector, Float bias, long modelVersion, long sequence,
      long updatedAt) {}

  record Health(String status) {}

  record Readiness(boolean ready, long consumerLag) {}
}
