package io.towerstream.model.features;

import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Each item's side-feature tokens (what the item tower pools besides the item's id row), the items
 * carrying each token (so that a trained token row republishes exactly its items), and which items
 * have features but no click yet (cold items, whose vector is their features' and must go out
 * whenever those move). Keyed by item id, not slot: features outlive an evicted item row and come
 * back with it. Not thread-safe.
 */
public final class ItemFeatureMap {
  private static final String[] NONE = new String[0];

  /** Insertion-ordered, so that a snapshot lists items in a deterministic order. */
  private final Map<String, String[]> tokensByItem = new LinkedHashMap<>();

  private final Map<String, Set<String>> itemsByToken = new HashMap<>();
  private final Set<String> cold = new HashSet<>();

  /** The item's tokens, an empty array for an item without features. Do not modify the result. */
  public String[] tokens(String itemId) {
    String[] t = tokensByItem.get(itemId);
    return t == null ? NONE : t;
  }

  public boolean hasFeatures(String itemId) {
    return tokensByItem.containsKey(itemId);
  }

  /** Items with features. */
  public int size() {
    return tokensByItem.size();
  }

  /** Distinct tokens in use. */
  public int distinctTokens() {
    return itemsByToken.size();
  }

  /**
   * Replaces the item's tokens (duplicates dropped, order kept); an empty list removes its
   * features.
   *
   * @param clickedBefore whether the item was already clicked; if not it is (still) cold
   */
  public void put(String itemId, List<String> tokens, boolean clickedBefore) {
    remove(itemId);
    if (tokens.isEmpty()) {
      return;
    }
    String[] t = new java.util.LinkedHashSet<>(tokens).toArray(new String[0]);
    tokensByItem.put(itemId, t);
    for (String token : t) {
      itemsByToken.computeIfAbsent(token, k -> new HashSet<>()).add(itemId);
    }
    if (!clickedBefore) {
      cold.add(itemId);
    }
  }

  /** Forgets the item's features; the item is no longer cold. */
  public void remove(String itemId) {
    String[] old = tokensByItem.remove(itemId);
    cold.remove(itemId);
    if (old == null) {
      return;
    }
    for (String token : old) {
      Set<String> items = itemsByToken.get(token);
      items.remove(itemId);
      if (items.isEmpty()) {
        itemsByToken.remove(token);
      }
    }
  }

  /** The items carrying {@code token}; empty when none. Do not modify the result. */
  public Set<String> itemsWith(String token) {
    Set<String> items = itemsByToken.get(token);
    return items == null ? Collections.emptySet() : items;
  }

  /** Whether the item has features and no click yet. */
  public boolean isCold(String itemId) {
    return cold.contains(itemId);
  }

  /** The item was clicked: from now on its id row speaks for it too. */
  public void clicked(String itemId) {
    cold.remove(itemId);
  }

  public void writeTo(SnapshotWriter out) {
    out.writeInt(tokensByItem.size());
    for (Map.Entry<String, String[]> e : tokensByItem.entrySet()) {
      out.writeString(e.getKey());
      out.writeBoolean(cold.contains(e.getKey()));
      out.writeInt(e.getValue().length);
      for (String token : e.getValue()) {
        out.writeString(token);
      }
    }
  }

  public static ItemFeatureMap readFrom(SnapshotReader in) {
    ItemFeatureMap map = new ItemFeatureMap();
    int items = in.readLength(9);
    for (int i = 0; i < items; i++) {
      String id = in.readString();
      boolean cold = in.readBoolean();
      int n = in.readLength(4);
      List<String> tokens = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        tokens.add(in.readString());
      }
      SnapshotReader.check(n > 0 && !map.hasFeatures(id), "item features are corrupt");
      map.put(id, tokens, !cold);
    }
    return map;
  }

  @Override
  public String toString() {
    return "ItemFeatureMap{items="
        + size()
        + ", tokens="
        + distinctTokens()
        + ", cold="
        + cold.size()
        + '}';
  }
}
