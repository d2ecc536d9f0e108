package io.towerstream.schemas;

import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One Kafka topic: its default name, its key (a UTF-8 string) and its value codec. Names can be
 * overridden by configuration; the formats cannot.
 */
public record Topic<V extends SpecificRecord>(
    String defaultName, String keyDoc, AvroCodec<V> codec) {

  public Serializer<V> valueSerializer() {
    return (topic, value) -> value == null ? null : codec.encode(value);
  }

  public Deserializer<V> valueDeserializer() {
    return (topic, bytes) -> bytes == null ? null : codec.decode(bytes);
  }

  public static byte[] key(String key) {
    return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
  }

  public static String key(byte[] key) {
    return key == null ? null : new String(key, StandardCharsets.UTF_8);
  }
}
