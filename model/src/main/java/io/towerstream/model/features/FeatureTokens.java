package io.towerstream.model.features;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns an item's side features into the tokens the item tower embeds: {@code c:<category>}, {@code
 * t:<tag>}, and for each numeric feature {@code n:<name>:<bucket>}. A numeric feature with a
 * configured bucket width (e.g. {@code year=5}) is cut into buckets of that width; one without is
 * cut on a log scale, {@code sign · ⌊log2(1 + |x|)⌋}, which suits counts, prices and durations.
 * Tokens are kept in that order (categories, tags, numeric by name), duplicates dropped, at most
 * {@code maxTokens}. Immutable.
 */
public final class FeatureTokens {
  private final int maxTokens;
  private final Map<String, Double> bucketWidths;

  /**
   * @param bucketWidths {@code name=width,…} as in {@code model.item-features.bucket-widths}; empty
   *     for none
   * @throws IllegalArgumentException naming the option when {@code bucketWidths} is malformed
   */
  public FeatureTokens(int maxTokens, String bucketWidths) {
    this.maxTokens = maxTokens;
    this.bucketWidths = parseWidths(bucketWidths);
  }

  /** The tokens of one item; empty when it has none (or features are off, max 0). */
  public List<String> of(List<String> categories, List<String> tags, Map<String, Double> numeric) {
    if (maxTokens == 0) {
      return Collections.emptyList();
    }
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
    for (String c : categories) {
      add(out, "c:" + normalise(c));
    }
    for (String t : tags) {
      add(out, "t:" + normalise(t));
    }
    for (Map.Entry<String, Double> e : new TreeMap<>(numeric).entrySet()) {
      double x = e.getValue();
      if (Double.isFinite(x)) {
        add(out, "n:" + normalise(e.getKey()) + ":" + bucket(e.getKey(), x));
      }
    }
    return new ArrayList<>(out);
  }

  private void add(java.util.LinkedHashSet<String> out, String token) {
    if (out.size() < maxTokens && !token.endsWith(":")) {
      out.add(token);
    }
  }

  /** Case and surrounding blanks do not make another feature. */
  private static String normalise(String s) {
    return s.strip().toLowerCase(java.util.Locale.ROOT);
  }

  long bucket(String name, double x) {
    Double width = bucketWidths.get(normalise(name));
    if (width != null) {
      return (long) Math.floor(x / width);
    }
    long magnitude = (long) Math.floor(Math.log(1 + Math.abs(x)) / Math.log(2));
    return x < 0 ? -magnitude - 1 : magnitude;
  }

  static Map<String, Double> parseWidths(String spec) {
    Map<String, Double> widths = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return widths;
    }
    for (String part : spec.split(",", -1)) {
      String[] kv = part.split("=", -1);
      double width;
      try {
        width = kv.length == 2 ? Double.parseDouble(kv[1].strip()) : Double.NaN;
      } catch (NumberFormatException e) {
        width = Double.NaN;
      }
      if (kv.length != 2 || kv[0].isBlank() || !(width > 0) || Double.isInfinite(width)) {
        throw new IllegalArgumentException(
            "model.item-features.bucket-widths must be name=width pairs with positive widths,"
                + " separated by commas (e.g. year=5,price=10), was '"
                + spec
                + "'");
      }
      widths.put(normalise(kv[0]), width);
    }
    return widths;
  }
}
