package io.towerstream.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.kafka.embedded.EmbeddedKafkaBroker;
import io.towerstream.model.Interaction;
import io.towerstream.model.synthetic.LongTailClicks;
import io.towerstream.schemas.AvroTrust;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.ItemFeatures;
import io.towerstream.schemas.json.ClickJson;
import io.towerstream.schemas.json.EventTimeFormat;
import io.towerstream.schemas.json.ItemFeaturesJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.junit.jupiter.api.io.TempDir;

/** {@code towerstream produce} (compose's click generator) against an in-process broker. */
class ProduceCommandITCase {

  @Test
  void producesTheSyntheticStreamAsClickEventsKeyedByUser() {
    AvroTrust.ensure();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.temporary().start()) {
      String bootstrap = broker.bootstrapServers();
      produce(
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

      List<ConsumerRecord<String, byte[]>> records = readClicks(bootstrap);
      assertThat(records).hasSize(700);
      Set<String> users = new HashSet<>();
      for (ConsumerRecord<String, byte[]> r : records) {
        ClickEvent e = Topics.CLICKS.codec().decode(r.value());
        assertThat(r.key()).isEqualTo(e.getUserId());
        users.add(e.getUserId());
      }
      assertThat(users).hasSizeGreaterThan(1).hasSizeLessThanOrEqualTo(30);
    }
  }

