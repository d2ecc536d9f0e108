package io.towerstream.cli.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium, headless, as browser tests drive it: loads a page, lets its scripts run for a
 * virtual-time budget (timers and fetches included), then prints the resulting DOM or saves a
 * screenshot. The flags keep it off the network (this machine's is closed) and out of any earlier
 * profile.
 */
final class HeadlessChromium {
  private final Path binary;
  private final Path profile;

  private HeadlessChromium(Path binary, Path profile) {
    this.binary = binary;
    this.profile = profile;
  }

  /** Chromium if installed ({@code .ci/run} installs Debian's package); empty otherwise. */
  static Optional<HeadlessChromium> find(Path profile) {
    for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      Path p = Path.of(candidate);
      if (Files.isExecutable(p)) {
        return Optional.of(new HeadlessChromium(p, profile));
      }
    }
    return Optional.empty();
  }

  /** The DOM of {@code url} after {@code budget} of virtual time. */
  String dumpDom(String url, Duration budget) throws IOException, InterruptedException {
    return run(url, budget, List.of("--dump-dom"));
  }

  /**
   * Saves a PNG of {@code url}, {@code width} × {@code height}, after {@code budget} of virtual
   * time.
   */
  void screenshot(String url, Duration budget, Path png, int width, int height)
      throws IOException, InterruptedException {
    run(
        url,
        budget,
        List.of(
            "--hide-scrollbars", "--window-size=" + width + "," + height, "--screenshot=" + png));
  }

  private String run(String url, Duration budget, List<String> mode)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=" + budget.toMillis()));
    command.addAll(mode);
    command.add(url);
    Path log = Files.createTempFile("chromium", ".log");
    Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("chromium failed on " + url + ":\n" + Files.readString(log));
    }
    Files.deleteIfExists(log);
    return new String(out, StandardCharsets.UTF_8);
  }
}
