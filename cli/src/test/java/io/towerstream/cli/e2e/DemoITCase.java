package io.towerstream.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.towerstream.cli.deploy.DashboardMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through the packaged CLI: broker, Flink MiniCluster, store and HTTP in one child
 * process.
 */
class DemoITCase {

  /**
   * Also the listeners: every one is on loopback. And the metrics: the job's through Flink's
   * Prometheus reporter (as a cluster's {@code metrics.reporter.prom.*} gives them) and the store's
   * {@code /metrics}; every metric the Grafana dashboard in infra/ charts is among them.
   */
  @Test
  void syntheticDemoTrainsEverythingAndServesCandidates(@TempDir Path dir) throws Exception {
    int metricsPort = freePort();
    int uiPort = freePort();
    try (DemoProcess demo =
        new DemoProcess(
            dir,
            List.of(
                "--job-metrics-port",
                Integer.toString(metricsPort),
                "--flink-ui-port",
                Integer.toString(uiPort),
                "--synthetic-users",
                "300",
                "--synthetic-items",
                "200",
                "--synthetic-events",
                "20000"))) {
      JsonNode status = demo.awaitReplayDone(Duration.ofMinutes(3));
      assertThat(status.path("eventsTrained").asLong()).isEqualTo(20_000);
      assertThat(status.path("eventsReplayed").asLong()).isEqualTo(20_000);
      assertThat(status.path("usersEmbedded").asLong())
          .isEqualTo(status.path("usersSeen").asLong())
          .isPositive();
      assertThat(status.path("itemsEmbedded").asLong())
          .isEqualTo(status.path("itemsSeen").asLong())
          .isPositive();

      JsonNode candidates = demo.get("/v1/users/u0/candidates?k=10");
      assertThat(candidates.path("candidates")).hasSize(10);
      assertThat(demo.output())
          .contains("bootstrap")
          .contains("metrics http://127.0.0.1:" + metricsPort);

      String job = demo.text("http://127.0.0.1:" + metricsPort + "/metrics");
      String store = demo.text(demo.baseUrl(Duration.ofSeconds(1)) + "/metrics");
      assertThat(sample(job, "flink_taskmanager_job_task_operator_eventsTrained"))
          .isEqualTo(20_000);
      assertThat(sample(job, "flink_taskmanager_job_task_operator_items")).isEqualTo(200);
      // the test-then-train metrics: one metric per measure, the scorer a label
      assertThat(
              job.lines()
                  .filter(l -> l.startsWith("flink_taskmanager_job_task_operator_prequential_")))
          .isNotEmpty()
          .allSatisfy(
              l ->
                  assertThat(l)
                      .startsWith("flink_taskmanager_job_task_operator_prequential_scorer_"))
          .anySatisfy(
              l ->
                  assertThat(l)
                      .startsWith(
                          "flink_taskmanager_job_task_operator_prequential_scorer_hitRate10{")
                      .contains("scorer=\"towerstream\""));
      JsonNode dashboard =
          new ObjectMapper()
              .readTree(Path.of("..", "infra", "monitoring", "grafana-dashboard.json").toFile());
      Set<String> exported = new HashSet<>();
      for (String line : (job + "\n" + store).split("\n")) {
        if (!line.isEmpty() && !line.startsWith("#")) {
          exported.add(line.split("[{ ]", 2)[0]);
        }
      }
      assertThat(exported)
          .as("every metric the dashboard charts")
          .containsAll(DashboardMetrics.names(dashboard));

      assertEveryListenerIsLoopback(demo, metricsPort, uiPort);
    }
  }

  /**
   * Every socket the demo's JVM listens on (the store's API, the broker, Flink's web UI, RPC, blob
   * server and data exchange, the job's metrics), read from {@code /proc} while the whole pipeline
   * runs, is bound to a loopback address.
   */
  private static void assertEveryListenerIsLoopback(DemoProcess demo, int... ports)
      throws Exception {
    if (!ListeningSockets.available()) {
      return; // not Linux
    }
    int storePort = java.net.URI.create(demo.baseUrl(Duration.ofSeconds(1))).getPort();
    List<ListeningSockets.Listener> listeners = ListeningSockets.of(demo.pid());
    assertThat(listeners)
        .as("the sockets this test sees include the ones it asked for")
        .extracting(ListeningSockets.Listener::port)
        .contains(storePort)
        .contains(java.util.Arrays.stream(ports).boxed().toArray(Integer[]::new));
    assertThat(listeners)
        .as("every listener of the demo's JVM: " + listeners)
        .allSatisfy(l -> assertThat(l.loopback()).as(l.toString()).isTrue());
  }

