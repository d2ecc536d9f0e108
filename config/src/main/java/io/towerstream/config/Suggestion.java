package io.towerstream.config;

import java.util.Collection;

/** The known name closest to a misspelt one, when one is close enough to be what was meant. */
final class Suggestion {
  private Suggestion() {}

  /**
   * The name of {@code known} with the fewest edits (insertions, deletions, substitutions and swaps
   * of neighbours) from {@code name}, if at most 2 and fewer than a third of its length; else the
   * longest known name {@code name} starts with (a word too many); else null.
   */
  static String closest(String name, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(name, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    if (best != null && bestDistance <= Math.min(2, Math.max(1, name.length() / 3))) {
      return best;
    }
    String prefix = null;
    for (String k : known) {
      if (name.startsWith(k)
          && k.length() >= 3
          && (prefix == null || k.length() > prefix.length())) {
        prefix = k;
      }
    }
    return prefix;
  }

  /** Optimal string alignment distance. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
