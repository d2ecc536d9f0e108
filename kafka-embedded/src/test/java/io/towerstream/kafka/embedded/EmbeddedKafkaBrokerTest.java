package io.towerstream.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.schemas.TopicProvisioner.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBrokerTest {

  @Test
  void producesConsumesAndProvisionsCompactedTopics() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.temporary().start()) {
      TopicNames names = TopicNames.defaults();
      TopicProvisioner.ensureTopics(broker.bootstrapServers(), names, 2, (short) 1);
      TopicProvisioner.ensureTopics(broker.bootstrapServers(), names, 2, (short) 1); // idempotent

      Properties admin = new Properties();
      admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      try (Admin client = Admin.create(admin)) {
        assertThat(client.listTopics().names().get())
            .contains("clicks", "clicks.dlq", "embeddings", "trainer-status");
        ConfigResource embeddings = new ConfigResource(ConfigResource.Type.TOPIC, "embeddings");
        ConfigEntry policy =
            client
                .describeConfigs(List.of(embeddings))
                .all()
                .get()
                .get(embeddings)
                .get("cleanup.policy");
        assertThat(policy.value()).isEqualTo("compact");
      }

      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>("clicks", "k" + i, "v" + i));
        }
      }
      Map<String, Object> c =
          Map.of(
              ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
              broker.bootstrapServers(),
              ConsumerConfig.GROUP_ID_CONFIG,
              "t",
              ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
              "earliest");
      List<String> seen = new ArrayList<>();
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(List.of("clicks"));
        long deadline = System.currentTimeMillis() + 30_000;
        while (seen.size() < 10 && System.currentTimeMillis() < deadline) {
          for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
            seen.add(r.value());
          }
        }
      }
      assertThat(seen).hasSize(10).contains("v0", "v9");
    }
  }
}
