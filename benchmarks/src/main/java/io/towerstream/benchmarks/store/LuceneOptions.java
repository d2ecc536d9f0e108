package io.towerstream.benchmarks.store;

import java.util.List;

/**
 * The Lucene peer's settings ({@code --peer lucene}).
 *
 * @param maxConn HNSW max connections M (layer 0 keeps 2M: the default 16 gives the store's degree
 *     32)
 * @param beamWidth construction beam
 * @param efs search beams to measure on the same index (each query asks for ef hits and keeps the
 *     best k); each at least k
 * @param refreshMs near-real-time reopen interval under churn
 */
public record LuceneOptions(int maxConn, int beamWidth, List<Integer> efs, int refreshMs) {
  public LuceneOptions {
    efs = List.copyOf(efs);
  }

  public static LuceneOptions defaults() {
    return new LuceneOptions(16, 100, List.of(100, 200, 400), 100);
  }
}
