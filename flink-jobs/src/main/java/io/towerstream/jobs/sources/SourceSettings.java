package io.towerstream.jobs.sources;

import io.towerstream.schemas.ValueFormat;
import io.towerstream.schemas.json.ClickJson;
import io.towerstream.schemas.json.ItemFeaturesJson;
import java.util.Map;

/**
 * What the job's Kafka sources read of its configuration. The job's configuration implements it, so
 * the sources need not know the rest of it.
 */
public interface SourceSettings {
  String bootstrapServers();

  /** Kafka client properties for every consumer (security and the like), applied last. */
  Map<String, String> kafkaProperties();

  /** The consumer group of the click source; the other sources derive theirs from it. */
  String groupId();

  String clicksTopic();

  ValueFormat clicksFormat();

  ClickJson clicksJson();

  StartingOffsets startingOffsets();

  long watermarkOutOfOrdernessMs();

  long watermarkIdlenessMs();

  String itemFeaturesTopic();

  ValueFormat itemFeaturesFormat();

  ItemFeaturesJson itemFeaturesJson();

  String syncTopic();
}
