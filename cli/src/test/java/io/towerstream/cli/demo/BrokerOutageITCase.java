package io.towerstream.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.towerstream.jobs.JobConfig;
import io.towerstream.kafka.embedded.EmbeddedKafkaBroker;
import io.towerstream.model.data.ClickRecord;
import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.store.RetrievalStore;
import io.towerstream.store.StoreConfig;
import io.towerstream.store.query.StoreStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away for 30 s mid-run, with clicks in flight (sent, not yet trained and
 * committed), and comes back on the same port and log directory. The training job (exactly-once,
 * the distributed default) and the store recover by themselves; every click is trained exactly once
 * and every user and item reaches the store; while the broker is gone, the store keeps answering
 * queries from what it has, and its {@code /v1/status} says that Kafka is unreachable and for how
 * long.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class BrokerOutageITCase {
  private static final int CLICKS_PER_PHASE = 5_000;
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void jobAndStoreRideOutABrokerOutageAndTheStatusShowsIt(@TempDir Path dir) throws Exception {
    EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.persistent(dir.resolve("kafka"), 0, Map.of("log.retention.ms", "-1"))
            .start();
    String bootstrap = broker.bootstrapServers();
    JobConfig config =
        JobConfig.fromArgs(
            "--bootstrap-servers",
            bootstrap,
            "--starting-offsets",
            "earliest",
            "--checkpoint.dir",
            dir.resolve("checkpoints").toUri().toString(),
            "--checkpoint.interval-ms",
            "1000",
            "--publish.interval-ms",
            "200",
            "--model.dim",
            "16",
            "--restart.delay-ms",
            "2000");
    TopicProvisioner.ensureTopics(bootstrap, config.topicNames(), 1, (short) 1);
    Set<String> users = new HashSet<>();
    Set<String> items = new HashSet<>();
    try (RetrievalStore store =
            RetrievalStore.open(
                    StoreConfig.builder()
                        .bootstrapServers(bootstrap)
                        .dbPath(dir.resolve("store"))
                        .httpPort(0)
                        .build())
                .start();
        LocalTrainingJob job = LocalTrainingJob.start(config, 0, 0)) {
      String status = "http://127.0.0.1:" + store.port() + "/v1/status";
      List<ClickRecord> first = clicks(0, users, items);
      replay(bootstrap, config, first);
      awaitTrained(store, CLICKS_PER_PHASE);
      assertThat(get(status).path("kafkaReachable").asBoolean()).isTrue();
      String candidates =
          "http://127.0.0.1:" + store.port() + "/v1/users/" + first.get(0).userId() + "/candidates";

      // the broker stops as soon as the next phase is sent: its clicks are in the topic, and the
      // job has at most begun training them (none is committed before a checkpoint completes)
      replay(bootstrap, config, clicks(1, users, items));
      broker.stop();
      long stoppedAt = System.nanoTime();
      long inStoreAtStop = store.status().eventsTrained();
      boolean sawOutage = false;
      long longestReported = 0;
      int queriesAnswered = 0;
      while (System.nanoTime() - stoppedAt < OUTAGE.toNanos()) {
        JsonNode s = get(status); // the store keeps answering
        if (!s.path("kafkaReachable").asBoolean(true)) {
          sawOutage = true;
          longestReported = Math.max(longestReported, s.path("kafkaUnreachableMs").asLong());
        }
        assertThat(get(candidates + "?k=10").path("candidates"))
            .as("a query during the outage")
            .hasSize(10);
        queriesAnswered++;
        Thread.sleep(500);
      }
      assertThat(inStoreAtStop)
          .as("clicks were in flight when the broker stopped")
          .isLessThan(2L * CLICKS_PER_PHASE);
      assertThat(sawOutage).as("/v1/status reported the outage while it lasted").isTrue();
      assertThat(longestReported)
          .as("and how long it had lasted")
          .isGreaterThan(OUTAGE.toMillis() / 2);

      broker.start();
      long restartedAt = System.nanoTime();
      awaitTrained(store, 2L * CLICKS_PER_PHASE);
      double inFlightTrained = (System.nanoTime() - restartedAt) / 1e9;
      replay(bootstrap, config, clicks(2, users, items));
      awaitTrained(store, 3L * CLICKS_PER_PHASE);
      System.out.printf(
          "BrokerOutageITCase: %d of %d clicks in the store when the broker stopped; %d queries answered "
              + "during the %d s outage (longest reported %d ms); the clicks in flight trained and in the "
              + "store %.1f s after the broker came back, all %d clicks %.1f s after%n",
          inStoreAtStop,
          2 * CLICKS_PER_PHASE,
          queriesAnswered,
          OUTAGE.toSeconds(),
          longestReported,
          inFlightTrained,
          3 * CLICKS_PER_PHASE,
          (System.nanoTime() - restartedAt) / 1e9);

      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      StoreStatus s = store.status();
      while ((s.usersEmbedded() < users.size()
              || s.itemsEmbedded() < items.size()
              || !s.kafkaReachable())
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
        s = store.status();
      }
      assertThat(s.kafkaReachable()).isTrue();
      assertThat(s.eventsTrained())
          .as("none lost, none trained twice")
          .isEqualTo(3L * CLICKS_PER_PHASE);
      assertThat(s.usersEmbedded()).isEqualTo(users.size());
      assertThat(s.itemsEmbedded()).isEqualTo(items.size());
    } finally {
      broker.close();
    }
  }

  private static List<ClickRecord> clicks(int phase, Set<String> users, Set<String> items) {
    Random random = new Random(phase);
    List<ClickRecord> out = new ArrayList<>();
    for (int i = 0; i < CLICKS_PER_PHASE; i++) {
      String user = "user-" + (phase * 50 + random.nextInt(150));
      String item = "item-" + random.nextInt(80);
      users.add(user);
      items.add(item);
      out.add(
          new ClickRecord(
              user, item, 1_700_000_000_000L + (phase * CLICKS_PER_PHASE + i) * 1000L, 1));
    }
    return out;
  }

  private static void replay(String bootstrap, JobConfig config, List<ClickRecord> clicks)
      throws Exception {
    try (ClickReplayer replayer = new ClickReplayer(bootstrap, config.clicksTopic())) {
      replayer.replay(clicks.iterator(), 0);
    }
  }

  private static void awaitTrained(RetrievalStore store, long events) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (store.status().eventsTrained() < events) {
      assertThat(System.nanoTime())
          .as("%d events trained and in the store; %s", events, store.status())
          .isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private JsonNode get(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return json.readTree(r.body());
  }
}
