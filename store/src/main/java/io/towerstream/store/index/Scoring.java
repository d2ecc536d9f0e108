package io.towerstream.store.index;

/**
 * How a query scores an item. Users rank items by {@code dot + bias} (the trainer's popularity
 * prior is part of the model's score); item-to-item similarity is a property of the vectors alone,
 * so it ranks by the dot product, and a caller may ask for the dot product alone to see the model
 * without its prior.
 */
public enum Scoring {
  /** {@code query · item + item bias}. */
  DOT_PLUS_BIAS,
  /** {@code query · item}. */
  DOT;

  /**
   * The score of an item with dot product {@code dot} and bias {@code bias}: the one formula every
   * index uses.
   */
  public float score(float dot, float bias) {
    return this == DOT_PLUS_BIAS ? dot + bias : dot;
  }
}
