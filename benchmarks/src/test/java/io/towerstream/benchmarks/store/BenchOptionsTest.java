package io.towerstream.benchmarks.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.store.IndexKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
  @Test
  void noArgumentRunsTheQuickBenchmark() {
    BenchOptions o = BenchOptions.parse(new String[0]);
    assertThat(o.items()).containsExactly(100_000);
    assertThat(o.data()).containsExactly("clustered");
    assertThat(o.dim()).isEqualTo(64);
    assertThat(o.threads()).containsExactly(1, 2);
    assertThat(o.index()).isEqualTo(IndexKind.HNSW);
    assertThat(o.graph().minGraphItems()).isZero();
    assertThat(o.lucenePeerEnabled()).isFalse();
    assertThat(o.recallTargets()).containsExactly(0.95, 0.99);
  }

  @Test
  void listsAndBothFlagFormsAreRead() {
    BenchOptions o =
        BenchOptions.parse(
            new String[] {
              "--items=1_000,2000",
              "--data",
              "Clustered",
              "--hnsw-overquery",
              "1,2.5",
              "--peer",
              "lucene",
              "--lucene-ef",
              "100,300"
            });
    assertThat(o.items()).containsExactly(1000, 2000);
    assertThat(o.data()).containsExactly("clustered");
    assertThat(o.overqueries()).containsExactly(1f, 2.5f);
    assertThat(o.graph().overquery()).isEqualTo(1f);
    assertThat(o.peer()).isEqualTo("lucene");
    assertThat(o.lucene().efs()).containsExactly(100, 300);
  }

  @Test
  void badValuesFailNamingTheOption() {
    for (List<String> bad :
        List.of(
            List.of("--items", "-5"),
            List.of("--items", "0"),
            List.of("--k", "1001"),
            List.of("--threads", "1,0"),
            List.of("--hnsw-overquery", "0.5"),
            List.of("--data", "uniform"),
            List.of("--peer", "faiss"),
            List.of("--bias-scale", "-1"),
            List.of("--recall-targets", "0.9,1.5"),
            List.of("--lucene-max-conn", "0"),
            List.of("--lucene-refresh-ms", "0"))) {
      assertThatThrownBy(() -> BenchOptions.parse(bad.toArray(String[]::new)))
          .as(bad.toString())
          .hasMessageStartingWith(bad.get(0));
    }
    assertThatThrownBy(
            () -> BenchOptions.parse(new String[] {"--peer", "lucene", "--lucene-ef", "50"}))
        .hasMessageContaining("--lucene-ef values must be at least --k (100)");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--dim", "8", "--dim", "16"}))
        .hasMessageContaining("more than once");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--threds", "1"}))
        .hasMessageContaining("did you mean --threads?");
  }

  @Test
  void theUsageListsEveryOptionWithItsDefault() {
    assertThat(BenchOptions.USAGE)
        .contains("--items", "(default: 100000)", "--lucene-ef", "(default: 100,200,400)")
        .contains("(default: all cores)")
        .doesNotContain("--config");
  }
}
