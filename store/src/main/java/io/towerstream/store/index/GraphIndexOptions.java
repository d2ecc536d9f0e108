package io.towerstream.store.index;

import java.time.Duration;

/**
 * Tuning of {@link GraphItemIndex}; {@link #defaults()} holds the values measured on 2 cores at
 * d=64 (see the store README). Invalid values fail with an {@link IllegalArgumentException} naming
 * the store option.
 *
 * @param minGraphItems build a graph only once the index holds this many items; below, every query
 *     is exact (the {@code auto} index kind; 0 for {@code hnsw})
 * @param maxDegree the most neighbours a graph node keeps (jvector's M); more: better recall,
 *     slower build
 * @param constructionBeam the beam of the searches that place a new node (jvector's beamWidth)
 * @param neighborOverflow how far a node's neighbour list may overflow {@code maxDegree} while
 *     building
 * @param alpha how much longer than the nearest neighbour an edge may be kept for diversity (1.2:
 *     DiskANN's)
 * @param overquery a top-k query searches the graph with a beam of {@code max(minSearchBeam, k *
 *     overquery)}
 * @param minSearchBeam the smallest search beam, for small k
 * @param mergeThreshold merge the exact delta into the graph once it holds this many items
 * @param mergeIdle or once nothing changed for this long and the delta is not empty
 * @param rebuildStaleRatio rebuild the graph from scratch once its stale nodes outnumber its live
 *     ones by this ratio (stale nodes cost memory and search time; they are never returned)
 * @param buildThreads threads of a full build (merges use the one maintenance thread)
 */
public record GraphIndexOptions(
    int minGraphItems,
    int maxDegree,
    int constructionBeam,
    float neighborOverflow,
    float alpha,
    float overquery,
    int minSearchBeam,
    int mergeThreshold,
    Duration mergeIdle,
    double rebuildStaleRatio,
    int buildThreads) {

  public GraphIndexOptions {
    if (minGraphItems < 0) {
      throw new IllegalArgumentException(
          "invalid store option --index-auto-threshold: must be >= 0, got " + minGraphItems);
    }
    positive("--hnsw-max-degree", maxDegree);
    positive("--hnsw-beam-width", constructionBeam);
    if (!(neighborOverflow >= 1f)) {
      throw new IllegalArgumentException(
          "invalid store option --hnsw-neighbor-overflow: must be at least 1, got "
              + neighborOverflow);
    }
    if (!(alpha > 0f)) {
      throw new IllegalArgumentException(
          "invalid store option --hnsw-alpha: must be positive, got " + alpha);
    }
    if (!(overquery >= 1f)) {
      throw new IllegalArgumentException(
          "invalid store option --hnsw-overquery: must be at least 1, got " + overquery);
    }
    positive("--hnsw-min-search-beam", minSearchBeam);
    positive("--index-merge-threshold", mergeThreshold);
    if (mergeIdle == null || mergeIdle.isNegative()) {
      throw new IllegalArgumentException(
          "invalid store option --index-merge-idle-ms: must be >= 0, got " + mergeIdle);
    }
    if (!(rebuildStaleRatio > 0)) {
      throw new IllegalArgumentException(
          "invalid store option --index-rebuild-stale-ratio: must be positive, got "
              + rebuildStaleRatio);
    }
    positive("--index-build-threads", buildThreads);
  }

  /**
   * The defaults: graph from 50,000 items, M 32, beam 200, overquery 3, merge at 1,024 or after 1 s
   * idle. Construction beam 200 rather than 100: at 1M clustered items two builds with beam 100
   * reached recall@100 0.9836 and 0.9784 at overquery 1 (and stopped at 0.993 and 0.982 however
   * wide the search), two with 200 reached 0.9967 and 0.9966, for 1.4x the build time and ~12%
   * fewer queries under 1,000 updates/s (docs/performance.md).
   */
  public static GraphIndexOptions defaults() {
    return new GraphIndexOptions(
        50_000,
        32,
        200,
        1.2f,
        1.2f,
        3f,
        50,
        1024,
        Duration.ofSeconds(1),
        1.0,
        Runtime.getRuntime().availableProcessors());
  }

  public GraphIndexOptions withMinGraphItems(int v) {
    return new GraphIndexOptions(
        v,
        maxDegree,
        constructionBeam,
        neighborOverflow,
        alpha,
        overquery,
        minSearchBeam,
        mergeThreshold,
        mergeIdle,
        rebuildStaleRatio,
        buildThreads);
  }

  public GraphIndexOptions withGraph(int maxDegree, int constructionBeam, float overquery) {
    return new GraphIndexOptions(
        minGraphItems,
        maxDegree,
        constructionBeam,
        neighborOverflow,
        alpha,
        overquery,
        minSearchBeam,
        mergeThreshold,
        mergeIdle,
        rebuildStaleRatio,
        buildThreads);
  }

  public GraphIndexOptions withMerge(int mergeThreshold, Duration mergeIdle) {
    return new GraphIndexOptions(
        minGraphItems,
        maxDegree,
        constructionBeam,
        neighborOverflow,
        alpha,
        overquery,
        minSearchBeam,
        mergeThreshold,
        mergeIdle,
        rebuildStaleRatio,
        buildThreads);
  }

  public GraphIndexOptions withRebuildStaleRatio(double v) {
    return new GraphIndexOptions(
        minGraphItems,
        maxDegree,
        constructionBeam,
        neighborOverflow,
        alpha,
        overquery,
        minSearchBeam,
        mergeThreshold,
        mergeIdle,
        v,
        buildThreads);
  }

  public GraphIndexOptions withBuildThreads(int v) {
    return new GraphIndexOptions(
        minGraphItems,
        maxDegree,
        constructionBeam,
        neighborOverflow,
        alpha,
        overquery,
        minSearchBeam,
        mergeThreshold,
        mergeIdle,
        rebuildStaleRatio,
        v);
  }

  private static void positive(String option, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(
          "invalid store option " + option + ": must be positive, got " + value);
    }
  }
}
