package io.towerstream.benchmarks.store;

import io.towerstream.store.index.Scoring;
import java.util.List;

/**
 * One side of the benchmark as the sweep drives it: an index with a search-time knob (the store's
 * overquery, Lucene's ef) that is measured at several values on the same built index, quiet and
 * under churn.
 */
interface SweptIndex extends ChurnTarget {
  /** What the knob is called in the logs and tables ({@code overquery}, {@code ef}). */
  String settingName();

  /** The knob's values to measure, cheapest first. */
  List<Float> settings();

  /** Makes the following queries search with {@code setting}. */
  void use(float setting);

  /** The timed call: the top {@code k} for {@code query}, ranked by {@code dot + bias}. */
  Object topK(float[] query, int k) throws Exception;

  /** The ids of the top {@code k} for {@code query} by {@code scoring}, for recall. */
  List<String> topIds(float[] query, int k, Scoring scoring) throws Exception;

  /** A line on the index after the churn phase (its graph, delta or segments). */
  String churnSummary();
}
