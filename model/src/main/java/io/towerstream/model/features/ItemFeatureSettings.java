package io.towerstream.model.features;

import static io.towerstream.model.settings.SettingChecks.require;

import java.io.Serializable;

/**
 * How the item tower reads an item's side features. Checks its own values, naming the job's option
 * for each; the bucket widths are parsed here, so a bad one fails before training starts.
 *
 * @param maxTokens the most feature tokens an item pools; 0 turns side features off
 * @param bucketWidths numeric features' bucket widths, {@code name=width,…}; empty for none
 * @param idDropout the probability of training an item without its id row, in [0, 1)
 */
public record ItemFeatureSettings(int maxTokens, String bucketWidths, double idDropout)
    implements Serializable {
  public ItemFeatureSettings {
    require(
        maxTokens >= 0 && maxTokens <= 1024,
        "model.item-features.max-tokens",
        maxTokens,
        "between 0 (side features off) and 1024");
    require(
        bucketWidths != null,
        "model.item-features.bucket-widths",
        bucketWidths,
        "set (empty for none)");
    require(
        idDropout >= 0 && idDropout < 1, "model.item-features.id-dropout", idDropout, "in [0, 1)");
    new FeatureTokens(maxTokens, bucketWidths); // fails fast, naming the option
  }

  /** How an item's features become the tokens its tower pools. */
  public FeatureTokens tokens() {
    return new FeatureTokens(maxTokens, bucketWidths);
  }
}
