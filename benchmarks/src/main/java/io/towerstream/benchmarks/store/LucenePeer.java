package io.towerstream.benchmarks.store;

import io.towerstream.benchmarks.store.data.ItemUpdate;
import io.towerstream.benchmarks.store.lucene.LuceneSide;
import io.towerstream.store.index.Scoring;
import java.util.List;

/** Lucene's side of the comparison as the {@link Sweep} drives it: the knob is the search's ef. */
final class LucenePeer implements SweptIndex {
  private final LuceneSide lucene;
  private final List<Float> efs;
  private volatile int ef;

  LucenePeer(LuceneSide lucene, List<Integer> efs) {
    this.lucene = lucene;
    this.efs = efs.stream().map(Integer::floatValue).toList();
    this.ef = efs.get(0);
  }

  @Override
  public String settingName() {
    return "ef";
  }

  @Override
  public List<Float> settings() {
    return efs;
  }

  @Override
  public void use(float setting) {
    ef = (int) setting;
  }

  @Override
  public Object topK(float[] query, int k) throws Exception {
    return lucene.topIds(query, k, Math.max(k, ef), Scoring.DOT_PLUS_BIAS);
  }

  @Override
  public List<String> topIds(float[] query, int k, Scoring scoring) throws Exception {
    return lucene.topIds(query, k, Math.max(k, ef), scoring);
  }

  @Override
  public void apply(List<ItemUpdate> batch) throws Exception {
    lucene.update(batch);
  }

  @Override
  public void awaitVisible(ItemUpdate probe) throws Exception {
    lucene.awaitVisible(probe, ef);
  }

  @Override
  public String churnSummary() {
    return lucene.summary();
  }
}
