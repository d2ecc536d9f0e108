package io.towerstream.store.index;

import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.graph.similarity.SearchScoreProvider;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;

/**
 * jvector's scores over one generation's {@link GraphNodes}, read in place from their arrays, for
 * the graph's build, its merges and its searches. The similarity is jvector's {@code DOT_PRODUCT}
 * one, {@code (1 + x·y) / 2}, which its neighbour selection (the {@code alpha} rule) compares; only
 * the layout differs from jvector's own provider, which needs one vector object per node.
 */
final class NodeScoreProvider implements BuildScoreProvider {
  private static final VectorTypeSupport VTS =
      VectorizationProvider.getInstance().getVectorTypeSupport();

  private final GraphNodes nodes;

  NodeScoreProvider(GraphNodes nodes) {
    this.nodes = nodes;
  }

  private static float similarity(float dot) {
    return (1 + dot) / 2;
  }

  /** Scores of every node against an indexed query ({@link GraphNodes#query}). */
  SearchScoreProvider forQuery(float[] query) {
    ScoreFunction.ExactScoreFunction score = node -> similarity(nodes.dot(query, 0, node));
    return new DefaultSearchScoreProvider(score);
  }

  /** The indexed dimension ({@link GraphNodes#dimension()}). */
  int dimension() {
    return nodes.dimension();
  }

  @Override
  public boolean isExact() {
    return true;
  }

  /** The mean of the nodes' indexed vectors. */
  @Override
  public VectorFloat<?> approximateCentroid() {
    int n = nodes.size();
    int d = nodes.dimension();
    double[] sum = new double[d];
    for (int ord = 0; ord < n; ord++) {
      nodes.addTo(sum, ord);
    }
    float[] mean = new float[d];
    for (int j = 0; j < d; j++) {
      mean[j] = (float) (sum[j] / Math.max(1, n));
    }
    return VTS.createFloatVector(mean);
  }

  @Override
  public SearchScoreProvider searchProviderFor(VectorFloat<?> vector) {
    float[] query = new float[vector.length()];
    for (int j = 0; j < query.length; j++) {
      query[j] = vector.get(j);
    }
    return forQuery(query);
  }

  @Override
  public SearchScoreProvider searchProviderFor(int node) {
    ScoreFunction.ExactScoreFunction score = other -> similarity(nodes.dot(node, other));
    return new DefaultSearchScoreProvider(score);
  }

  @Override
  public SearchScoreProvider diversityProviderFor(int node) {
    return searchProviderFor(node);
  }
}
