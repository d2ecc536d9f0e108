package io.towerstream.store.query;

import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.index.ItemIndex;
import io.towerstream.store.index.ScoredItem;
import io.towerstream.store.rocks.EmbeddingStore;
import io.towerstream.store.rocks.StoredVector;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The read side of the store, independent of HTTP: the in-process CLI (evaluation, demo) can call it
 * directly. Thread-safe.
 */
public final class RetrievalService {
  private final EmbeddingStore store;
  private final ItemIndex index;

  public RetrievalService(EmbeddingStore store, ItemIndex index) {
    this.store = store;
    this.index = index;
  }

  /**
   * The {@code k} best items for a user's current vector.
   *
   * @throws UnknownEntityException when the user has no vector
   * @throws DimensionMismatchException when the user's vector cannot be scored against the items
   */
  public UserCandidates candidatesForUser(String userId, int k, Set<String> exclude) {
    StoredVector user = embedding(Entity.USER, userId);
    String what = "the vector of user '" + userId + "'";
    return new UserCandidates(userId, user.modelVersion(), search(what, user.vector(), k, exclude));
  }

  /** The {@code k} best items for any query vector; does not mutate it. */
  public List<ScoredItem> candidatesForVector(float[] query, int k, Set<String> exclude) {
    return search("the query vector", query, k, exclude);
  }

  /** The {@code k} items most similar to an item, never the item itself. */
  public List<ScoredItem> similarItems(String itemId, int k, Set<String> exclude) {
    StoredVector item = embedding(Entity.ITEM, itemId);
    Set<String> without = new HashSet<>(exclude);
    without.add(itemId);
    return search("the vector of item '" + itemId + "'", item.vector(), k, without);
  }

  /** @throws UnknownEntityException when absent */
  public StoredVector embedding(Entity entity, String id) {
    return store.get(entity, id).orElseThrow(() -> new UnknownEntityException(entity, id));
  }

  /** The vector dimension of the items, 0 while there are none. */
  public int itemDimension() {
    return index.dimension();
  }

  private List<ScoredItem> search(String what, float[] query, int k, Set<String> exclude) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    int dim = index.dimension();
    if (dim != 0 && query.length != dim) {
      throw new DimensionMismatchException(what, query.length, dim);
    }
    try {
      return index.topK(query, k, exclude);
    } catch (IllegalArgumentException e) {
      // the index emptied and changed dimension between the check and the query
      throw new DimensionMismatchException(what, query.length, index.dimension());
    }
  }
}
