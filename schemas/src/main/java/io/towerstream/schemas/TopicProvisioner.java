package io.towerstream.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates towerstream's topics when they are missing, with the settings their contracts need:
 * {@code embeddings}, {@code trainer-status} and {@code item-features} are compacted (latest value
 * per key is the state), the others are plain logs ({@code model-sync} with a single partition and
 * a day's retention). Existing topics are left as they are.
 */
public final class TopicProvisioner {
  private TopicProvisioner() {}

  /** The topic names in use, which configuration may override. */
  public record TopicNames(
      String clicks,
      String clicksDlq,
      String embeddings,
      String embeddingsDlq,
      String trainerStatus,
      String modelSync,
      String itemFeatures) {
    public static TopicNames defaults() {
      return new TopicNames(
          Topics.CLICKS.defaultName(),
          Topics.CLICKS_DLQ.defaultName(),
          Topics.EMBEDDINGS.defaultName(),
          Topics.EMBEDDINGS_DLQ.defaultName(),
          Topics.TRAINER_STATUS.defaultName(),
          Topics.MODEL_SYNC.defaultName(),
          Topics.ITEM_FEATURES.defaultName());
    }
  }

  /**
   * How long the sync topic keeps deltas: a restore from an older checkpoint misses the ones it had
   * not applied.
   */
  static final String MODEL_SYNC_RETENTION_MS = Long.toString(24L * 3600 * 1000);

  /**
   * Every topic with the settings its contract needs; deployments that create topics by other means
   * (Strimzi's {@code KafkaTopic}) are checked against this.
   */
  public static List<NewTopic> plan(TopicNames names, int partitions, short replication) {
    Map<String, String> compacted =
        Map.of(
            "cleanup.policy",
            "compact",
            "min.cleanable.dirty.ratio",
            "0.1",
            "segment.ms",
            "600000");
    List<NewTopic> wanted = new ArrayList<>();
    wanted.add(new NewTopic(names.clicks(), partitions, replication));
    wanted.add(new NewTopic(names.clicksDlq(), partitions, replication));
    wanted.add(new NewTopic(names.embeddings(), partitions, replication).configs(compacted));
    wanted.add(new NewTopic(names.embeddingsDlq(), partitions, replication));
    wanted.add(new NewTopic(names.trainerStatus(), 1, replication).configs(compacted));
    // the catalogue: the trainer reads it from the start, and only the latest features per item
    // matter
    wanted.add(new NewTopic(names.itemFeatures(), partitions, replication).configs(compacted));
    // one partition: one source subtask broadcasts every delta to every trainer, in each origin's
    // order
    wanted.add(
        new NewTopic(names.modelSync(), 1, replication)
            .configs(
                Map.of(
                    "cleanup.policy",
                    "delete",
                    "retention.ms",
                    MODEL_SYNC_RETENTION_MS,
                    "max.message.bytes",
                    Integer.toString(4 << 20))));
    return wanted;
  }

  /**
   * Creates every missing topic with {@code partitions} partitions and the given replication
   * factor.
   */
  public static void ensureTopics(
      String bootstrapServers, TopicNames names, int partitions, short replication) {
    ensureTopics(bootstrapServers, Map.of(), names, partitions, replication);
  }

  /** As above, with extra admin client properties (security: see {@link KafkaClientProperties}). */
  public static void ensureTopics(
      String bootstrapServers,
      Map<String, String> clientProperties,
      TopicNames names,
      int partitions,
      short replication) {
    Properties props = KafkaClientProperties.addTo(new Properties(), clientProperties);
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    List<NewTopic> wanted = plan(names, partitions, replication);
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
      if (missing.isEmpty()) {
        return;
      }
      try {
        admin.createTopics(missing).all().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot create topics on " + bootstrapServers + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while creating topics on " + bootstrapServers, e);
    }
  }
}