  /**
   * The store's dashboard in a real browser (headless Chromium) against a running demo: every chart
   * renders with samples from /v1/status, and the query box, given a user, lists that user's
   * candidates.
   */
  @Test
  void theDashboardChartsTheRunAndShowsAUsersCandidatesInABrowser(@TempDir Path dir)
      throws Exception {
    Optional<HeadlessChromium> browser = HeadlessChromium.find(dir.resolve("chromium-profile"));
    if (System.getenv("TOWERSTREAM_REQUIRE_BROWSER") != null) { // CI: the test must run
      assertThat(browser).as("Chromium, which .ci/run installs").isPresent();
    }
    assumeTrue(
        browser.isPresent(),
        "Chromium not installed (apt-get install chromium; .ci/run does): "
            + "the dashboard's browser test is skipped");
    try (DemoProcess demo =
        new DemoProcess(
            dir,
            List.of(
                "--job-metrics-port",
                "0",
                "--synthetic-users",
                "300",
                "--synthetic-items",
                "200",
                "--synthetic-events",
                "20000"))) {
      demo.awaitReplayDone(Duration.ofMinutes(3));
      String dom =
          browser
              .get()
              .dumpDom(
                  demo.baseUrl(Duration.ofSeconds(1)) + "/?user=u0&k=10", Duration.ofSeconds(12));
      Matcher points =
          Pattern.compile("class=\"chart\" id=\"(chart-[a-z]+)\" data-points=\"(\\d+)\"")
              .matcher(dom);
      Set<String> charted = new HashSet<>();
      while (points.find()) {
        assertThat(Integer.parseInt(points.group(2)))
            .as(points.group(1) + " samples")
            .isGreaterThanOrEqualTo(3);
        charted.add(points.group(1));
      }
      assertThat(charted)
          .containsExactlyInAnyOrder(
              "chart-loss",
              "chart-hr",
              "chart-rate",
              "chart-fresh",
              "chart-sizes",
              "chart-collapse");
      assertThat(Pattern.compile("<canvas").matcher(dom).results().count())
          .as("a canvas per chart")
          .isEqualTo(6);
      assertThat(dom)
          .as("the trainer's collapse monitoring reaches the page")
          .containsPattern("id=\"effective-rank\">\\d+\\.\\d<");
      assertThat(Pattern.compile("class=\"candidate\"").matcher(dom).results().count())
          .isEqualTo(10);
      assertThat(Pattern.compile("class=\"recent\"").matcher(dom).results().count())
          .as("the items u0's tower pooled, published with its vector")
          .isBetween(1L, 20L);
      assertThat(dom).doesNotContain("none published");
      assertThat(dom)
          .containsPattern("20.?000 events trained"); // the summary line, in the browser's locale
      assertThat(dom)
          .contains("<p id=\"query-error\" class=\"error\"></p>"); // no query error shown
    }
  }

  /** The value of the first sample of {@code metric} in a Prometheus text exposition. */
  private static double sample(String exposition, String metric) {
    for (String line : exposition.split("\n")) {
      if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no " + metric + " in\n" + exposition);
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void movieLensDemoTrainsAll100kEvents(@TempDir Path dir) throws Exception {
    String data = System.getProperty("towerstream.data.dir", "");
    assumeTrue(
        !data.isBlank() && Files.exists(Path.of(data, "u.data")),
        "MovieLens-100K not given: set TOWERSTREAM_DATA_DIR to the ml-100k folder to run this test");
    try (DemoProcess demo =
        new DemoProcess(
            dir,
            List.of(
                "--data",
                Path.of(data, "u.data").toString(),
                "--format",
                "movielens",
                "--job-metrics-port",
                "0"))) {
      JsonNode status = demo.awaitReplayDone(Duration.ofMinutes(5));
      assertThat(status.path("eventsTrained").asLong()).isEqualTo(100_000);
      assertThat(status.path("usersEmbedded").asLong()).isEqualTo(943);
      assertThat(status.path("itemsEmbedded").asLong()).isEqualTo(1682);
      JsonNode candidates = demo.get("/v1/users/1/candidates?k=10").path("candidates");
      assertThat(candidates).hasSize(10);
      // the demo found u.item beside u.data: candidates and the user's recent items carry MovieLens
      // titles
      assertThat(candidates).allSatisfy(c -> assertThat(c.path("title").asText()).isNotBlank());
      JsonNode recent = demo.get("/v1/embeddings/user/1").path("recentItems");
      assertThat(recent).hasSize(20);
      assertThat(recent).allSatisfy(r -> assertThat(r.path("title").asText()).isNotBlank());
    }
  }
}
