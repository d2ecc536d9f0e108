package io.towerstream.repository;

import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The files of the repository these tests run in, as git lists them: tracked ones and new ones not
 * ignored, so build outputs, downloaded data and logs are never read. Empty when the tests do not
 * run inside a git checkout (a source archive) or git cannot be run.
 */
final class RepositoryFiles {
  private RepositoryFiles() {}

  /** A checkout's root and the files git would commit, relative to it. */
  record Checkout(Path root, List<Path> files) {}

  /**
   * The checkout these tests run in; skips the calling test (a JUnit assumption) outside a git
   * checkout or where git cannot list the files.
   */
  static Checkout checkoutOrSkip() {
    Optional<Path> root = root();
    assumeTrue(root.isPresent(), "not inside a git checkout: nothing to check");
    List<Path> files = list(root.get());
    assumeFalse(files.isEmpty(), "git could not list the checkout's files");
    return new Checkout(root.get(), files);
  }

  /** The checkout's root: the nearest directory above the working one with a pom and a .git. */
  static Optional<Path> root() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve(".git")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  /** Every file git would commit, relative to {@code root}; empty when git cannot list them. */
  static List<Path> list(Path root) {
    ProcessBuilder git =
        new ProcessBuilder(
                "git",
                "-C",
                root.toString(),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard")
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    try {
      Process process = git.start();
      byte[] out;
      try (InputStream in = process.getInputStream()) {
        out = in.readAllBytes();
      }
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        return List.of();
      }
      List<Path> files = new ArrayList<>();
      for (String name : new String(out, StandardCharsets.UTF_8).split("\0")) {
        // a tracked file deleted in the working tree is listed too
        if (!name.isEmpty() && Files.isRegularFile(root.resolve(name))) {
          files.add(Path.of(name));
        }
      }
      return files;
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  /** The file's lines in {@code charset}, or none for a binary file (a NUL byte in it). */
  static List<String> textLines(Path file, Charset charset) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    for (byte b : bytes) {
      if (b == 0) {
        return List.of();
      }
    }
    return List.of(new String(bytes, charset).split("\r?\n", -1));
  }
}
