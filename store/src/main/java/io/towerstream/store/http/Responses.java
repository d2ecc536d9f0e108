package io.towerstream.store.http;

import io.towerstream.store.index.ScoredItem;
import java.util.List;

/** The JSON bodies the API answers with (Jackson serialises records by their components). */
final class Responses {
  private Responses() {}

  record Error(String error) {}

  record Candidates(List<ScoredItem> candidates) {}

  record SimilarItems(String itemId, List<ScoredItem> candidates) {}

  record Embedding(String entity, String id, float[] vector, long modelVersion, long sequence, long updatedAt) {}

  record Health(String status) {}

  record Readiness(boolean ready, long consumerLag) {}
}
