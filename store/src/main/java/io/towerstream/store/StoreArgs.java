package io.towerstream.store;

import io.towerstream.config.Option;
import io.towerstream.config.OptionDoc;
import io.towerstream.config.OptionSet;
import io.towerstream.config.OptionValues;
import io.towerstream.schemas.KafkaClientProperties;
import io.towerstream.store.index.GraphIndexOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The store's options, declared once, for {@link StoreMain} and {@code towerstream serve} alike:
 * read from flags, {@code TOWERSTREAM_STORE_<NAME>} environment variables and a {@code --config
 * FILE}, in that order of precedence ({@link OptionSet}). {@code --kafka.<property> value} passes a
 * consumer property through, over those of {@code --kafka-config-file}. The bearer token comes from
 * {@code --auth-token-file} or the variable {@code TOWERSTREAM_STORE_AUTH_TOKEN}, never from an
 * argument ({@code ps} shows those).
 *
 * <p>Defaults are those of {@link StoreConfig.Builder} and {@link GraphIndexOptions#defaults()};
 * {@link StoreConfig} checks the values it holds.
 */
public final class StoreArgs {
  static final String ENV_PREFIX = "TOWERSTREAM_STORE_";

  private static final StoreConfig DEFAULTS =
      StoreConfig.builder().bootstrapServers("required").dbPath(Path.of("required")).build();
  private static final GraphIndexOptions GRAPH = GraphIndexOptions.defaults();

  static final Option<String> BOOTSTRAP_SERVERS =
      Option.stringOption("bootstrap-servers")
          .required()
          .doc("Kafka bootstrap servers, host:port[,host:port]. Required.");
  static final Option<Path> DB_PATH =
      Option.pathOption("db-path")
          .required()
          .doc("RocksDB directory, created if missing. Required.");
  static final Option<String> HTTP_HOST =
      Option.stringOption("http-host")
          .alias("host")
          .defaultValue(DEFAULTS.httpHost())
          .doc("HTTP bind address (alias --host); 0.0.0.0 to serve other machines.");
  static final Option<Integer> HTTP_PORT =
      Option.intOption("http-port")
          .alias("port")
          .defaultValue(DEFAULTS.httpPort())
          .doc("HTTP port (alias --port), 0 = any free port.");
  static final Option<String> HTTP_ALLOWED_HOSTS =
      Option.stringOption("http-allowed-hosts")
          .doc(
              "Host names (comma-separated, without port) a store bound to loopback also serves, "
                  + "e.g. a local proxy's; requests addressed to any other name but localhost, 127.0.0.1 "
                  + "and [::1] are refused (403) as DNS rebinding. Checked only with a loopback "
                  + "--http-host. None by default.");
  static final Option<String> EMBEDDINGS_TOPIC =
      Option.stringOption("embeddings-topic")
          .defaultValue(DEFAULTS.embeddingsTopic())
          .doc("Compacted topic of EmbeddingUpdates to serve.");
  static final Option<String> TRAINER_STATUS_TOPIC =
      Option.stringOption("trainer-status-topic")
          .defaultValue(DEFAULTS.trainerStatusTopic())
          .doc("Topic of TrainerStatus records (model version, progress, quality).");
  static final Option<String> EMBEDDINGS_DLQ_TOPIC =
      Option.stringOption("embeddings-dlq-topic")
          .defaultValue(DEFAULTS.embeddingsDlqTopic())
          .doc(
              "Topic the updates the store refuses go to, whole, as DeadLetters with the reason "
                  + "(undecodable, an empty or non-finite vector, another dimension, a model version "
                  + "beyond --max-model-version-lead); empty = only log and count them.");
  static final Option<Long> MAX_MODEL_VERSION_LEAD =
      Option.longOption("max-model-version-lead")
          .defaultValue(DEFAULTS.maxModelVersionLead())
          .doc(
              "How far above the highest model version the store has applied (0 while it holds "
                  + "none) an update's may lie. One further ahead is refused: applied, it would beat "
                  + "every later update of its key and be all a bare-vector query returns.");
  static final Option<String> ITEM_TITLES =
      Option.stringOption("item-titles")
          .doc(
              "Item titles shown beside candidates in the API and the dashboard: a MovieLens "
                  + "u.item file (id|title|..., ISO-8859-1) or a CSV of id,title (UTF-8). None by default.");
  static final Option<Integer> POLL_TIMEOUT_MS =
      Option.intOption("poll-timeout-ms")
          .defaultValue((int) DEFAULTS.pollTimeout().toMillis())
          .doc("How long one consumer poll waits for records.");
  static final Option<Integer> MAX_POLL_RECORDS =
      Option.intOption("max-poll-records")
          .defaultValue(DEFAULTS.maxPollRecords())
          .doc("Records per poll, and so per RocksDB batch, at most.");
  static final Option<Boolean> READ_COMMITTED =
      Option.booleanOption("read-committed")
          .defaultValue(DEFAULTS.readCommitted())
          .doc("Read only committed records of the job's transactions (true|false).");
  static final Option<IndexKind> INDEX =
      Option.enumOption("index", IndexKind.class)
          .defaultValue(DEFAULTS.indexKind())
          .doc(
              "Item index: exact, hnsw, or auto (exact below --index-auto-threshold items, a graph "
                  + "plus an exact delta above).");
  static final Option<Integer> INDEX_AUTO_THRESHOLD =
      Option.intOption("index-auto-threshold")
          .defaultValue(GRAPH.minGraphItems())
          .doc("Items from which auto builds a graph.");
  static final Option<Integer> HNSW_MAX_DEGREE =
      Option.intOption("hnsw-max-degree")
          .defaultValue(GRAPH.maxDegree())
          .doc("Graph degree (jvector's M).");
  static final Option<Integer> HNSW_BEAM_WIDTH =
      Option.intOption("hnsw-beam-width")
          .defaultValue(GRAPH.constructionBeam())
          .doc("Beam width of graph construction.");
  static final Option<Float> HNSW_OVERQUERY =
      Option.floatOption("hnsw-overquery")
          .defaultValue(GRAPH.overquery())
          .defaultText(trimZero(GRAPH.overquery()))
          .doc("A top-k query searches the graph with a beam of k times this.");
  static final Option<Integer> INDEX_BUILD_THREADS =
      Option.intOption("index-build-threads")
          .doc("Threads of a full graph build. Default: the number of cores.");
  static final Option<String> KAFKA_CONFIG_FILE =
      Option.stringOption(KafkaClientProperties.FILE_OPTION)
          .doc(
              "Properties file of Kafka consumer settings (security.protocol, "
                  + "sasl.*, ssl.*); --kafka.<property> value sets one and wins over the file.");
  static final Option<String> AUTH_TOKEN_FILE =
      Option.stringOption("auth-token-file")
          .doc(
              "File whose first line is the bearer token every endpoint but /health, /ready and "
                  + "the dashboard page then requires (or the token itself in TOWERSTREAM_STORE_AUTH_TOKEN). None by default.");
  static final Option<String> SNAPSHOT_DIR =
      Option.stringOption("snapshot-dir")
          .defaultText("<db-path>-snapshots")
          .doc(
              "The only directory POST /v1/admin/snapshot writes into: each snapshot at a name "
                  + "relative to it; absolute paths and '..' are refused. Must lie outside --db-path.");

  static final OptionSet OPTIONS =
      OptionSet.of(
              BOOTSTRAP_SERVERS,
              DB_PATH,
              HTTP_HOST,
              HTTP_PORT,
              HTTP_ALLOWED_HOSTS,
              EMBEDDINGS_TOPIC,
              TRAINER_STATUS_TOPIC,
              EMBEDDINGS_DLQ_TOPIC,
              MAX_MODEL_VERSION_LEAD,
              ITEM_TITLES,
              POLL_TIMEOUT_MS,
              MAX_POLL_RECORDS,
              READ_COMMITTED,
              INDEX,
              INDEX_AUTO_THRESHOLD,
              HNSW_MAX_DEGREE,
              HNSW_BEAM_WIDTH,
              HNSW_OVERQUERY,
              INDEX_BUILD_THREADS,
              KAFKA_CONFIG_FILE,
              AUTH_TOKEN_FILE,
              SNAPSHOT_DIR)
          .withEnvironment(ENV_PREFIX)
          .passThrough(
              KafkaClientProperties.OPTION_PREFIX,
              "One Kafka consumer property, e.g. --kafka.security.protocol SSL.");

  /** {@link #usage()}, for callers that print it. */
  public static final String USAGE = usage();

  private StoreArgs() {}

  public static boolean wantsHelp(String[] args) {
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h")) {
        return true;
      }
    }
    return false;
  }

  /**
   * @throws IllegalArgumentException naming the bad option
   */
  public static StoreConfig parse(String[] args, Map<String, String> env) {
    OptionValues v = OPTIONS.parse(args, env);
    StoreConfig.Builder b =
        StoreConfig.builder()
            .bootstrapServers(v.get(BOOTSTRAP_SERVERS))
            .dbPath(v.get(DB_PATH))
            .httpHost(v.get(HTTP_HOST))
            .httpPort(v.get(HTTP_PORT))
            .embeddingsTopic(v.get(EMBEDDINGS_TOPIC))
            .trainerStatusTopic(v.get(TRAINER_STATUS_TOPIC))
            .embeddingsDlqTopic(orNull(v.get(EMBEDDINGS_DLQ_TOPIC)))
            .maxModelVersionLead(v.get(MAX_MODEL_VERSION_LEAD))
            .pollTimeout(Duration.ofMillis(v.get(POLL_TIMEOUT_MS)))
            .maxPollRecords(v.get(MAX_POLL_RECORDS))
            .readCommitted(v.get(READ_COMMITTED))
            .indexKind(v.get(INDEX));
    v.ifSet(
        HTTP_ALLOWED_HOSTS,
        hosts ->
            b.httpAllowedHosts(
                Arrays.stream(hosts.split(","))
                    .filter(h -> !h.isBlank())
                    .collect(Collectors.toSet())));
    v.ifSet(ITEM_TITLES, titles -> b.itemTitles(titles.isEmpty() ? null : Path.of(titles)));
    v.ifSet(SNAPSHOT_DIR, dir -> b.snapshotDir(dir.isEmpty() ? null : Path.of(dir)));
    GraphIndexOptions graph =
        GRAPH
            .withMinGraphItems(v.get(INDEX_AUTO_THRESHOLD))
            .withGraph(v.get(HNSW_MAX_DEGREE), v.get(HNSW_BEAM_WIDTH), v.get(HNSW_OVERQUERY));
    if (v.isSet(INDEX_BUILD_THREADS)) {
      graph = graph.withBuildThreads(v.get(INDEX_BUILD_THREADS));
    }
    Map<String, String> consumer = new LinkedHashMap<>();
    String kafkaFile = v.get(KAFKA_CONFIG_FILE);
    if (kafkaFile != null && !kafkaFile.isEmpty()) {
      consumer.putAll(KafkaClientProperties.load(Path.of(kafkaFile)));
    }
    consumer.putAll(v.passThrough(KafkaClientProperties.OPTION_PREFIX));
    return b.indexOptions(graph)
        .authToken(authToken(v.get(AUTH_TOKEN_FILE), env))
        .consumerOverrides(consumer)
        .build();
  }

  /** Every option with its default and meaning, in the order of the usage text. */
  public static List<OptionDoc> options() {
    return OPTIONS.docs();
  }

  /** The usage text: every option with its default, then how the layers combine. */
  public static String usage() {
    return OPTIONS.usage(
        "Usage: --bootstrap-servers HOST:PORT --db-path DIR [options]", "db-path=/var/lib/store");
  }

  /**
   * From {@code --auth-token-file} (its first line) or {@code TOWERSTREAM_STORE_AUTH_TOKEN}; null
   * for none.
   */
  private static String authToken(String file, Map<String, String> env) {
    if (file != null && !file.isEmpty()) {
      try {
        String token = Files.readString(Path.of(file), StandardCharsets.US_ASCII).strip();
        int newline = token.indexOf('\n');
        return newline < 0 ? token : token.substring(0, newline).strip();
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException(
            "invalid store option --auth-token-file: cannot read " + file + ": " + e);
      }
    }
    String token = env.get(ENV_PREFIX + "AUTH_TOKEN");
    return token == null ? null : token.strip();
  }

  private static String orNull(String v) {
    return v.isEmpty() ? null : v;
  }

  private static String trimZero(float v) {
    return v == Math.rint(v) ? Integer.toString((int) v) : Float.toString(v);
  }
}
