package io.towerstream.cli.demo;

import io.towerstream.model.data.ItemCatalogueReader;
import io.towerstream.model.data.ItemCatalogueReader.CatalogueItem;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.ItemFeatures;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces an item catalogue into the {@code item-features} topic, one {@link ItemFeatures} per
 * item keyed by its id, and blocks until the broker has acknowledged every record. The demo and
 * {@code produce} send it before the clicks, so the trainer has an item's features (and a vector
 * for the items nobody clicks) from the start.
 */
public final class ItemFeatureProducer implements AutoCloseable {
  private final KafkaProducer<String, ItemFeatures> producer;
  private final String topic;

  /**
   * @param clientProperties extra producer properties (security: see {@code KafkaClientProperties})
   */
  public ItemFeatureProducer(
      String bootstrapServers, String topic, Map<String, String> clientProperties) {
    this(bootstrapServers, topic, clientProperties, Topics.ITEM_FEATURES.valueSerializer());
  }

  /**
   * @param clientProperties extra producer properties (security: see {@code KafkaClientProperties})
   * @param values how each record is written: Avro by default, or a team's JSON
   */
  public ItemFeatureProducer(
      String bootstrapServers,
      String topic,
      Map<String, String> clientProperties,
      Serializer<ItemFeatures> values) {
    this.topic = topic;
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.putAll(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.LINGER_MS_CONFIG,
            5));
    this.producer = new KafkaProducer<>(config, new StringSerializer(), values);
  }

  /**
   * The items of a MovieLens {@code u.item} file (or a directory holding one) as ItemFeatures: the
   * genres flagged 1 as categories, the release year as {@code numeric.year} when the file has a
   * date, the id as the clicks of {@code u.data} name the item.
   *
   * @throws IllegalArgumentException naming the file and line of a malformed line, or a missing
   *     file
   */
  public static List<ItemFeatures> readMovieLens(Path path, Instant updatedAt) throws IOException {
    return toRecords(ItemCatalogueReader.readMovieLens(path), updatedAt);
  }

  /** One ItemFeatures per catalogue item, in the catalogue's order. */
  public static List<ItemFeatures> toRecords(List<CatalogueItem> items, Instant updatedAt) {
    List<ItemFeatures> out = new ArrayList<>(items.size());
    for (CatalogueItem item : items) {
      out.add(
          ItemFeatures.newBuilder()
              .setItemId(item.itemId())
              .setCategories(List.copyOf(item.categories()))
              .setNumeric(Map.copyOf(item.numeric()))
              .setUpdatedAt(updatedAt)
              .build());
    }
    return out;
  }

  /**
   * Sends every record, keyed by its item id, and waits for the broker's acknowledgements.
   *
   * @return the records acknowledged
   * @throws IllegalStateException naming the topic when the broker refused one
   */
  public long produce(List<ItemFeatures> features) {
    AtomicLong acknowledged = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    for (ItemFeatures f : features) {
      producer.send(
          new ProducerRecord<>(topic, f.getItemId(), f),
          (meta, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            } else {
              acknowledged.incrementAndGet();
            }
          });
      if (failure.get() != null) {
        break;
      }
    }
    producer.flush();
    if (failure.get() != null) {
      throw new IllegalStateException(
          "producing item features to " + topic + " failed: " + failure.get().getMessage(),
          failure.get());
    }
    return acknowledged.get();
  }

  @Override
  public void close() {
    producer.close();
  }
}
