package io.towerstream.cli.commands;

import io.towerstream.cli.options.ConfigFileOption;
import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.schemas.TopicProvisioner.TopicNames;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** Creates towerstream's topics on a Kafka cluster, leaving existing ones alone. */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description =
        "Create the clicks, clicks.dlq, embeddings (compacted), embeddings.dlq, trainer-status (compacted), "
            + "item-features (compacted) and model-sync topics if missing.")
public final class TopicsCommand implements Callable<Integer> {
  @Mixin ConfigFileOption config;

  @Option(
      names = "--bootstrap-servers",
      required = true,
      description = "Kafka bootstrap servers, host:port[,host:port].")
  String bootstrapServers;

  @Option(
      names = "--partitions",
      defaultValue = "1",
      description = "Partitions of new topics (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--replication-factor",
      defaultValue = "1",
      description = "Replication factor of new topics (default: ${DEFAULT-VALUE}).")
  short replication;

  @Mixin KafkaClientOptions kafka;

  @Unmatched List<String> kafkaOptions = new ArrayList<>();

  @Override
  public Integer call() {
    if (partitions < 1) {
      throw new IllegalArgumentException("--partitions must be at least 1, was " + partitions);
    }
    if (replication < 1) {
      throw new IllegalArgumentException(
          "--replication-factor must be at least 1, was " + replication);
    }
    TopicNames names = TopicNames.defaults();
    TopicProvisioner.ensureTopics(
        bootstrapServers, kafka.properties(kafkaOptions), names, partitions, replication);
    System.out.printf(
        "topics ready on %s: %s, %s, %s, %s, %s, %s, %s%n",
        bootstrapServers,
        names.clicks(),
        names.clicksDlq(),
        names.embeddings(),
        names.embeddingsDlq(),
        names.trainerStatus(),
        names.modelSync(),
        names.itemFeatures());
    return 0;
  }
}
