package io.towerstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.jobs.sources.StartingOffsets;
import io.towerstream.model.ModelConfig;
import io.towerstream.schemas.ValueFormat;
import io.towerstream.schemas.json.ClickJson;
import io.towerstream.schemas.json.EventTimeFormat;
import io.towerstream.schemas.json.ItemFeaturesJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    JobConfig config = JobConfig.fromArgs("--bootstrap-servers", "kafka:9092");

    assertThat(config.bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(config.clicksTopic()).isEqualTo("clicks");
    assertThat(config.dlqTopic()).isEqualTo("clicks.dlq");
    assertThat(config.embeddingsTopic()).isEqualTo("embeddings");
    assertThat(config.statusTopic()).isEqualTo("trainer-status");
    assertThat(config.groupId()).isEqualTo("towerstream-trainer");
    assertThat(config.startingOffsets()).isEqualTo(StartingOffsets.COMMITTED);
    assertThat(config.publishIntervalMs()).isEqualTo(1000);
    assertThat(config.batchMaxWaitMs()).isEqualTo(50);
    assertThat(config.checkpointIntervalMs()).as("unset: the cluster's").isNull();
    assertThat(config.restartAttempts()).isNull();
    assertThat(config.restartDelayMs()).isNull();
    assertThat(config.modelVersion()).isEqualTo(1);
    assertThat(config.delivery())
        .isEqualTo(DeliveryGuarantee.EXACTLY_ONCE); // the distributed mode's default
    assertThat(config.sourceParallelism()).isZero();
    assertThat(config.checkpointDir()).isNull();
    assertThat(config.model()).isEqualTo(ModelConfig.defaults());
    assertThat(config.trainerParallelism()).isEqualTo(1);
    assertThat(config.maxParallelism()).isEqualTo(128);
    assertThat(config.syncIntervalMs()).isEqualTo(200);
    assertThat(config.syncTopic()).isEqualTo("model-sync");
    assertThat(config.itemFeaturesTopic()).isEqualTo("item-features");
    assertThat(config.topicNames().itemFeatures()).isEqualTo("item-features");
    assertThat(config.model().itemFeatureTokens()).isEqualTo(32);
    assertThat(config.model().itemFeatureBucketWidths()).isEqualTo("year=5");
    assertThat(config.stateBackend()).as("unset: the cluster's").isNull();
  }

  @Test
  void shardingOptionsAreReadAndChecked() {
    JobConfig config =
        JobConfig.fromArgs(
            "--bootstrap-servers",
            "k:1",
            "--parallelism.trainer",
            "4",
            "--parallelism.max",
            "64",
            "--sync.interval-ms",
            "50",
            "--topic.sync",
            "s",
            "--state.backend",
            "rocksdb");
    assertThat(config.trainerParallelism()).isEqualTo(4);
    assertThat(config.maxParallelism()).isEqualTo(64);
    assertThat(config.syncIntervalMs()).isEqualTo(50);
    assertThat(config.topicNames().modelSync()).isEqualTo("s");
    Configuration flink = config.flinkConfiguration();
    assertThat(flink.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
    assertThat(flink.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
    assertThat(JobConfig.fromArgs(config.toArgs().toArray(String[]::new))).isEqualTo(config);

    assertThatThrownBy(
            () -> JobConfig.fromArgs("--bootstrap-servers", "k:1", "--parallelism.trainer", "0"))
        .hasMessageContaining("--parallelism.trainer");
    assertThatThrownBy(
            () ->
                JobConfig.fromArgs(
                    "--bootstrap-servers",
                    "k:1",
                    "--parallelism.trainer",
                    "8",
                    "--parallelism.max",
                    "4"))
        .hasMessageContaining("--parallelism.max");
    assertThatThrownBy(
            () -> JobConfig.fromArgs("--bootstrap-servers", "k:1", "--state.backend", "forst"))
        .hasMessageContaining("--state.backend")
        .hasMessageContaining("hashmap, rocksdb");
  }

  @Test
  void severalTrainerReplicasTakeTheDefaultTuningIntervalAndLeaveTheTunerToTheModel() {
    // replicas serve model.prior.weight and do not tune (the model skips it), so the default
    // tuning interval is no reason to refuse a parallel trainer
    JobConfig config =
        JobConfig.fromArgs("--bootstrap-servers", "k:1", "--parallelism.trainer", "2");
    assertThat(config.model().priorTuningInterval()).isEqualTo(1);
  }

  @Test
  void clickValidationRulesAreOptionsWithBoundsCheckedAtStart() {
    JobConfig config =
        JobConfig.fromArgs(
            "--bootstrap-servers",
            "k:1",
            "--validation.max-id-length",
            "64",
            "--validation.max-weight",
            "10",
            "--validation.max-future-ms",
            "0");
    assertThat(config.clickRules())
        .isEqualTo(new io.towerstream.jobs.functions.ClickRules(64, 10f, 0));
    assertThat(JobConfig.fromArgs(config.toArgs().toArray(String[]::new))).isEqualTo(config);
    assertThat(JobConfig.fromArgs("--bootstrap-servers", "k:1").clickRules())
        .isEqualTo(io.towerstream.jobs.functions.ClickRules.DEFAULTS);
    assertThatThrownBy(
            () ->
                JobConfig.fromArgs("--bootstrap-servers", "k:1", "--validation.max-id-length", "0"))
        .hasMessageContaining("--validation.max-id-length");
    assertThatThrownBy(
            () ->
                JobConfig.fromArgs("--bootstrap-servers", "k:1", "--validation.max-weight", "NaN"))
        .hasMessageContaining("--validation.max-weight");
    assertThatThrownBy(
            () ->
                JobConfig.fromArgs(
                    "--bootstrap-servers", "k:1", "--validation.max-future-ms", "-1"))
        .hasMessageContaining("--validation.max-future-ms");
  }

  @Test
  void overridesEveryKindOfOption() {
    JobConfig config =
        JobConfig.fromArgs(
            "--bootstrap-servers",
            "a:1,b:2",
            "--topic.clicks",
            "c2",
            "--starting-offsets",
            "earliest",
            "--publish.interval-ms=250",
            "--batch.max-wait-ms",
            "0",
            "--delivery",
            "exactly-once",
            "--parallelism.source",
            "3",
            "--model.version",
            "7",
            "--model.dim",
            "32",
            "--model.batch-size",
            "128",
            "--model.temperature",
            "0.1",
            "--model.reservoir.negatives",
            "0",
            "--model.reservoir.alpha",
            "1",
            "--model.log-q",
            "false",
            "--checkpoint.dir",
            "s3://bucket/ckpt");

    assertThat(config.bootstrapServers()).isEqualTo("a:1,b:2");
    assertThat(config.clicksTopic()).isEqualTo("c2");
    assertThat(config.startingOffsets()).isEqualTo(StartingOffsets.EARLIEST);
    assertThat(config.publishIntervalMs()).isEqualTo(250);
    assertThat(config.batchMaxWaitMs()).isZero();
    assertThat(config.delivery()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
    assertThat(config.sourceParallelism()).isEqualTo(3);
    assertThat(config.modelVersion()).isEqualTo(7);
    assertThat(config.model().dim()).isEqualTo(32);
    assertThat(config.model().batchSize()).isEqualTo(128);
    assertThat(config.model().temperature()).isEqualTo(0.1f);
    assertThat(config.model().reservoirNegatives()).isZero();
    assertThat(config.model().reservoirAlpha()).isEqualTo(1.0);
    assertThat(config.model().logQCorrection()).isFalse();
    assertThat(config.checkpointDir()).isEqualTo("s3://bucket/ckpt");
    // untouched model options keep ModelConfig's defaults
    assertThat(config.model().learningRate()).isEqualTo(ModelConfig.defaults().learningRate());
  }

  @Test
  void toArgsRoundTrips() {
    JobConfig config =
        JobConfig.builder()
            .bootstrapServers("k:1")
            .groupId("g")
            .modelVersion(3)
            .model(ModelConfig.builder().dim(16).batchSize(8).temperature(0.07f).seed(9).build())
            .delivery(DeliveryGuarantee.EXACTLY_ONCE)
            .checkpointDir("file:///tmp/x")
            .build();

    JobConfig again = JobConfig.fromArgs(config.toArgs().toArray(String[]::new));

    assertThat(again).isEqualTo(config);
    assertThat(again.model()).isEqualTo(config.model());
  }

  @Test
  void badNumberFailsNamingTheOption() {
    assertThatThrownBy(
            () -> JobConfig.fromArgs("--bootstrap-servers", "k:1", "--model.dim", "sixty-four"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--model.dim")
        .hasMessageContaining("sixty-four");
  }

  @Test
  void outOfRangeValuesFailNamingTheOption() {
    assertThatThrownBy(
            () -> JobConfig.fromArgs("--bootstrap-servers", "k:1", "--model.temperature", "-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--model.temperature");
    assertThatThrownBy(
            () -> JobConfig.fromArgs("--bootstrap-servers", "k:1", "--publish.interval-ms", "0"))
        .hasMessageStartingWith("--publish.interval-ms");
    assertThatThrownBy(
            () -> JobConfig.fromArgs("--bootstrap-servers", "k:1", "--model.log-q", "yes"))
        .hasMessageContaining("--model.log-q")
        .hasMessageContaining("true or false");
    assertThatThrownBy(
            () -> JobConfig.fromArgs("--bootstrap-servers", "k:1", "--delivery", "maybe"))
        .hasMessageContaining("--delivery");
    assertThatThrownBy(
            () -> JobConfig.fromArgs("--bootstrap-servers", "k:1", "--starting-offsets", "middle"))
        .hasMessageContaining("--starting-offsets")
        .hasMessageContaining("earliest, latest, committed");
  }

  @Test
  void thePrequentialStartTimeIsReadRoundTripsAndMustNotBeNegative() {
    assertThat(JobConfig.fromArgs("--bootstrap-servers", "k:1").prequentialFromTimeMs()).isZero();
    JobConfig config =
        JobConfig.fromArgs(
            "--bootstrap-servers", "k:1", "--eval.prequential.from-time", "891000000000");
    assertThat(config.prequentialFromTimeMs()).isEqualTo(891_000_000_000L);
    assertThat(JobConfig.fromArgs(config.toArgs().toArray(String[]::new))).isEqualTo(config);
    assertThat(config.trainerSettings().prequentialFromTimeMs()).isEqualTo(891_000_000_000L);
    assertThatThrownBy(
            () ->
                JobConfig.fromArgs(
                    "--bootstrap-servers", "k:1", "--eval.prequential.from-time", "-1"))
        .hasMessageStartingWith("--eval.prequential.from-time");
  }

  @Test
  void trainingOptionsParseAndRoundTrip() {
    JobConfig config =
        JobConfig.fromArgs(
            "--bootstrap-servers",
            "k:1",
            "--model.loss",
            "symmetric-infonce",
            "--model.loss.hard-negative-beta",
            "0.5",
            "--model.loss.positive-prior",
            "0.01",
            "--model.temperature.learned",
            "true",
            "--model.queue.size",
            "512",
            "--model.queue.momentum",
            "0.9",
            "--model.table.admission-min-count",
            "3",
            "--model.table.ttl-events",
            "100000",
            "--model.table.optimizer",
            "adam");

    ModelConfig m = config.model();
    assertThat(m.loss()).isEqualTo(ModelConfig.Loss.SYMMETRIC_INFONCE);
    assertThat(m.hardNegativeBeta()).isEqualTo(0.5);
    assertThat(m.positivePrior()).isEqualTo(0.01);
    assertThat(m.learnedTemperature()).isTrue();
    assertThat(m.queueSize()).isEqualTo(512);
    assertThat(m.queueMomentum()).isEqualTo(0.9);
    assertThat(m.admissionMinCount()).isEqualTo(3);
    assertThat(m.rowTtlEvents()).isEqualTo(100_000);
    assertThat(m.tableOptimizer()).isEqualTo(ModelConfig.TableOptimizer.ADAM);
    assertThat(JobConfig.fromArgs(config.toArgs().toArray(String[]::new))).isEqualTo(config);
  }

  @Test
  void badTrainingOptionsFailNamingTheOption() {
    assertThatThrownBy(() -> JobConfig.fromArgs("--bootstrap-servers", "k:1", "--model.loss", "x"))
        .hasMessageContaining("--model.loss")
        .hasMessageContaining("infonce, symmetric-infonce, siglip");
    assertThatThrownBy(
            () ->
                JobConfig.fromArgs("--bootstrap-servers", "k:1", "--model.table.optimizer", "sgd"))
        .hasMessageContaining("--model.table.optimizer")
        .hasMessageContaining("adagrad, adam");
    assertThatThrownBy(
            () -> JobConfig.fromArgs("--bootstrap-servers", "k:1", "--model.queue.size", "-1"))
        .hasMessageStartingWith("--model.queue.size");
    assertThatThrownBy(
            () ->
                JobConfig.fromArgs(
                    "--bootstrap-servers", "k:1", "--model.table.admission-min-count", "0"))
        .hasMessageStartingWith("--model.table.admission-min-count");
  }

  @Test
  void itemPairOptionsParseRoundTripAndFailNamingTheOption() {
    JobConfig config =
        JobConfig.fromArgs(
            "--bootstrap-servers",
            "k:1",
            "--model.item-pairs.weight",
            "0.3",
            "--model.item-pairs.temperature",
            "0.25",
            "--model.item-pairs.window",
            "5");
    assertThat(config.model().itemPairsWeight()).isEqualTo(0.3);
    assertThat(config.model().itemPairsTemperature()).isEqualTo(0.25);
    assertThat(config.model().itemPairsWindow()).isEqualTo(5);
    assertThat(JobConfig.fromArgs(config.toArgs().toArray(String[]::new))).isEqualTo(config);
    assertThatThrownBy(
            () ->
                JobConfig.fromArgs("--bootstrap-servers", "k:1", "--model.item-pairs.window", "0"))
        .hasMessageStartingWith("--model.item-pairs.window");
    assertThatThrownBy(
            () ->
                JobConfig.fromArgs(
                    "--bootstrap-servers", "k:1", "--model.item-pairs.weight", "-0.3"))
        .hasMessageStartingWith("--model.item-pairs.weight");
  }

  @Test
  void itemFeatureOptionsParseRoundTripAndFailNamingTheOption() {
    JobConfig config =
        JobConfig.fromArgs(
            "--bootstrap-servers",
            "k:1",
            "--topic.item-features",
            "catalogue",
            "--model.item-features.max-tokens",
            "8",
            "--model.item-features.bucket-widths",
            "year=10,price=2.5",
            "--model.item-features.id-dropout",
            "0.25");
    assertThat(config.itemFeaturesTopic()).isEqualTo("catalogue");
    assertThat(config.topicNames().itemFeatures()).isEqualTo("catalogue");
    assertThat(config.model().itemFeatureTokens()).isEqualTo(8);
    assertThat(config.model().itemFeatureBucketWidths()).isEqualTo("year=10,price=2.5");
    assertThat(config.model().itemFeatureIdDropout()).isEqualTo(0.25);
    assertThat(
            config
                .model()
                .featureTokens()
                .of(java.util.List.of(), java.util.List.of(), java.util.Map.of("year", 1995.0)))
        .containsExactly("n:year:199");
    assertThat(JobConfig.fromArgs(config.toArgs().toArray(String[]::new))).isEqualTo(config);
    JobConfig off =
        JobConfig.fromArgs(
            "--bootstrap-servers",
            "k:1",
            "--model.item-features.max-tokens",
            "0",
            "--model.item-features.bucket-widths=");
    assertThat(off.model().itemFeatureTokens()).isZero();
    assertThat(off.model().itemFeatureBucketWidths()).isEmpty();
    assertThat(JobConfig.fromArgs(off.toArgs().toArray(String[]::new))).isEqualTo(off);

    assertThatThrownBy(
            () ->
                JobConfig.fromArgs(
                    "--bootstrap-servers", "k:1", "--model.item-features.max-tokens", "-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--model.item-features.max-tokens");
    assertThatThrownBy(
            () ->
                JobConfig.fromArgs(
                    "--bootstrap-servers", "k:1", "--model.item-features.max-tokens", "many"))
        .hasMessageStartingWith("--model.item-features.max-tokens must be an integer");
    assertThatThrownBy(
            () ->
                JobConfig.fromArgs(
                    "--bootstrap-servers", "k:1", "--model.item-features.bucket-widths", "year"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--model.item-features.bucket-widths")
        .hasMessageContaining("'year'");
    assertThatThrownBy(
            () ->
                JobConfig.fromArgs(
                    "--bootstrap-servers", "k:1", "--model.item-features.bucket-widths", "year=0"))
        .hasMessageStartingWith("--model.item-features.bucket-widths");
    assertThatThrownBy(
            () ->
                JobConfig.fromArgs(
                    "--bootstrap-servers", "k:1", "--model.item-features.id-dropout", "1"))
        .hasMessageStartingWith("--model.item-features.id-dropout");
    assertThatThrownBy(
            () -> JobConfig.fromArgs("--bootstrap-servers", "k:1", "--topic.item-features", " "))
        .hasMessageStartingWith("--topic.item-features");
  }

  @Test
  void inputFormatOptionsParseRoundTripAndFailNamingTheOption() {
    JobConfig defaults = JobConfig.fromArgs("--bootstrap-servers", "k:1");
    assertThat(defaults.clicksFormat()).isEqualTo(ValueFormat.AVRO);
    assertThat(defaults.clicksJson()).isEqualTo(ClickJson.DEFAULTS);
    assertThat(defaults.itemFeaturesFormat()).isEqualTo(ValueFormat.AVRO);
    assertThat(defaults.itemFeaturesJson()).isEqualTo(ItemFeaturesJson.DEFAULTS);

    JobConfig json =
        JobConfig.fromArgs(
            "--bootstrap-servers",
            "k:1",
            "--clicks.format",
            "json",
            "--clicks.json.user-field",
            "user_id",
            "--clicks.json.item-field",
            "/item/sku",
            "--clicks.json.time-field",
            "ts",
            "--clicks.json.time-format",
            "iso-8601",
            "--clicks.json.type-field=",
            "--clicks.json.weight-field",
            "w",
            "--item-features.format",
            "JSON",
            "--item-features.json.item-field",
            "sku",
            "--item-features.json.tags-field",
            "");
    assertThat(json.clicksFormat()).isEqualTo(ValueFormat.JSON);
    assertThat(json.clicksJson())
        .isEqualTo(new ClickJson("user_id", "/item/sku", "ts", EventTimeFormat.ISO_8601, "", "w"));
    assertThat(json.itemFeaturesFormat()).isEqualTo(ValueFormat.JSON);
    assertThat(json.itemFeaturesJson())
        .isEqualTo(new ItemFeaturesJson("sku", "categories", "", "numeric"));
    assertThat(JobConfig.fromArgs(json.toArgs().toArray(String[]::new))).isEqualTo(json);
    assertThat(json.toBuilder().build()).isEqualTo(json);

    assertThatThrownBy(
            () -> JobConfig.fromArgs("--bootstrap-servers", "k:1", "--clicks.format", "csv"))
        .hasMessage("--clicks.format must be one of avro, json, was 'csv'");
    assertThatThrownBy(
            () ->
                JobConfig.fromArgs(
                    "--bootstrap-servers", "k:1", "--clicks.json.time-format", "seconds"))
        .hasMessageStartingWith("--clicks.json.time-format must be one of epoch-seconds,");
    assertThatThrownBy(
            () -> JobConfig.fromArgs("--bootstrap-servers", "k:1", "--clicks.json.user-field="))
        .hasMessageStartingWith("--clicks.json.user-field must be a field name or a JSON Pointer");
    assertThatThrownBy(
            () ->
                JobConfig.fromArgs(
                    "--bootstrap-servers", "k:1", "--clicks.json.item-field", "userId"))
        .hasMessage("--clicks.json.*-field: the field 'userId' is mapped twice");
    assertThatThrownBy(
            () ->
                JobConfig.fromArgs(
                    "--bootstrap-servers", "k:1", "--item-features.json.item-field", "tags"))
        .hasMessage("--item-features.json.*-field: the field 'tags' is mapped twice");
  }

  @Test
  void unknownOptionFailsNamingIt() {
    assertThatThrownBy(
            () -> JobConfig.fromArgs("--bootstrap-servers", "k:1", "--model.dimension", "8"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown option --model.dimension");
  }

  @Test
  void missingBootstrapServersOrValueFails() {
    assertThatThrownBy(() -> JobConfig.fromArgs("--group-id", "g"))
        .hasMessageContaining("--bootstrap-servers");
    assertThatThrownBy(() -> JobConfig.fromArgs("--bootstrap-servers"))
        .hasMessageContaining("--bootstrap-servers needs a value");
    assertThatThrownBy(
            () -> JobConfig.fromArgs("--bootstrap-servers", "a:1", "--bootstrap-servers", "b:1"))
        .hasMessageContaining("more than once");
  }

  @Test
  void flinkConfigurationSetsOnlyTheClusterSettingsTheOptionsGive() {
    Configuration unset = JobConfig.builder().bootstrapServers("k:1").build().flinkConfiguration();
    assertThat(unset.containsKey(StateBackendOptions.STATE_BACKEND.key())).isFalse();
    assertThat(unset.containsKey(CheckpointingOptions.CHECKPOINTING_INTERVAL.key())).isFalse();
    assertThat(unset.containsKey(RestartStrategyOptions.RESTART_STRATEGY.key())).isFalse();
    assertThat(unset.get(PipelineOptions.GENERIC_TYPES)).isFalse();

    Configuration conf =
        JobConfig.builder()
            .bootstrapServers("k:1")
            .stateBackend(JobConfig.StateBackend.HASHMAP)
            .checkpointIntervalMs(2_000)
            .restartDelayMs(1_000)
            .build()
            .flinkConfiguration();
    assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
    assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL).toMillis()).isEqualTo(2_000);
    assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("fixed-delay");
    assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS))
        .as("the other restart setting at the job's fallback")
        .isEqualTo(10);
    assertThat(conf.get(PipelineOptions.GENERIC_TYPES)).isFalse();
  }

  @Test
  void theClustersCheckpointIntervalAndRestartStrategySurviveUnlessAnOptionIsGiven() {
    Configuration cluster = new Configuration();
    cluster.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(42));
    cluster.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
    cluster.set(StateBackendOptions.STATE_BACKEND, "rocksdb");

    StreamExecutionEnvironment left = StreamExecutionEnvironment.getExecutionEnvironment(cluster);
    new TrainingJob(JobConfig.fromArgs("--bootstrap-servers", "k:1")).configure(left);
    assertThat(left.getCheckpointConfig().getCheckpointInterval()).isEqualTo(42_000);
    assertThat(left.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY))
        .isEqualTo("exponential-delay");
    assertThat(left.getConfiguration().get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");

    StreamExecutionEnvironment overridden =
        StreamExecutionEnvironment.getExecutionEnvironment(cluster);
    new TrainingJob(
            JobConfig.fromArgs(
                "--bootstrap-servers",
                "k:1",
                "--checkpoint.interval-ms",
                "2000",
                "--restart.attempts",
                "3",
                "--state.backend",
                "hashmap"))
        .configure(overridden);
    assertThat(overridden.getCheckpointConfig().getCheckpointInterval()).isEqualTo(2_000);
    assertThat(overridden.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY))
        .isEqualTo("fixed-delay");
    assertThat(
            overridden
                .getConfiguration()
                .get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS))
        .isEqualTo(3);
    assertThat(overridden.getConfiguration().get(StateBackendOptions.STATE_BACKEND))
        .isEqualTo("hashmap");

    StreamExecutionEnvironment bare =
        StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
    new TrainingJob(JobConfig.fromArgs("--bootstrap-servers", "k:1")).configure(bare);
    assertThat(bare.getCheckpointConfig().getCheckpointInterval())
        .as("neither the options nor the cluster: the job still checkpoints")
        .isEqualTo(JobConfig.FALLBACK_CHECKPOINT_INTERVAL_MS);
  }

  @Test
  void theFlinkConfigurationsTowerstreamKeysAreTheLowestLayer(@TempDir Path dir) throws Exception {
    Map<String, String> flink =
        Map.of(
            "towerstream.bootstrap-servers", "flink:9092",
            "towerstream.model.dim", "16",
            "towerstream.group-id", "from-flink",
            "towerstream.kafka.security.protocol", "SSL",
            "state.backend.type", "rocksdb");
    Path file = dir.resolve("job.properties");
    Files.writeString(file, "group-id=from-file\n");
    JobConfig c =
        JobConfig.fromCommandLine(
            new String[] {"--config", file.toString(), "--model.dim", "32"},
            Map.of("TOWERSTREAM_JOB_BOOTSTRAP_SERVERS", "env:9092"),
            flink);
    assertThat(c.model().dim()).isEqualTo(32);
    assertThat(c.bootstrapServers()).isEqualTo("env:9092");
    assertThat(c.groupId()).isEqualTo("from-file");
    assertThat(c.kafkaProperties()).containsEntry("security.protocol", "SSL");
    assertThat(JobConfig.fromCommandLine(new String[0], Map.of(), flink).bootstrapServers())
        .isEqualTo("flink:9092");
    assertThatThrownBy(
            () ->
                JobConfig.fromCommandLine(
                    new String[0],
                    Map.of(),
                    Map.of("towerstream.bootstrap-servers", "k:1", "towerstream.model.dimm", "8")))
        .hasMessageContaining("unknown option --model.dimm in the Flink configuration")
        .hasMessageContaining("did you mean --model.dim?");
  }

  @Test
  void usageListsEveryOptionWithItsDefault() {
    String usage = JobConfig.usage();

    assertThat(usage)
        .contains(
            "--model.batch-size",
            "(default: 32)",
            "--batch.max-wait-ms",
            "(default: 50)",
            "--delivery",
            "(default: exactly-once)",
            "--model.log-q",
            "--model.reservoir.alpha",
            "--model.history.length",
            "--model.prior.weight",
            "--eval.prequential.sample-rate");
  }

  @Test
  void kafkaClientPropertiesComeFromTheFileAndOptionsAndSecretsNeverPrint(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(
        file,
        """
        security.protocol=SASL_SSL
        sasl.mechanism=PLAIN
        sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="hunter2";
        """);
    JobConfig config =
        JobConfig.fromArgs(
            "--bootstrap-servers",
            "k:1",
            "--kafka-config-file",
            file.toString(),
            "--kafka.sasl.mechanism",
            "SCRAM-SHA-512",
            "--kafka.ssl.truststore.password",
            "changeit");

    assertThat(config.kafkaProperties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512") // the option wins over the file
        .containsEntry("ssl.truststore.password", "changeit")
        .hasEntrySatisfying("sasl.jaas.config", v -> assertThat(v).contains("hunter2"));
    assertThat(JobConfig.fromArgs(config.toArgs().toArray(String[]::new))).isEqualTo(config);
    assertThat(config.toString()).doesNotContain("hunter2", "changeit").contains("SCRAM-SHA-512");

    assertThatThrownBy(
            () ->
                JobConfig.fromArgs(
                    "--bootstrap-servers",
                    "k:1",
                    "--kafka-config-file",
                    dir.resolve("missing").toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--kafka-config-file");
    assertThatThrownBy(
            () -> JobConfig.fromArgs("--bootstrap-servers", "k:1", "--kafka.group.id", "g"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--kafka.group.id");
  }

  @Test
  void aDeploymentSetsOptionsByFlagEnvironmentAndConfigFileFlagsWinning(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("job.properties");
    Files.writeString(
        file,
        "bootstrap-servers=file:9092\nmodel.dim=16\ngroup-id=from-file\n"
            + "kafka.security.protocol=SASL_SSL\nkafka.sasl.jaas.config=secret-jaas\n");
    JobConfig c =
        JobConfig.fromCommandLine(
            new String[] {"--config", file.toString(), "--group-id", "from-flag"},
            java.util.Map.of(
                "TOWERSTREAM_JOB_MODEL_DIM",
                "24",
                "TOWERSTREAM_JOB_BOOTSTRAP_SERVERS",
                "env:9092"));
    assertThat(c.bootstrapServers()).isEqualTo("env:9092");
    assertThat(c.model().dim()).isEqualTo(24);
    assertThat(c.groupId()).isEqualTo("from-flag");
    assertThat(c.kafkaProperties()).containsEntry("security.protocol", "SASL_SSL");
    assertThat(c.toString()).doesNotContain("secret-jaas");

    Files.writeString(file, "bootstrap-servers=b:9092\nmodel.dimm=16\n");
    assertThatThrownBy(
            () ->
                JobConfig.fromCommandLine(
                    new String[] {"--config", file.toString()}, java.util.Map.of()))
        .hasMessageContaining("unknown option --model.dimm");
    assertThat(JobConfig.usage()).contains("--config").contains("TOWERSTREAM_JOB_");
  }
}
