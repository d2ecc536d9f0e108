package io.towerstream.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of the Markdown files (README, docs/, the modules' READMEs) leads to a file
 * of the repository, and a link to a heading ({@code page.md#anchor}) to a heading that page has,
 * named as GitHub names its anchors.
 */
class DocLinksTest {
  /** An inline link or image, {@code [text](target "title")}. */
  private static final Pattern LINK =
      Pattern.compile("!?\\[[^\\]]*\\]\\(<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\)");

  /** A code span, whose text is code, not links. */
  private static final Pattern CODE_SPAN = Pattern.compile("(`+).*?\\1");

  private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");

  @Test
  void everyRelativeLinkLeadsToAFileAndAHeadingOfTheRepository() throws Exception {
    RepositoryFiles.Checkout checkout = RepositoryFiles.checkoutOrSkip();

    Map<Path, Set<String>> anchors = new HashMap<>();
    List<String> broken = new ArrayList<>();
    for (Path file : checkout.files()) {
      if (!file.toString().endsWith(".md")) {
        continue;
      }
      List<String> lines = prose(checkout.root().resolve(file));
      for (int i = 0; i < lines.size(); i++) {
        Matcher link = LINK.matcher(CODE_SPAN.matcher(lines.get(i)).replaceAll("``"));
        while (link.find()) {
          String problem = problem(checkout.root(), file, link.group(1), anchors);
          if (problem != null) {
            broken.add(file + ":" + (i + 1) + ": " + link.group(1) + ": " + problem);
          }
        }
      }
    }
    assertThat(broken).as("broken relative links in Markdown").isEmpty();
  }

  @Test
  void anchorsAreNamedAsGitHubNamesThem() {
    assertThat(anchorsOf(List.of("## HTTP API (retrieval store)", "## Freshness", "## Freshness")))
        .containsExactlyInAnyOrder("http-api-retrieval-store", "freshness", "freshness-1");
    assertThat(anchorsOf(List.of("### Beside Lucene HNSW (`--peer lucene`)")))
        .containsExactly("beside-lucene-hnsw---peer-lucene");
    assertThat(anchorsOf(List.of("### Exact index figures (the AMD EPYC machine, load 2.5–3.5)")))
        .containsExactly("exact-index-figures-the-amd-epyc-machine-load-2535");
    assertThat(anchorsOf(List.of("## See [the API](api.md) *now*", "<a id=\"custom\"></a>")))
        .containsExactlyInAnyOrder("see-the-api-now", "custom");
  }

  /** What is wrong with the link, or null when it leads somewhere in the repository. */
  private static String problem(Path root, Path from, String target, Map<Path, Set<String>> anchors)
      throws IOException {
    if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
      return null; // http:, https:, mailto: ... lead outside the repository
    }
    int hash = target.indexOf('#');
    String path = hash < 0 ? target : target.substring(0, hash);
    String anchor = hash < 0 ? null : target.substring(hash + 1);
    Path base = root.resolve(from).getParent();
    Path resolved = (path.isEmpty() ? root.resolve(from) : base.resolve(path)).normalize();
    if (!resolved.startsWith(root)) {
      return "leads outside the repository";
    }
    if (!Files.exists(resolved)) {
      return "no such file";
    }
    if (anchor != null && resolved.toString().endsWith(".md")) {
      Set<String> known = anchors.get(resolved);
      if (known == null) {
        known = anchorsOf(prose(resolved));
        anchors.put(resolved, known);
      }
      if (!known.contains(anchor)) {
        return "no heading with the anchor #" + anchor;
      }
    }
    return null;
  }

  /** The page's lines, those of fenced code blocks blank. */
  private static List<String> prose(Path page) throws IOException {
    List<String> out = new ArrayList<>();
    boolean fenced = false;
    for (String line : RepositoryFiles.textLines(page, StandardCharsets.UTF_8)) {
      if (line.strip().startsWith("```") || line.strip().startsWith("~~~")) {
        fenced = !fenced;
        out.add("");
      } else {
        out.add(fenced ? "" : line);
      }
    }
    return out;
  }

  /** The anchors GitHub gives the headings (and HTML anchors) of these lines. */
  static Set<String> anchorsOf(List<String> lines) {
    Set<String> out = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (String line : lines) {
      Matcher html = HTML_ANCHOR.matcher(line);
      while (html.find()) {
        out.add(html.group(1));
      }
      Matcher heading = HEADING.matcher(line);
      if (heading.matches()) {
        String slug = slug(heading.group(1));
        int n = seen.merge(slug, 1, Integer::sum) - 1;
        out.add(n == 0 ? slug : slug + "-" + n);
      }
    }
    return out;
  }

  /**
   * GitHub's anchor of a heading: its text (links as their text, without emphasis or code marks) in
   * lower case, without punctuation, spaces as hyphens.
   */
  private static String slug(String heading) {
    String text =
        heading
            .replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
            .replaceAll("<[^>]+>", "")
            .replace("`", "")
            .replace("*", "");
    return text.toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N}\\p{M}\\p{Pc} -]", "")
        .replace(' ', '-');
  }
}
