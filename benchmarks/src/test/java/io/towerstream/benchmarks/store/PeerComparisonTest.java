package io.towerstream.benchmarks.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bench store --peer lucene} at a tiny size: the report's tables have the rows the options
 * ask for, and Lucene's side measures what a working peer would (no timing is asserted).
 */
class PeerComparisonTest {
  private static List<String> lines;

  @BeforeAll
  static void runTinyComparison() throws Exception {
    BenchOptions o =
        BenchOptions.parse(
            new String[] {
              "--items", "2000",
              "--data", "clustered",
              "--dim", "16",
              "--k", "10",
              "--threads", "1",
              "--seconds", "1",
              "--updates-per-sec", "200",
              "--recall-queries", "50",
              "--hnsw-overquery", "1,3",
              "--index-build-threads", "1",
              "--peer", "lucene",
              "--lucene-ef", "10,60",
              "--lucene-refresh-ms", "50"
            });
    StringWriter text = new StringWriter();
    assertThat(StoreBenchmark.run(o, new PrintWriter(text, true))).isZero();
    lines = text.toString().lines().toList();
  }

  @Test
  void printsTheStoreTableThenLucenesThenTheMatchedAndMemoryTables() {
    assertThat(lines)
        .anyMatch(l -> l.matches("peer: Lucene 9\\.[0-9.]+ HNSW, M 16, .*ef \\[10, 60\\].*"));
    List<String> tables = lines.stream().filter(l -> l.startsWith("|")).toList();
    // store: header, rule, 2 overqueries x (quiet, churn); Lucene: the same with 2 efs;
    // matched: header, rule, 2 targets x 2 phases x 1 thread count x 2 sides; memory: header, rule,
    // 2 sides
    assertThat(tables).hasSize((2 + 4) + (2 + 4) + (2 + 8) + (2 + 2));
    assertThat(tables.get(0)).contains("overquery", "recall@10", "visible p50/p99");
    assertThat(tables.get(6)).contains("index MB", "ef", "recall@10");
    assertThat(tables.get(12)).contains("recall >=", "phase", "side", "setting", "QPS", "p99 ms");
    assertThat(tables.get(22)).contains("heap MB", "storage MB", "visible p50/p99");

    List<String> matched = tables.subList(14, 22);
    assertThat(matched)
        .allSatisfy(r -> assertThat(cell(r, 0)).isEqualTo("clustered"))
        .allSatisfy(r -> assertThat(cell(r, 1)).isEqualTo("2,000"));
    assertThat(matched.stream().map(r -> cell(r, 5)).toList())
        .containsExactly(
            "towerstream",
            "lucene",
            "towerstream",
            "lucene",
            "towerstream",
            "lucene",
            "towerstream",
            "lucene");
    assertThat(matched.stream().map(r -> cell(r, 2) + " " + cell(r, 3)).distinct().toList())
        .containsExactly("0.95 quiet", "0.95 churn", "0.99 quiet", "0.99 churn");
    for (String r : matched) {
      String setting = cell(r, 6);
      if (!setting.equals("not reached")) {
        assertThat(setting).matches(cell(r, 5).equals("lucene") ? "ef (10|60)" : "overquery (1|3)");
        assertThat(Double.parseDouble(cell(r, 7)))
            .as("the chosen setting reaches the target: " + r)
            .isGreaterThanOrEqualTo(Double.parseDouble(cell(r, 2)));
        assertThat(Double.parseDouble(cell(r, 8).replace(",", ""))).isPositive();
      }
    }
    List<String> memory = tables.subList(24, 26);
    assertThat(memory.stream().map(r -> cell(r, 2)).toList())
        .containsExactly("towerstream", "lucene");
    assertThat(memory)
        .allSatisfy(r -> assertThat(Double.parseDouble(cell(r, 6).replace(",", ""))).isPositive())
        .allSatisfy(r -> assertThat(cell(r, 7)).matches("[0-9.]+/[0-9.]+"));
  }

  @Test
  void lucenesRecallAtItsLargestEfIsHighQuietAndUnderChurn() {
    List<String> lucene = lines.stream().filter(l -> l.startsWith("|")).toList().subList(8, 12);
    assertThat(lucene.stream().map(r -> cell(r, 5)).toList())
        .containsExactly("10", "60", "10", "60");
    assertThat(lucene.subList(0, 2)).allSatisfy(r -> assertThat(cell(r, 6)).isEqualTo("0"));
    assertThat(lucene.subList(2, 4))
        .allSatisfy(r -> assertThat(cell(r, 6)).isNotEqualTo("0"))
        .allSatisfy(r -> assertThat(cell(r, 12)).matches("[0-9.]+/[0-9.]+"));
    for (String r : List.of(lucene.get(1), lucene.get(3))) {
      assertThat(Double.parseDouble(cell(r, 11)))
          .as("Lucene's recall@10 at ef 60 over 2,000 clustered items: " + r)
          .isGreaterThan(0.95);
    }
    assertThat(Double.parseDouble(cell(lucene.get(1), 11)))
        .as("a wider beam finds at least as much")
        .isGreaterThanOrEqualTo(Double.parseDouble(cell(lucene.get(0), 11)));
  }

  private static String cell(String row, int column) {
    return row.split("\\|")[column + 1].trim();
  }
}
