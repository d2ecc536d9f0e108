package io.towerstream.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.kafka.embedded.EmbeddedKafkaBroker;
import io.towerstream.schemas.AvroTrust;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.ClickEvent;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** {@code towerstream produce} (compose's click generator) against an in-process broker. */
class ProduceCommandITCase {

  @Test
  void producesTheSyntheticStreamAsClickEventsKeyedByUser() {
    AvroTrust.ensure();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.temporary().start()) {
      String bootstrap = broker.bootstrapServers();
      assertThat(CliRun.of("topics", "--bootstrap-servers", bootstrap).exitCode()).isZero();
      CliRun run =
          CliRun.of(
              "produce",
              "--bootstrap-servers",
              bootstrap,
              "--synthetic-users",
              "30",
              "--synthetic-items",
              "20",
              "--synthetic-clusters",
              "3",
              "--synthetic-events",
              "700",
              "--rate",
              "5000");
      assertThat(run.exitCode()).as(run.err()).isZero();

      TopicPartition clicks = new TopicPartition(Topics.CLICKS.defaultName(), 0);
      Set<String> users = new HashSet<>();
      int records = 0;
      try (KafkaConsumer<String, byte[]> consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrap,
                  ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                  "earliest"),
              new StringDeserializer(),
              new ByteArrayDeserializer())) {
        consumer.assign(List.of(clicks));
        long end = consumer.endOffsets(List.of(clicks)).get(clicks);
        assertThat(end).isEqualTo(700);
        while (consumer.position(clicks) < end) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
            ClickEvent e = Topics.CLICKS.codec().decode(r.value());
            assertThat(r.key()).isEqualTo(e.getUserId());
            users.add(e.getUserId());
            records++;
          }
        }
      }
      assertThat(records).isEqualTo(700);
      assertThat(users).hasSizeGreaterThan(1).hasSizeLessThanOrEqualTo(30);
    }
  }

  @Test
  void aNegativeRateIsRefusedBeforeAnythingIsSent() {
    CliRun run = CliRun.of("produce", "--bootstrap-servers", "127.0.0.1:1", "--rate", "-1");
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err()).contains("--rate must be a finite number >= 0");
  }
}
