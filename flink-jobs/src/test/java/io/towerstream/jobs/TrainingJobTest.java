package io.towerstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.jobs.operators.FakeModels;
import io.towerstream.jobs.sinks.KafkaSinks;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The topology's shape, without running it: names, uids, parallelism, serializers. */
class TrainingJobTest {

  @Test
  void everyOperatorHasANameAndAUidAndTheTrainerIsShardedByUser() {
    StreamGraph graph = graph(DeliveryGuarantee.AT_LEAST_ONCE, 4);
    Collection<StreamNode> nodes = graph.getStreamNodes();

    assertThat(nodes)
        .allSatisfy(
            node -> {
              assertThat(node.getOperatorName()).isNotBlank();
              assertThat(node.getTransformationUID())
                  .as("uid of %s", node.getOperatorName())
                  .isNotBlank();
            });
    Map<String, StreamNode> byUid =
        nodes.stream()
            .collect(Collectors.toMap(StreamNode::getTransformationUID, n -> n, (a, b) -> a));
    assertThat(byUid)
        .containsKeys(
            TrainingJob.SOURCE_UID,
            TrainingJob.VALIDATE_UID,
            TrainingJob.TRAINER_UID,
            TrainingJob.EMBEDDINGS_SINK_UID,
            TrainingJob.STATUS_UID,
            TrainingJob.STATUS_SINK_UID,
            TrainingJob.DLQ_SINK_UID,
            TrainingJob.SYNC_SOURCE_UID,
            TrainingJob.SYNC_SIDE_INPUT_UID,
            TrainingJob.SYNC_SINK_UID,
            TrainingJob.ITEM_FEATURES_SOURCE_UID,
            TrainingJob.VALIDATE_ITEM_FEATURES_UID);
    StreamNode trainer = byUid.get(TrainingJob.TRAINER_UID);
    assertThat(trainer.getParallelism()).isEqualTo(4);
    assertThat(trainer.getMaxParallelism()).isEqualTo(128);
    assertThat(trainer.getStatePartitioners()[0]).as("clicks keyed by user").isNotNull();
    assertThat(trainer.getStatePartitioners()[1]).as("deltas and features not keyed").isNull();
    for (String sideInput :
        new String[] {TrainingJob.SYNC_SIDE_INPUT_UID, TrainingJob.VALIDATE_ITEM_FEATURES_UID}) {
      assertThat(graph.getStreamEdges(byUid.get(sideInput).getId(), trainer.getId()))
          .as("%s to every trainer subtask", sideInput)
          .singleElement()
          .satisfies(e -> assertThat(e.getPartitioner().toString()).isEqualTo("BROADCAST"));
    }
    StreamNode dlq = byUid.get(TrainingJob.DLQ_SINK_UID);
    assertThat(graph.getStreamEdges(byUid.get(TrainingJob.VALIDATE_UID).getId(), dlq.getId()))
        .as("click dead letters")
        .hasSize(1);
    assertThat(
            graph.getStreamEdges(
                byUid.get(TrainingJob.VALIDATE_ITEM_FEATURES_UID).getId(), dlq.getId()))
        .as("item-feature dead letters")
        .hasSize(1);
    assertThat(graph.getStreamEdges(trainer.getId(), dlq.getId()))
        .as("replica deltas the trainers refused")
        .hasSize(1);
    assertThat(byUid.get(TrainingJob.SYNC_SOURCE_UID).getParallelism()).isEqualTo(1);
    assertThat(byUid.get(TrainingJob.ITEM_FEATURES_SOURCE_UID).getParallelism()).isEqualTo(1);
    assertThat(byUid.get(TrainingJob.SYNC_SINK_UID).getParallelism()).isEqualTo(4);
    assertThat(byUid.get(TrainingJob.EMBEDDINGS_SINK_UID).getParallelism()).isEqualTo(4);
    assertThat(byUid.get(TrainingJob.STATUS_UID).getParallelism())
        .as("one job-level status")
        .isEqualTo(1);
    assertThat(byUid.get(TrainingJob.SOURCE_UID).getParallelism()).isEqualTo(3);
    assertThat(byUid.get(TrainingJob.VALIDATE_UID).getParallelism()).isEqualTo(3);
  }

  @Test
  void exactlyOnceBuildsWhereTheKafkaClientsCanDoTransactionsAndFailsFastElsewhere() {
    if (KafkaSinks.transactionsSupported()) {
      StreamGraph graph = graph(DeliveryGuarantee.EXACTLY_ONCE, 1);
      assertThat(graph.getStreamNodes())
          .allSatisfy(
              node ->
                  assertThat(node.getTransformationUID())
                      .as("uid of %s", node.getOperatorName())
                      .isNotBlank());
    } else {
      assertThatThrownBy(() -> graph(DeliveryGuarantee.EXACTLY_ONCE, 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("--delivery exactly-once")
          .hasMessageContaining("at-least-once");
    }
  }

  private static StreamGraph graph(DeliveryGuarantee delivery, int trainers) {
    JobConfig config =
        JobConfig.builder()
            .bootstrapServers("localhost:1")
            .sourceParallelism(3)
            .trainerParallelism(trainers)
            .delivery(delivery)
            .build();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    TrainingJob job = new TrainingJob(config, FakeModels.factory());
    job.configure(env);
    job.buildWithKafka(env);
    // generating the graph creates every serializer; with generic types off, a Kryo fallback would
    // fail here
    return env.getStreamGraph();
  }
}
