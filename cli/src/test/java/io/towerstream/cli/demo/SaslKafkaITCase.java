package io.towerstream.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.jobs.JobConfig;
import io.towerstream.kafka.embedded.EmbeddedKafkaBroker;
import io.towerstream.model.data.ClickRecord;
import io.towerstream.schemas.KafkaClientProperties;
import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.store.RetrievalStore;
import io.towerstream.store.StoreArgs;
import io.towerstream.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka security passes through every process: against a broker that accepts only
 * SASL-authenticated clients, topic provisioning, the training job (exactly-once, so also its
 * transactions) and the store, each configured with the same {@code --kafka-config-file}, train and
 * serve every click; a client without the credentials is refused.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SaslKafkaITCase {
  private static final int CLICKS = 2_000;

  @Test
  void jobStoreAndTopicsWorkAgainstABrokerThatRequiresSasl(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.persistent(dir.resolve("kafka"), 0, Map.of())
            .requireSaslPlain(Map.of("towerstream", "s3cret-pass"))
            .start()) {
      String bootstrap = broker.bootstrapServers();
      Path clientConfig = dir.resolve("client.properties");
      Files.writeString(
          clientConfig,
          """
          security.protocol=SASL_PLAINTEXT
          sasl.mechanism=PLAIN
          sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="towerstream" password="s3cret-pass";
          """);
      Map<String, String> security = KafkaClientProperties.load(clientConfig);
      assertThat(canListTopics(bootstrap, Map.of()))
          .as("the broker refuses unauthenticated clients")
          .isFalse();

      JobConfig config =
          JobConfig.fromArgs(
              "--bootstrap-servers",
              bootstrap,
              "--kafka-config-file",
              clientConfig.toString(),
              "--starting-offsets",
              "earliest",
              "--checkpoint.dir",
              dir.resolve("checkpoints").toUri().toString(),
              "--checkpoint.interval-ms",
              "1000",
              "--model.dim",
              "16");
      TopicProvisioner.ensureTopics(
          bootstrap, config.kafkaProperties(), config.topicNames(), 1, (short) 1);
      StoreConfig storeConfig =
          StoreArgs.parse(
              new String[] {
                "--bootstrap-servers",
                bootstrap,
                "--db-path",
                dir.resolve("store").toString(),
                "--port",
                "0",
                "--kafka-config-file",
                clientConfig.toString()
              },
              Map.of());
      assertThat(storeConfig.toString()).doesNotContain("s3cret-pass");
      assertThat(config.toString()).doesNotContain("s3cret-pass");

      try (RetrievalStore store = RetrievalStore.open(storeConfig).start();
          LocalTrainingJob job = LocalTrainingJob.start(config, 0, 0)) {
        Random random = new Random(3);
        List<ClickRecord> clicks = new ArrayList<>();
        for (int i = 0; i < CLICKS; i++) {
          clicks.add(
              new ClickRecord(
                  "user-" + random.nextInt(50),
                  "item-" + random.nextInt(40),
                  1_700_000_000_000L + i * 1000L,
                  i + 1));
        }
        try (ClickReplayer replayer =
            new ClickReplayer(bootstrap, config.clicksTopic(), security)) {
          replayer.replay(clicks.iterator(), 0);
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (store.status().eventsTrained() < CLICKS) {
          assertThat(System.nanoTime())
              .as("every click trained and its updates in the store; %s", store.status())
              .isLessThan(deadline);
          Thread.sleep(200);
        }
        assertThat(store.status().eventsTrained()).isEqualTo(CLICKS);
        assertThat(store.status().kafkaReachable()).isTrue();
        assertThat(store.status().itemsEmbedded()).isPositive();
      }
    }
  }

  private static boolean canListTopics(String bootstrap, Map<String, String> security) {
    Properties props = KafkaClientProperties.addTo(new Properties(), security);
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    try (Admin admin = Admin.create(props)) {
      admin.listTopics().names().get(6, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
