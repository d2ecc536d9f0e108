package io.towerstream.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A main-code source file over {@value #MAX_LINES} lines says why in its class comment (a sentence
 * starting "Long for one reason"), so that a long file is a decision someone wrote down, not a
 * class that grew: a newcomer either finds the reason or splits the file.
 */
class LongFilesTest {
  static final int MAX_LINES = 500;
  static final String REASON = "Long for one reason";

  @Test
  void everyLongMainFileSaysWhy() throws Exception {
    RepositoryFiles.Checkout checkout = RepositoryFiles.checkoutOrSkip();
    List<String> unexplained = new ArrayList<>();
    for (Path file : checkout.files()) {
      String name = file.toString().replace('\\', '/');
      if (!name.endsWith(".java") || !name.contains("/src/main/")) {
        continue;
      }
      List<String> lines =
          RepositoryFiles.textLines(checkout.root().resolve(file), StandardCharsets.UTF_8);
      if (lines.size() > MAX_LINES && !explains(lines)) {
        unexplained.add(name + " (" + lines.size() + " lines)");
      }
    }
    assertThat(unexplained)
        .as(
            "main files over %d lines whose class comment does not say why (\"%s: ...\"); split"
                + " them or write the reason",
            MAX_LINES, REASON)
        .isEmpty();
  }

  @Test
  void theReasonCountsOnlyInTheCommentBeforeTheClass() {
    assertThat(explains(List.of("/**", " * <p>" + REASON + ": x.", " */", "class A {}"))).isTrue();
    assertThat(explains(List.of("/** A. */", "class A {", "  // " + REASON, "}"))).isFalse();
    assertThat(explains(List.of("class A {}"))).isFalse();
  }

  /** Whether the comment before the first top-level type declaration gives the reason. */
  static boolean explains(List<String> lines) {
    for (String line : lines) {
      String s = line.strip();
      if (s.matches("(public |abstract |final |sealed )*(class|record|interface|enum) .*")) {
        return false;
      }
      if (s.startsWith("*") && s.contains(REASON)) {
        return true;
      }
    }
    return false;
  }
}
