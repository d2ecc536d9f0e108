package io.towerstream.store.query;

import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.index.ItemIndex;
import io.towerstream.store.index.ScoredItem;
import io.towerstream.store.index.Scoring;
import io.towerstream.store.rocks.EmbeddingStore;
import io.towerstream.store.rocks.StoredVector;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The read side of the store, independent of HTTP: the in-process CLI (evaluation, demo) can call
 * it directly. Thread-safe.
 *
 * <p><b>Model versions are never mixed.</b> Vectors of different model generations live in
 * different spaces, so every query returns items of one model version only: the one asked for, else
 * the user's (or the item's) own, else, for a bare query vector, the newest version any item has.
 * During a switch to a new model generation a user already at the new version therefore sees only
 * the items already republished at it (possibly fewer than k) rather than a mix of incomparable
 * scores.
 *
 * <p><b>Scores.</b> A user's (or a query vector's) candidates rank by {@code dot + item bias}
 * unless the caller asks for {@link Scoring#DOT}; similar items always rank by the dot product: the
 * bias is a popularity prior of the user-item score, not a property of the relation between two
 * items.
 */
public final class RetrievalService {
  private final EmbeddingStore store;
  private final ItemIndex index;

  public RetrievalService(EmbeddingStore store, ItemIndex index) {
    this.store = store;
    this.index = index;
  }

  /**
   * The {@code k} best items of the user's model version for the user's current vector.
   *
   * @throws UnknownEntityException when the user has no vector
   * @throws DimensionMismatchException when the user's vector cannot be scored against the items
   */
  public UserCandidates candidatesForUser(String userId, int k, Set<String> exclude) {
    return candidatesForUser(userId, k, exclude, null);
  }

  /**
   * The {@code k} best items of {@code modelVersion} (null: the user's own) for the user's current
   * vector; {@link UserCandidates#modelVersion()} is the model version of the returned items.
   */
  public UserCandidates candidatesForUser(
      String userId, int k, Set<String> exclude, Long modelVersion) {
    return candidatesForUser(userId, k, exclude, modelVersion, Scoring.DOT_PLUS_BIAS);
  }

  /** {@link #candidatesForUser(String, int, Set, Long)} ranked by {@code scoring}. */
  public UserCandidates candidatesForUser(
      String userId, int k, Set<String> exclude, Long modelVersion, Scoring scoring) {
    StoredVector user = embedding(Entity.USER, userId);
    long version = modelVersion != null ? modelVersion : user.modelVersion();
    String what = "the vector of user '" + userId + "'";
    return new UserCandidates(
        userId, version, search(what, user.vector(), k, exclude, version, scoring));
  }

  /**
   * The {@code k} best items of the newest item model version for a query vector; does not mutate
   * it.
   */
  public List<ScoredItem> candidatesForVector(float[] query, int k, Set<String> exclude) {
    return candidatesForVector(query, k, exclude, null).candidates();
  }

  /**
   * The {@code k} best items of {@code modelVersion} (null: the newest any item has) for a query
   * vector.
   */
  public VectorCandidates candidatesForVector(
      float[] query, int k, Set<String> exclude, Long modelVersion) {
    return candidatesForVector(query, k, exclude, modelVersion, Scoring.DOT_PLUS_BIAS);
  }

  /** {@link #candidatesForVector(float[], int, Set, Long)} ranked by {@code scoring}. */
  public VectorCandidates candidatesForVector(
      float[] query, int k, Set<String> exclude, Long modelVersion, Scoring scoring) {
    long version = modelVersion != null ? modelVersion : index.newestModelVersion();
    return new VectorCandidates(
        version, search("the query vector", query, k, exclude, version, scoring));
  }

  /**
   * The {@code k} items most similar to an item, of the item's model version, never the item
   * itself.
   */
  public List<ScoredItem> similarItems(String itemId, int k, Set<String> exclude) {
    return similarItems(itemId, k, exclude, null).candidates();
  }

  /** The {@code k} items of {@code modelVersion} (null: the item's own) most similar to an item. */
  public SimilarItems similarItems(String itemId, int k, Set<String> exclude, Long modelVersion) {
    StoredVector item = embedding(Entity.ITEM, itemId);
    long version = modelVersion != null ? modelVersion : item.modelVersion();
    Set<String> without = new HashSet<>(exclude);
    without.add(itemId);
    String what = "the vector of item '" + itemId + "'";
    return new SimilarItems(
        itemId, version, search(what, item.vector(), k, without, version, Scoring.DOT));
  }

  /**
   * @throws UnknownEntityException when absent
   */
  public StoredVector embedding(Entity entity, String id) {
    return store.get(entity, id).orElseThrow(() -> new UnknownEntityException(entity, id));
  }

  /** The vector dimension of the items, 0 while there are none. */
  public int itemDimension() {
    return index.dimension();
  }

  private List<ScoredItem> search(
      String what, float[] query, int k, Set<String> exclude, long modelVersion, Scoring scoring) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    int dim = index.dimension();
    if (dim != 0 && query.length != dim) {
      throw new DimensionMismatchException(what, query.length, dim);
    }
    try {
      return index.topK(query, k, exclude, modelVersion, scoring);
    } catch (IllegalArgumentException e) {
      // the index emptied and changed dimension between the check and the query
      throw new DimensionMismatchException(what, query.length, index.dimension());
    }
  }

  /** Candidates for a query vector and the model version of the returned items. */
  public record VectorCandidates(long modelVersion, List<ScoredItem> candidates) {}

  /** Items similar to {@code itemId}, of {@code modelVersion}. */
  public record SimilarItems(String itemId, long modelVersion, List<ScoredItem> candidates) {}
}
