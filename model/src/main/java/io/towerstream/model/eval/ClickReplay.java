package io.towerstream.model.eval;

import io.towerstream.model.Interaction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the next-click protocol knows before a batch, kept as {@link PrequentialEvaluator} keeps it:
 * the items seen so far in first-seen order (the index every ranking breaks ties by), their click
 * counts, the counts over the last {@code popWindow} events, and every user's items so far (the
 * exclusions). Not thread-safe.
 */
final class ClickReplay {
  private final int popWindow;
  private final Map<String, Integer> itemIndex = new HashMap<>();
  private final List<String> items = new ArrayList<>();
  private final Map<String, Set<Integer>> seen = new HashMap<>();
  private final ArrayDeque<Integer> recent = new ArrayDeque<>();
  private float[] counts = new float[16];
  private float[] windowCounts = new float[16];

  ClickReplay(int popWindow) {
    if (popWindow < 1) {
      throw new IllegalArgumentException("popularity window must be positive, was " + popWindow);
    }
    this.popWindow = popWindow;
  }

  /** Items known so far; their indices are {@code [0, known())}. */
  int known() {
    return items.size();
  }

  /** The items known so far, by index; a live view. */
  List<String> items() {
    return java.util.Collections.unmodifiableList(items);
  }

  /** The item's index, or null when it was not seen yet. */
  Integer indexOf(String itemId) {
    return itemIndex.get(itemId);
  }

  /** The user's items so far (indices), or null for a user not seen yet. A live view. */
  Set<Integer> seen(String userId) {
    return seen.get(userId);
  }

  /** Every user's items so far, a live view. */
  Map<String, Set<Integer>> users() {
    return seen;
  }

  /** Click counts so far, by index; a live array, valid over {@code [0, known())}. */
  float[] counts() {
    return counts;
  }

  /** Click counts over the last {@code popWindow} events; a live array. */
  float[] windowCounts() {
    return windowCounts;
  }

  /**
   * Counts {@code events} in: new items get the next indices, then counts, window and histories.
   * Returns, per event, whether the user had not clicked its item before (a new history entry).
   */
  boolean[] observe(List<Interaction> events) {
    boolean[] added = new boolean[events.size()];
    for (int k = 0; k < events.size(); k++) {
      Interaction e = events.get(k);
      Integer ix = itemIndex.get(e.itemId());
      if (ix == null) {
        ix = items.size();
        itemIndex.put(e.itemId(), ix);
        items.add(e.itemId());
        if (ix >= counts.length) {
          counts = Arrays.copyOf(counts, counts.length * 2);
          windowCounts = Arrays.copyOf(windowCounts, counts.length);
        }
      }
      added[k] = seen.computeIfAbsent(e.userId(), u -> new LinkedHashSet<>()).add(ix);
      counts[ix] += 1;
      windowCounts[ix] += 1;
      recent.addLast(ix);
      if (recent.size() > popWindow) {
        windowCounts[recent.removeFirst()] -= 1;
      }
    }
    return added;
  }
}