  @Test
  void producesTheLongTailStreamClickForClickAsItsGeneratorMakesIt() {
    AvroTrust.ensure();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.temporary().start()) {
      String bootstrap = broker.bootstrapServers();
      produce(
          bootstrap,
          "--synthetic-shape",
          "long-tail",
          "--synthetic-users",
          "60",
          "--synthetic-items",
          "200",
          "--synthetic-topics",
          "10",
          "--synthetic-events",
          "400");

      List<String> expected = new ArrayList<>();
      for (Interaction i :
          LongTailClicks.builder().users(60).items(200).topics(10).events(400).seed(11).build()) {
        expected.add(i.userId() + " " + i.itemId() + " " + i.eventTimeMillis());
      }
      List<String> produced = new ArrayList<>();
      for (ConsumerRecord<String, byte[]> r : readClicks(bootstrap)) {
        ClickEvent e = Topics.CLICKS.codec().decode(r.value());
        assertThat(r.key()).isEqualTo(e.getUserId());
        produced.add(e.getUserId() + " " + e.getItemId() + " " + e.getEventTime().toEpochMilli());
      }
      assertThat(produced).as("one partition, in order").isEqualTo(expected);
    }
  }

  @Test
  void aClusterCountWithTheLongTailShapeIsRefusedBeforeAnythingIsSent() {
    CliRun run =
        CliRun.of(
            "produce",
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--synthetic-shape",
            "long-tail",
            "--synthetic-clusters",
            "4");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--synthetic-clusters", "--synthetic-topics");
  }

  /**
   * Creates the topics, then runs {@code produce} against the broker with {@code args}: it must
   * succeed.
   */
  private static void produce(String bootstrap, String... args) {
    assertThat(CliRun.of("topics", "--bootstrap-servers", bootstrap).exitCode()).isZero();
    List<String> command = new ArrayList<>(List.of("produce", "--bootstrap-servers", bootstrap));
    command.addAll(List.of(args));
    CliRun run = CliRun.of(command.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.err()).isZero();
  }

  /** Every record of the clicks topic's one partition, from the earliest to the end offset. */
  private static List<ConsumerRecord<String, byte[]>> readClicks(String bootstrap) {
    return readAll(bootstrap, Topics.CLICKS.defaultName());
  }

  /** Every record of {@code topic}'s one partition, from the earliest to the end offset. */
  private static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic) {
    TopicPartition clicks = new TopicPartition(topic, 0);
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
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
      while (consumer.position(clicks) < end) {
        consumer.poll(Duration.ofSeconds(1)).forEach(out::add);
      }
    }
    return out;
  }

  @Test
  void itemsGoToTheItemFeaturesTopicKeyedByIdBeforeTheClicks(@TempDir Path dir) throws Exception {
    AvroTrust.ensure();
    Path items = dir.resolve("u.item");
    String flags = "|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0|0|0|0"; // Comedy
    Files.writeString(
        items,
        "1|Toy Story (1995)|01-Jan-1995||http://x"
            + flags
            + "\n2|Unknown|||http://y"
            + flags
            + "\n",
        StandardCharsets.ISO_8859_1);
    Path clicks = dir.resolve("u.data");
    Files.writeString(clicks, "7\t1\t5\t881250949\n8\t2\t3\t881250950\n");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.temporary().start()) {
      String bootstrap = broker.bootstrapServers();
      produce(bootstrap, "--data", clicks.toString(), "--items", items.toString());

      Map<String, ItemFeatures> features = new HashMap<>();
      long lastFeatureAt = Long.MIN_VALUE;
      long firstClickAt = Long.MAX_VALUE;
      try (KafkaConsumer<String, byte[]> consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrap,
                  ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                  "earliest",
                  ConsumerConfig.GROUP_ID_CONFIG,
                  "items-reader"),
              new StringDeserializer(),
              new ByteArrayDeserializer())) {
        consumer.subscribe(
            List.of(Topics.ITEM_FEATURES.defaultName(), Topics.CLICKS.defaultName()));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while ((features.size() < 2 || firstClickAt == Long.MAX_VALUE)
            && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            if (r.topic().equals(Topics.CLICKS.defaultName())) {
              firstClickAt = Math.min(firstClickAt, r.timestamp());
            } else {
              features.put(r.key(), Topics.ITEM_FEATURES.codec().decode(r.value()));
              lastFeatureAt = Math.max(lastFeatureAt, r.timestamp());
            }
          }
        }
      }
      assertThat(lastFeatureAt)
          .as("acknowledged before the first click was sent")
          .isLessThanOrEqualTo(firstClickAt);
      assertThat(features).containsOnlyKeys("1", "2");
      assertThat(features.get("1").getItemId()).isEqualTo("1");
      assertThat(features.get("1").getCategories()).containsExactly("Comedy");
      assertThat(features.get("1").getNumeric()).containsEntry("year", 1995.0);
      assertThat(features.get("2").getNumeric()).isEmpty();
    }
  }

  @Test
  void aMalformedItemsFileIsRefusedNamingItsLineBeforeAnythingIsSent(@TempDir Path dir)
      throws Exception {
    Path items = dir.resolve("u.item");
    Files.writeString(items, "1|Toy Story (1995)|01-Jan-1995\n");
    CliRun run =
        CliRun.of("produce", "--bootstrap-servers", "127.0.0.1:1", "--items", items.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(items.toString(), "line 1");
  }

  @Test
  void jsonClicksAndAJsonLinesCatalogueGoOutInTheMappingTheJobIsGiven(@TempDir Path dir)
      throws Exception {
    Path items = dir.resolve("items.jsonl");
    Files.writeString(
        items,
        "{\"sku\":\"i1\",\"categories\":[\"Comedy\"],\"attrs\":{\"year\":1995}}\n"
            + "{\"sku\":2,\"tags\":[\"new\"]}\n");
    Path clicks = dir.resolve("clicks.csv");
    Files.writeString(clicks, "7,i1,1700000000\n8,2,1700000001500\n");
    ClickJson clickMapping =
        new ClickJson("user_id", "/item/id", "ts", EventTimeFormat.ISO_8601, "", "w");
    ItemFeaturesJson itemMapping = new ItemFeaturesJson("sku", "categories", "tags", "attrs");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.temporary().start()) {
      String bootstrap = broker.bootstrapServers();
      produce(
          bootstrap,
          "--data",
          clicks.toString(),
          "--format",
          "csv",
          "--clicks.format",
          "json",
          "--clicks.json.user-field",
          "user_id",
          "--clicks.json.item-field",
          "/item/id",
          "--clicks.json.time-field",
          "ts",
          "--clicks.json.time-format",
          "iso-8601",
          "--clicks.json.type-field=",
          "--clicks.json.weight-field",
          "w",
          "--items",
          items.toString(),
          "--items-format",
          "jsonl",
          "--item-features.format",
          "json",
          "--item-features.json.item-field",
          "sku",
          "--item-features.json.numeric-field",
          "attrs");

      List<String> produced = new ArrayList<>();
      for (ConsumerRecord<String, byte[]> r : readClicks(bootstrap)) {
        String text = new String(r.value(), StandardCharsets.UTF_8);
        ClickEvent e = clickMapping.decode(r.value());
        assertThat(r.key()).isEqualTo(e.getUserId());
        produced.add(text);
      }
      assertThat(produced)
          .containsExactly(
              "{\"user_id\":\"7\",\"item\":{\"id\":\"i1\"},\"ts\":\"2023-11-14T22:13:20Z\",\"w\":1.0}",
              "{\"user_id\":\"8\",\"item\":{\"id\":\"2\"},\"ts\":\"2023-11-14T22:13:21.500Z\",\"w\":1.0}");

      Map<String, ItemFeatures> features = new HashMap<>();
      for (ConsumerRecord<String, byte[]> r :
          readAll(bootstrap, Topics.ITEM_FEATURES.defaultName())) {
        features.put(r.key(), itemMapping.decode(r.value(), java.time.Instant.EPOCH));
      }
      assertThat(features).containsOnlyKeys("i1", "2");
      assertThat(features.get("i1").getCategories()).containsExactly("Comedy");
      assertThat(features.get("i1").getNumeric()).containsEntry("year", 1995.0);
      assertThat(features.get("2").getTags()).containsExactly("new");
    }
  }

  @Test
  void aJsonMappingThatNamesAFieldTwiceIsRefusedBeforeAnythingIsSent() {
    CliRun run =
        CliRun.of(
            "produce",
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--clicks.format",
            "json",
            "--clicks.json.item-field",
            "userId");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--clicks.json.*-field", "'userId' is mapped twice");
    CliRun badFormat =
        CliRun.of("produce", "--bootstrap-servers", "127.0.0.1:1", "--clicks.format", "xml");
    assertThat(badFormat.exitCode()).isEqualTo(2);
    assertThat(badFormat.err()).contains("--clicks.format", "must be one of avro, json");
  }

  @Test
  void aNegativeRateIsRefusedBeforeAnythingIsSent() {
    CliRun run = CliRun.of("produce", "--bootstrap-servers", "127.0.0.1:1", "--rate", "-1");
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err()).contains("--rate must be a finite number >= 0");
  }
}
