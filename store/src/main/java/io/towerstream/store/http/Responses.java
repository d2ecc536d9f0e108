package io.towerstream.store.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** The JSON bodies the API answers with (Jackson serialises records by their components). */
final class Responses {
  private Responses() {}

  record Error(String error) {}

  /** A retrieved item; {@code title} only when the store was given titles and knows this item's. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Candidate(String itemId, float score, float bias, String title) {}

  /** An item named, with its title when known. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Item(String itemId, String title) {}

  record Candidates(long modelVersion, List<Candidate> candidates) {}

  record UserCandidates(String userId, long modelVersion, List<Candidate> candidates) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record SimilarItems(String itemId, String title, long modelVersion, List<Candidate> candidates) {}

  record Batch(List<Map<String, Object>> results) {}

  /**
   * {@code bias} and {@code title} are left out for users, {@code recentItems} (the items the user
   * tower pooled, most recent first) for items; {@code title} also when unknown.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Embedding(
      String entity,
      String id,
      String title,
      float[] vector,
      Float bias,
      long modelVersion,
      long sequence,
      long updatedAt,
      List<Item> recentItems) {}

  record Health(String status) {}
}
