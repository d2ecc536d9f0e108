package io.towerstream.model;

/**
 * One positive (user, item) pair from the stream.
 *
 * @param weight importance of the pair in the loss (1 for a plain click)
 * @param eventTimeMillis event time, used for recency (history, popularity windows), never for
 *     ordering
 */
public record Interaction(String userId, String itemId, float weight, long eventTimeMillis) {
  public Interaction {
    if (userId == null || userId.isEmpty() || itemId == null || itemId.isEmpty()) {
      throw new IllegalArgumentException("an interaction needs a user id and an item id");
    }
    if (!(weight > 0) || Float.isInfinite(weight)) {
      throw new IllegalArgumentException(
          "interaction weight must be positive and finite, was " + weight);
    }
  }

  public Interaction(String userId, String itemId) {
    this(userId, itemId, 1f, 0L);
  }
}
