package io.towerstream.model.loss;

import java.util.Arrays;

/**
 * Finds the logits to mask because a candidate is the same item as a row's positive. Row {@code
 * i}'s positive is candidate {@code i}; any other candidate {@code j} with the same key is that
 * very item again (another user clicked it too, or the reservoir drew it), and treating it as a
 * negative would push the user away from the item it just clicked.
 */
public final class CollisionMask {
  private CollisionMask() {}

  /**
   * @param keys item key of each candidate column (first {@code rows} are the rows' positives)
   * @return {@code {i, j}} pairs, {@code i < rows}, {@code j != i}, {@code keys[j] == keys[i]};
   *     empty when no key repeats. Sorting (key, column) pairs makes this O(C log C) with no
   *     hashing.
   */
  public static int[][] maskedPairs(int[] keys, int rows) {
    int columns = keys.length;
    long[] byKey = new long[columns];
    for (int j = 0; j < columns; j++) {
      byKey[j] =
          ((long) keys[j] << 32) | j; // signed key in the high half sorts like the key itself
    }
    Arrays.sort(byKey);
    int count = 0;
    int[][] pairs = new int[0][];
    for (int start = 0; start < columns; ) {
      int end = start + 1;
      while (end < columns && (byKey[end] >> 32) == (byKey[start] >> 32)) {
        end++;
      }
      for (int a = start; a < end && end - start > 1; a++) {
        int i = (int) byKey[a];
        if (i >= rows) {
          continue; // only the first `rows` columns are positives of some row
        }
        for (int b = start; b < end; b++) {
          int j = (int) byKey[b];
          if (j != i) {
            if (count == pairs.length) {
              pairs = Arrays.copyOf(pairs, Math.max(8, count * 2));
            }
            pairs[count++] = new int[] {i, j};
          }
        }
      }
      start = end;
    }
    return Arrays.copyOf(pairs, count);
  }

  /**
   * Every {@code {i, j}} pair, {@code i < rows}, {@code j != i}, where candidate {@code j} is also
   * a positive of row {@code i}: the same item as row {@code i}'s positive, or ({@code j < rows})
   * the positive of another row of the same user. Each pair once, sorted by row then column, so the
   * losses can mask it or flip its label without applying a pair twice. The relation is symmetric
   * within the leading {@code rows × rows} block, so the same pairs serve the item→user direction.
   *
   * @param candidateKeys item key per candidate column, or null
   * @param userKeys user key per row, or null
   */
  public static int[][] sharedPositives(
      int[] candidateKeys, int[] userKeys, int rows, int columns) {
    int[][] items = candidateKeys == null ? new int[0][] : maskedPairs(candidateKeys, rows);
    int[][] users = userKeys == null ? new int[0][] : maskedPairs(userKeys, rows);
    long[] codes = new long[items.length + users.length];
    int n = 0;
    for (int[][] pairs : new int[][][] {items, users}) {
      for (int[] pair : pairs) {
        codes[n++] = (long) pair[0] * columns + pair[1];
      }
    }
    Arrays.sort(codes);
    int distinct = 0;
    int[][] pairs = new int[codes.length][];
    for (int k = 0; k < codes.length; k++) {
      if (k == 0 || codes[k] != codes[k - 1]) {
        pairs[distinct++] = new int[] {(int) (codes[k] / columns), (int) (codes[k] % columns)};
      }
    }
    return Arrays.copyOf(pairs, distinct);
  }
}
