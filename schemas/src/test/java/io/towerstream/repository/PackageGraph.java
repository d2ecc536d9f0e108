package io.towerstream.repository;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which of towerstream's packages use which, read from Java sources: a source's {@code package}
 * line names its package, and every {@code io.towerstream...} name in its code (imports, static
 * imports, wildcard imports and names written out in full; not comments or strings) a package it
 * depends on. Only packages the sources declare are nodes.
 */
final class PackageGraph {
  private static final Pattern PACKAGE = Pattern.compile("\\bpackage\\s+([\\w.]+)\\s*;");

  /** A package name up to the first segment that is a type ({@code Upper}) or {@code *}. */
  private static final Pattern REFERENCE =
      Pattern.compile("\\b(io\\.towerstream(?:\\.[a-z_][a-z0-9_]*)+)(?=\\s*\\.\\s*(?:[A-Z]|\\*))");

  /** Per package: the packages it uses, each with one source file that does. */
  private final Map<String, Map<String, Path>> edges = new TreeMap<>();

  /**
   * The graph of {@code sources}, by file.
   *
   * @throws IllegalArgumentException for a source without a package line
   */
  static PackageGraph of(Map<Path, String> sources) {
    PackageGraph graph = new PackageGraph();
    Map<Path, String> code = new HashMap<>();
    sources.forEach(
        (file, text) -> {
          String stripped = code(text);
          Matcher pkg = PACKAGE.matcher(stripped);
          if (!pkg.find()) {
            throw new IllegalArgumentException(file + " has no package line");
          }
          graph.edges.putIfAbsent(pkg.group(1), new TreeMap<>());
          code.put(file, stripped);
        });
    code.forEach(
        (file, stripped) -> {
          Matcher pkg = PACKAGE.matcher(stripped);
          pkg.find();
          Matcher ref = REFERENCE.matcher(stripped);
          while (ref.find()) {
            String used = ref.group(1);
            if (!used.equals(pkg.group(1)) && graph.edges.containsKey(used)) {
              graph.edges.get(pkg.group(1)).putIfAbsent(used, file);
            }
          }
        });
    return graph;
  }

  Set<String> packages() {
    return edges.keySet();
  }

  /**
   * The package cycles: each strongly connected component of more than one package (Tarjan's
   * algorithm), sorted.
   */
  List<Set<String>> cycles() {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    List<Set<String>> out = new ArrayList<>();
    for (String p : edges.keySet()) {
      if (!index.containsKey(p)) {
        connect(p, index, low, stack, out);
      }
    }
    return out;
  }

  private void connect(
      String v,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      List<Set<String>> out) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    for (String w : edges.get(v).keySet()) {
      if (!index.containsKey(w)) {
        connect(w, index, low, stack, out);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (stack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        out.add(component);
      }
    }
  }

  /** The uses inside {@code cycle}, one line each: {@code a -> b (File.java)}. */
  String explain(Set<String> cycle) {
    StringBuilder out = new StringBuilder();
    for (String from : cycle) {
      edges
          .get(from)
          .forEach(
              (to, file) -> {
                if (cycle.contains(to)) {
                  out.append("\n    ").append(from).append(" -> ").append(to);
                  out.append(" (").append(file).append(')');
                }
              });
    }
    return out.toString();
  }

  /** {@code source} with comments, strings, text blocks and characters blanked out. */
  static String code(String source) {
    StringBuilder out = new StringBuilder(source.length());
    int i = 0;
    int n = source.length();
    while (i < n) {
      if (source.startsWith("//", i)) {
        int end = source.indexOf('\n', i);
        i = end < 0 ? n : end;
      } else if (source.startsWith("/*", i)) {
        int end = source.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
        out.append(' ');
      } else if (source.startsWith("\"\"\"", i)) {
        i = skipQuoted(source, i + 3, "\"\"\"");
        out.append(' ');
      } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
        i = skipQuoted(source, i + 1, String.valueOf(source.charAt(i)));
        out.append(' ');
      } else {
        out.append(source.charAt(i++));
      }
    }
    return out.toString();
  }

  /** The index after the {@code close} that ends a literal begun before {@code i}. */
  private static int skipQuoted(String source, int i, String close) {
    while (i < source.length() && !source.startsWith(close, i)) {
      i += source.charAt(i) == '\\' ? 2 : 1;
    }
    return Math.min(source.length(), i + close.length());
  }
}
