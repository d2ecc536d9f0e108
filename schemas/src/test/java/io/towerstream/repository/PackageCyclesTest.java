package io.towerstream.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No package of the main code depends, through others, on a package that depends on it: a cycle
 * makes packages one unit that cannot be understood, tested or split apart alone. A cycle that
 * exists while it is being broken is listed below by its exact packages, and the list can only
 * shrink: a new cycle fails, a listed one that takes in another package fails, and one that has
 * been broken up (in part or whole) fails until its entry is replaced or removed.
 */
class PackageCyclesTest {
  /**
   * Cycles known to exist, each by its exact packages, until they are broken; never add one. Empty:
   * the cycles of the job, the model, the store and the store benchmark have all been broken, so
   * every package is held to none.
   */
  private static final List<Set<String>> KNOWN_CYCLES = List.of();

  @Test
  void theMainCodeHasNoPackageCycleBeyondTheKnownOnes() throws IOException {
    RepositoryFiles.Checkout checkout = RepositoryFiles.checkoutOrSkip();
    Map<Path, String> sources = new LinkedHashMap<>();
    for (Path file : checkout.files()) {
      if (file.getNameCount() > 4
          && file.subpath(1, 4).equals(Path.of("src", "main", "java"))
          && file.toString().endsWith(".java")) {
        sources.put(file, Files.readString(checkout.root().resolve(file), StandardCharsets.UTF_8));
      }
    }
    PackageGraph graph = PackageGraph.of(sources);
    assertThat(graph.packages())
        .as("the sources were read")
        .contains("io.towerstream.cli", "io.towerstream.cli.commands", "io.towerstream.config");
    assertThat(problems(graph, KNOWN_CYCLES)).as("package cycles in */src/main/java").isEmpty();
  }

  @Test
  void importsAndNamesWrittenInFullMakeACycleButCommentsAndStringsDoNot() {
    PackageGraph graph =
        PackageGraph.of(
            Map.of(
                Path.of("A.java"),
                "package io.towerstream.a;\nimport io.towerstream.b.B;\n",
                Path.of("B.java"),
                "package io.towerstream.b;\nclass B { io.towerstream.c.C c; }\n",
                Path.of("C.java"),
                "package io.towerstream.c;\nimport static io.towerstream.a.A.run;\n",
                Path.of("D.java"),
                "package io.towerstream.d;\nimport io.towerstream.a.*;\n// io.towerstream.e.E\n"
                    + "/** {@link io.towerstream.e.E} */ class D { String s = \"io.towerstream.e.E\";"
                    + " String t = \"\"\"\n io.towerstream.e.E \\\"\"\" \"\"\"; char q = '\"'; }\n",
                Path.of("E.java"),
                "package io.towerstream.e;\nimport io.towerstream.d.D;\n"));
    assertThat(graph.cycles()).containsExactly(packages("a", "b", "c"));
    assertThat(graph.explain(packages("a", "b", "c")))
        .contains("io.towerstream.a -> io.towerstream.b (A.java)")
        .contains("io.towerstream.c -> io.towerstream.a (C.java)");
  }

  @Test
  void theKnownCyclesCanOnlyShrink() {
    PackageGraph graph =
        PackageGraph.of(
            Map.of(
                Path.of("A.java"), "package io.towerstream.a;\nimport io.towerstream.b.B;\n",
                Path.of("B.java"), "package io.towerstream.b;\nimport io.towerstream.a.A;\n",
                Path.of("C.java"), "package io.towerstream.c;\nimport io.towerstream.d.D;\n",
                Path.of("D.java"), "package io.towerstream.d;\nimport io.towerstream.c.C;\n"));
    assertThat(problems(graph, List.of(packages("a", "b"), packages("c", "d")))).isEmpty();
    assertThat(problems(graph, List.of(packages("a", "b"))))
        .singleElement()
        .asString()
        .startsWith("new package cycle [io.towerstream.c, io.towerstream.d]")
        .contains("io.towerstream.d -> io.towerstream.c (D.java)");
    assertThat(problems(graph, List.of(packages("a"), packages("c", "d"))))
        .singleElement()
        .asString()
        .startsWith(
            "the known cycle [io.towerstream.a] grew to [io.towerstream.a, io.towerstream.b]");
    assertThat(problems(graph, List.of(packages("a", "b", "x"), packages("c", "d", "e"))))
        .containsExactly(
            "the known cycle [io.towerstream.a, io.towerstream.b, io.towerstream.x] is now"
                + " [io.towerstream.a, io.towerstream.b]: replace its entry",
            "the known cycle [io.towerstream.c, io.towerstream.d, io.towerstream.e] is now"
                + " [io.towerstream.c, io.towerstream.d]: replace its entry");
    assertThat(problems(graph, List.of(packages("a", "b"), packages("c", "d"), packages("f", "g"))))
        .containsExactly(
            "the known cycle [io.towerstream.f, io.towerstream.g] no longer exists: remove its"
                + " entry");
  }

  /** What differs between the cycles of {@code graph} and {@code known}, one message each. */
  static List<String> problems(PackageGraph graph, List<Set<String>> known) {
    List<String> out = new ArrayList<>();
    List<Set<String>> found = graph.cycles();
    for (Set<String> cycle : found) {
      Set<String> entry =
          known.stream().filter(k -> k.stream().anyMatch(cycle::contains)).findFirst().orElse(null);
      if (entry == null) {
        out.add("new package cycle " + cycle + ": break it" + graph.explain(cycle));
      } else if (!entry.containsAll(cycle)) {
        out.add("the known cycle " + entry + " grew to " + cycle + graph.explain(cycle));
      } else if (!entry.equals(cycle)) {
        out.add("the known cycle " + entry + " is now " + cycle + ": replace its entry");
      }
    }
    for (Set<String> entry : known) {
      if (found.stream().noneMatch(c -> c.stream().anyMatch(entry::contains))) {
        out.add("the known cycle " + entry + " no longer exists: remove its entry");
      }
    }
    return out;
  }

  /** {@code io.towerstream.} + each name, sorted. */
  private static Set<String> packages(String... names) {
    return Stream.of(names)
        .map(n -> "io.towerstream." + n)
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
