package io.towerstream.cli.commands;

import io.towerstream.cli.demo.CatalogueFile;
import io.towerstream.cli.demo.ClickReplayer;
import io.towerstream.cli.demo.ClickStream;
import io.towerstream.cli.demo.ItemFeatureProducer;
import io.towerstream.cli.options.ConfigFileOption;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.ItemFeatures;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Produces clicks to a Kafka cluster's clicks topic, as {@code ClickEvent} records (Avro, or JSON
 * in the field mapping the training job is told): a click log, or a synthetic stream of the shape
 * the demo and {@code eval} take; with {@code --items}, a catalogue (MovieLens {@code u.item}, CSV
 * or JSON lines) to the item-features topic first. The click generator of docker/'s compose file.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Produce clicks (a click log, or a synthetic stream: planted clusters or a long tail) to the "
            + "clicks topic of "
            + "a Kafka cluster, then exit; with --items, the items' side features to the item-features "
            + "topic first.",
    modelTransformer = InputFormatOptions.Declared.class,
    footer = {"", "Example: towerstream produce --bootstrap-servers localhost:29092 --rate 200"})
public final class ProduceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

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
      names = "--items",
      paramLabel = "FILE",
      description =
          "Item catalogue in --items-format: each item's side features are produced to the "
              + "item-features topic as ItemFeatures (in --item-features.format), before the clicks.")
  Path items;

  @Option(
      names = "--items-format",
      defaultValue = "movielens",
      converter = CatalogueFormatConverter.class,
      paramLabel = "movielens|csv|jsonl",
      description =
          "Format of --items: movielens (u.item or its directory: genres and release year), csv "
              + "(a header line; first column the item id, columns categories and tags lists "
              + "separated by |, every other column a number) or jsonl (one JSON object per line "
              + "in the --item-features.json.* mapping). Default: ${DEFAULT-VALUE}.")
  CatalogueFile.Format itemsFormat;

  @Option(
      names = "--items-topic",
      description = "Topic of the item features (default: the item-features topic's default name).")
  String itemsTopic = Topics.ITEM_FEATURES.defaultName();

  @Option(
      names = "--rate",
      defaultValue = "0",
      description = "Events/s, 0 = as fast as the broker takes them (default).")
  double rate;

  @Mixin KafkaClientOptions kafka;

  @Unmatched List<String> kafkaOptions = new ArrayList<>();

  /** Lets {@code --items-format} take lower-case names and explain a bad one. */
  static final class CatalogueFormatConverter implements ITypeConverter<CatalogueFile.Format> {
    @Override
    public CatalogueFile.Format convert(String value) {
      return CatalogueFile.Format.parse(value);
    }
  }

  @Override
  public Integer call() throws Exception {
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("--rate must be a finite number >= 0, was " + rate);
    }
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("--topic must not be blank");
    }
    if (itemsTopic == null || itemsTopic.isBlank()) {
      throw new IllegalArgumentException("--items-topic must not be blank");
    }
    InputFormatOptions encoding = InputFormatOptions.of(spec);
    Map<String, String> clientProperties = kafka.properties(kafkaOptions);
    // read everything before sending anything: a malformed line fails before the first record
    List<ItemFeatures> features =
        items == null
            ? List.of()
            : CatalogueFile.read(items, itemsFormat, encoding.itemsJson(), Instant.now());
    ClickStream stream = source.stream();
    long started = System.nanoTime();
    if (items != null) {
      try (ItemFeatureProducer producer =
          new ItemFeatureProducer(
              bootstrapServers, itemsTopic, clientProperties, encoding.itemsSerializer())) {
        System.out.printf(
            "produced %d item features (%s) as %s to %s on %s%n",
            producer.produce(features),
            items,
            encoding.itemsFormat().cliName(),
            itemsTopic,
            bootstrapServers);
      }
    }
    try (ClickReplayer replayer =
        new ClickReplayer(bootstrapServers, topic, clientProperties, encoding.clickSerializer())) {
      replayer.replay(stream.records().iterator(), rate);
      System.out.printf(
          "produced %d clicks (%s) as %s to %s on %s in %.1f s%n",
          replayer.acknowledged(),
          stream.description(),
          encoding.clicksFormat().cliName(),
          topic,
          bootstrapServers,
          (System.nanoTime() - started) / 1e9);
    }
    return 0;
  }
}
