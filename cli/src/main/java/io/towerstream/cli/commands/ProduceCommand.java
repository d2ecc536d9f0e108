package io.towerstream.cli.commands;

import io.towerstream.cli.demo.ClickReplayer;
import io.towerstream.cli.demo.ClickStream;
import io.towerstream.schemas.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * Produces clicks to a Kafka cluster's clicks topic, as {@code ClickEvent} records: a click log, or
 * the synthetic stream with planted clusters the demo uses. The click generator of docker/'s
 * compose file.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Produce clicks (a click log, or a synthetic stream with planted clusters) to the clicks topic of "
            + "a Kafka cluster, then exit.",
    footer = {"", "Example: towerstream produce --bootstrap-servers localhost:29092 --rate 200"})
public final class ProduceCommand implements Callable<Integer> {
  @Mixin ClickSourceOptions source;

  @Mixin ConfigFileOption config;

  @Option(
      names = "--bootstrap-servers",
      required = true,
      description = "Kafka bootstrap servers, host:port[,host:port].")
  String bootstrapServers;

  @Option(
      names = "--topic",
      description = "Topic to produce to (default: the clicks topic's default name).")
  String topic = Topics.CLICKS.defaultName();

  @Option(
      names = "--rate",
      defaultValue = "0",
      description = "Events/s, 0 = as fast as the broker takes them (default).")
  double rate;

  @Option(
      names = "--kafka-config-file",
      description =
          "Properties file of Kafka client settings (security.protocol, "
              + "sasl.*, ssl.*); --kafka.<property> value sets one and wins over the file.")
  Path kafkaConfigFile;

  @Unmatched List<String> kafkaOptions = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("--rate must be a finite number >= 0, was " + rate);
    }
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("--topic must not be blank");
    }
    ClickStream stream = source.stream();
    long started = System.nanoTime();
    try (ClickReplayer replayer =
        new ClickReplayer(
            bootstrapServers, topic, KafkaOptions.parse(kafkaConfigFile, kafkaOptions))) {
      replayer.replay(stream.records().iterator(), rate);
      System.out.printf(
          "produced %d clicks (%s) to %s on %s in %.1f s%n",
          replayer.acknowledged(),
          stream.description(),
          topic,
          bootstrapServers,
          (System.nanoTime() - started) / 1e9);
    }
    return 0;
  }
}
