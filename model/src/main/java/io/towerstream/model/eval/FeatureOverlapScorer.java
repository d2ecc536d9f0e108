package io.towerstream.model.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The content-based baseline of cold start: a user's profile is how often each side-feature token
 * occurs among their training items, and an item scores the mean profile count of its tokens. What
 * a learned item tower must beat to show that it does more than match genres.
 */
public final class FeatureOverlapScorer implements Scorer {
  private final TemporalSplit split;
  private final Map<String, List<String>> features;
  private final List<String> trainCatalogue;

  /**
   * @param warm the split whose training items make the profiles (its catalogue indices)
   * @param split the split to score (its catalogue)
   */
  public FeatureOverlapScorer(
      TemporalSplit warm, TemporalSplit split, Map<String, List<String>> features) {
    this.split = split;
    this.features = features;
    this.trainCatalogue = warm.items;
    this.profiles = new HashMap<>();
    warm.trainItems.forEach((user, items) -> profiles.put(user, profile(items)));
  }

  private final Map<String, Map<String, Integer>> profiles;

  private Map<String, Integer> profile(Set<Integer> items) {
    Map<String, Integer> counts = new HashMap<>();
    for (int ix : items) {
      for (String token : features.getOrDefault(trainCatalogue.get(ix), List.of())) {
        counts.merge(token, 1, Integer::sum);
      }
    }
    return counts;
  }

  @Override
  public float[] scores(String userId) {
    Map<String, Integer> profile = profiles.getOrDefault(userId, Map.of());
    float[] s = new float[split.items.size()];
    for (int i = 0; i < s.length; i++) {
      List<String> tokens = features.getOrDefault(split.items.get(i), List.of());
      double sum = 0;
      for (String t : tokens) {
        sum += profile.getOrDefault(t, 0);
      }
      s[i] = tokens.isEmpty() ? 0f : (float) (sum / tokens.size());
    }
    return s;
  }
}
