package io.towerstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.schemas.Topic;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.TrainerStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a run of the job committed to its output topics, read back by the recovery tests: the latest
 * update per key (after a drain, the final model), the last trainer status and the number of dead
 * letters.
 */
public record PublishedModel(
    Map<String, EmbeddingUpdate> latest, TrainerStatus status, int deadLetters) {

  /**
   * Everything committed on the run's output topics (read_committed, to the last stable offsets).
   */
  public static PublishedModel read(JobConfig config) {
    Map<String, EmbeddingUpdate> latest = new HashMap<>();
    TrainerStatus[] status = new TrainerStatus[1];
    int[] deadLetters = new int[1];
    consumeToEnd(
        config,
        config.embeddingsTopic(),
        r -> {
          EmbeddingUpdate u = Topics.EMBEDDINGS.codec().decode(r.value());
          latest.merge(
              Topic.key(r.key()),
              u,
              (old, now) -> now.getSequence() >= old.getSequence() ? now : old);
        });
    consumeToEnd(
        config,
        config.statusTopic(),
        r -> status[0] = Topics.TRAINER_STATUS.codec().decode(r.value()));
    consumeToEnd(config, config.dlqTopic(), r -> deadLetters[0]++);
    return new PublishedModel(latest, status[0], deadLetters[0]);
  }

  /**
   * The largest absolute difference between two runs' final vectors; asserts they publish the same
   * keys and biases.
   */
  public double largestDifference(PublishedModel other) {
    assertThat(other.latest.keySet()).isEqualTo(latest.keySet());
    double max = 0;
    for (Map.Entry<String, EmbeddingUpdate> e : latest.entrySet()) {
      List<Float> want = e.getValue().getVector();
      List<Float> got = other.latest.get(e.getKey()).getVector();
      assertThat(got).hasSameSizeAs(want);
      for (int i = 0; i < want.size(); i++) {
        max = Math.max(max, Math.abs(want.get(i) - got.get(i)));
      }
      assertThat(other.latest.get(e.getKey()).getBias())
          .as(e.getKey())
          .isEqualTo(e.getValue().getBias());
    }
    return max;
  }

  /**
   * Waits until the run has trained at least {@code events}, as its status records say (uncommitted
   * ones too: they show progress before a checkpoint commits them); returns the count seen.
   *
   * @param ended whether the run has ended (then waiting is pointless)
   */
  public static long awaitTrained(
      JobConfig config, BooleanSupplier ended, long events, Duration timeout) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            consumerProperties(config, "read_uncommitted"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition(config.statusTopic(), 0);
      consumer.assign(List.of(partition));
      consumer.seekToEnd(List.of(partition));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
          long trained = Topics.TRAINER_STATUS.codec().decode(r.value()).getEventsTrained();
          if (trained >= events) {
            return trained;
          }
        }
        assertThat(ended.getAsBoolean())
            .as("the run ended before training %d events", events)
            .isFalse();
        assertThat(System.nanoTime())
            .as("training %d events within %s", events, timeout)
            .isLessThan(deadline);
      }
    }
  }

  private static void consumeToEnd(
      JobConfig config, String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            consumerProperties(config, "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end =
          consumer.endOffsets(partitions); // read_committed: the last stable offsets
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        assertThat(System.nanoTime()).as("reading %s to its end", topic).isLessThan(deadline);
        consumer.poll(Duration.ofMillis(200)).forEach(each);
      }
    }
  }

  private static Properties consumerProperties(JobConfig config, String isolation) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return props;
  }
}
