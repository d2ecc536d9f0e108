package io.towerstream.store;

import io.towerstream.schemas.KafkaClientProperties;
import io.towerstream.schemas.LayeredOptions;
import io.towerstream.schemas.OptionDoc;
import io.towerstream.store.index.GraphIndexOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Parses the store's options ({@code --name value} or {@code --name=value}), for {@link StoreMain}
 * and {@code towerstream serve} alike, from flags, {@code TOWERSTREAM_STORE_<NAME>} environment
 * variables and a {@code --config FILE}, in that order of precedence ({@link LayeredOptions}).
 * {@code --kafka.<property> value} passes a consumer property through, over those of {@code
 * --kafka-config-file}. The bearer token comes from {@code --auth-token-file} or the variable
 * {@code TOWERSTREAM_STORE_AUTH_TOKEN}, never from an argument ({@code ps} shows those).
 *
 * <p>Every option is listed once, in {@link #OPTIONS}, with its meaning; defaults come from {@link
 * StoreConfig.Builder} and {@link GraphIndexOptions#defaults()}, and {@link #usage()} and {@link
 * #options()} print them from there.
 */
public final class StoreArgs {
  static final String ENV_PREFIX = "TOWERSTREAM_STORE_";
  private static final String KAFKA_PREFIX = "kafka.";

  /**
   * Short names kept for the first releases' command lines; they count as the long ones in every
   * layer.
   */
  private static final Map<String, String> ALIASES =
      Map.of("port", "http-port", "host", "http-host");

  /**
   * The options as they accumulate: the config builder, and the graph settings built into one
   * record last.
   */
  private static final class Parsed {
    final StoreConfig.Builder config = StoreConfig.builder();
    GraphIndexOptions graph = GraphIndexOptions.defaults();
    int maxDegree = graph.maxDegree();
    int beamWidth = graph.constructionBeam();
    float overquery = graph.overquery();
    String authTokenFile;
    String kafkaConfigFile;
  }

  private static final StoreConfig DEFAULTS =
      StoreConfig.builder().bootstrapServers("required").dbPath(Path.of("required")).build();

  private record Option(
      String name, String doc, BiConsumer<Parsed, String> parse, Function<Parsed, String> shown) {}

  private static final List<Option> OPTIONS =
      List.of(
          new Option(
              "bootstrap-servers",
              "Kafka bootstrap servers, host:port[,host:port]. Required.",
              (p, v) -> p.config.bootstrapServers(v),
              p -> ""),
          new Option(
              "db-path",
              "RocksDB directory, created if missing. Required.",
              (p, v) -> p.config.dbPath(Path.of(v)),
              p -> ""),
          new Option(
              "http-host",
              "HTTP bind address (alias --host); 0.0.0.0 to serve other machines.",
              (p, v) -> p.config.httpHost(v),
              p -> DEFAULTS.httpHost()),
          new Option(
              "http-port",
              "HTTP port (alias --port), 0 = any free port.",
              (p, v) -> p.config.httpPort(integer("http-port", v)),
              p -> Integer.toString(DEFAULTS.httpPort())),
          new Option(
              "http-allowed-hosts",
              "Host names (comma-separated, without port) a store bound to loopback also serves, "
                  + "e.g. a local proxy's; requests addressed to any other name but localhost, 127.0.0.1 "
                  + "and [::1] are refused (403) as DNS rebinding. Checked only with a loopback "
                  + "--http-host. None by default.",
              (p, v) ->
                  p.config.httpAllowedHosts(
                      Arrays.stream(v.split(","))
                          .filter(h -> !h.isBlank())
                          .collect(Collectors.toSet())),
              p -> ""),
          new Option(
              "embeddings-topic",
              "Compacted topic of EmbeddingUpdates to serve.",
              (p, v) -> p.config.embeddingsTopic(v),
              p -> DEFAULTS.embeddingsTopic()),
          new Option(
              "trainer-status-topic",
              "Topic of TrainerStatus records (model version, progress, quality).",
              (p, v) -> p.config.trainerStatusTopic(v),
              p -> DEFAULTS.trainerStatusTopic()),
          new Option(
              "embeddings-dlq-topic",
              "Topic the updates the store refuses go to, whole, as DeadLetters with the reason "
                  + "(undecodable, an empty or non-finite vector, another dimension, a model version "
                  + "beyond --max-model-version-lead); empty = only log and count them.",
              (p, v) -> p.config.embeddingsDlqTopic(v.isEmpty() ? null : v),
              p -> DEFAULTS.embeddingsDlqTopic()),
          new Option(
              "max-model-version-lead",
              "How far above the highest model version the store has applied (0 while it holds "
                  + "none) an update's may lie. One further ahead is refused: applied, it would beat "
                  + "every later update of its key and be all a bare-vector query returns.",
              (p, v) -> p.config.maxModelVersionLead(longInteger("max-model-version-lead", v)),
              p -> Long.toString(DEFAULTS.maxModelVersionLead())),
          new Option(
              "item-titles",
              "Item titles shown beside candidates in the API and the dashboard: a MovieLens "
                  + "u.item file (id|title|..., ISO-8859-1) or a CSV of id,title (UTF-8). None by default.",
              (p, v) -> p.config.itemTitles(v.isEmpty() ? null : Path.of(v)),
              p -> ""),
          new Option(
              "poll-timeout-ms",
              "How long one consumer poll waits for records.",
              (p, v) -> p.config.pollTimeout(Duration.ofMillis(integer("poll-timeout-ms", v))),
              p -> Long.toString(DEFAULTS.pollTimeout().toMillis())),
          new Option(
              "max-poll-records",
              "Records per poll, and so per RocksDB batch, at most.",
              (p, v) -> p.config.maxPollRecords(integer("max-poll-records", v)),
              p -> Integer.toString(DEFAULTS.maxPollRecords())),
          new Option(
              "read-committed",
              "Read only committed records of the job's transactions (true|false).",
              (p, v) -> p.config.readCommitted(bool("read-committed", v)),
              p -> Boolean.toString(DEFAULTS.readCommitted())),
          new Option(
              "index",
              "Item index: exact, hnsw, or auto (exact below --index-auto-threshold items, a graph "
                  + "plus an exact delta above).",
              (p, v) -> p.config.indexKind(indexKind(v)),
              p -> DEFAULTS.indexKind().name().toLowerCase(Locale.ROOT)),
          new Option(
              "index-auto-threshold",
              "Items from which auto builds a graph.",
              (p, v) -> p.graph = p.graph.withMinGraphItems(integer("index-auto-threshold", v)),
              p -> Integer.toString(p.graph.minGraphItems())),
          new Option(
              "hnsw-max-degree",
              "Graph degree (jvector's M).",
              (p, v) -> p.maxDegree = integer("hnsw-max-degree", v),
              p -> Integer.toString(p.maxDegree)),
          new Option(
              "hnsw-beam-width",
              "Beam width of graph construction.",
              (p, v) -> p.beamWidth = integer("hnsw-beam-width", v),
              p -> Integer.toString(p.beamWidth)),
          new Option(
              "hnsw-overquery",
              "A top-k query searches the graph with a beam of k times this.",
              (p, v) -> p.overquery = number("hnsw-overquery", v),
              p -> trimZero(p.overquery)),
          new Option(
              "index-build-threads",
              "Threads of a full graph build. Default: the number of cores.",
              (p, v) -> p.graph = p.graph.withBuildThreads(integer("index-build-threads", v)),
              p -> ""),
          new Option(
              KafkaClientProperties.FILE_OPTION,
              "Properties file of Kafka consumer settings (security.protocol, "
                  + "sasl.*, ssl.*); --kafka.<property> value sets one and wins over the file.",
              (p, v) -> p.kafkaConfigFile = v,
              p -> ""),
          new Option(
              "auth-token-file",
              "File whose first line is the bearer token every endpoint but /health, /ready and "
                  + "the dashboard page then requires (or the token itself in TOWERSTREAM_STORE_AUTH_TOKEN). None by default.",
              (p, v) -> p.authTokenFile = v,
              p -> ""),
          new Option(
              "snapshot-dir",
              "The only directory POST /v1/admin/snapshot writes into: each snapshot at a name "
                  + "relative to it; absolute paths and '..' are refused. Must lie outside --db-path.",
              (p, v) -> p.config.snapshotDir(v.isEmpty() ? null : Path.of(v)),
              p -> "<db-path>-snapshots"));

  private static final Map<String, Option> BY_NAME =
      OPTIONS.stream()
          .collect(Collectors.toMap(Option::name, o -> o, (a, b) -> a, LinkedHashMap::new));

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
    args = LayeredOptions.merge(args, env, ENV_PREFIX, BY_NAME.keySet(), ALIASES);
    Parsed p = new Parsed();
    Map<String, String> kafka = new LinkedHashMap<>();
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("option --" + name + " needs a value");
      }
      if (name.startsWith(KAFKA_PREFIX) && name.length() > KAFKA_PREFIX.length()) {
        kafka.put(name.substring(KAFKA_PREFIX.length()), value);
      } else if (!BY_NAME.containsKey(name)) {
        throw new IllegalArgumentException("unknown option --" + name);
      } else {
        given.put(name, value); // a flag given twice: the last wins, as in most tools
      }
    }
    given.forEach((name, value) -> BY_NAME.get(name).parse.accept(p, value));
    Map<String, String> consumer = new LinkedHashMap<>();
    if (p.kafkaConfigFile != null && !p.kafkaConfigFile.isEmpty()) {
      consumer.putAll(KafkaClientProperties.load(Path.of(p.kafkaConfigFile)));
    }
    consumer.putAll(kafka);
    return p.config
        .indexOptions(p.graph.withGraph(p.maxDegree, p.beamWidth, p.overquery))
        .authToken(authToken(p.authTokenFile, env))
        .consumerOverrides(consumer)
        .build();
  }

  /** Every option with its default and meaning, in the order of the usage text. */
  public static List<OptionDoc> options() {
    Parsed defaults = new Parsed();
    return OPTIONS.stream()
        .map(o -> new OptionDoc(o.name, o.shown.apply(defaults), o.doc))
        .toList();
  }

  /** The usage text: every option with its default, then how the layers combine. */
  public static String usage() {
    StringBuilder out =
        new StringBuilder("Usage: --bootstrap-servers HOST:PORT --db-path DIR [options]\n");
    for (OptionDoc o : options()) {
      String shown = o.defaultValue().isEmpty() ? "" : " (default: " + o.defaultValue() + ")";
      out.append(String.format(Locale.ROOT, "  --%-22s %s%s%n", o.name(), o.description(), shown));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "  --%-22s %s%n",
            "kafka.<property>",
            "One Kafka consumer property, e.g. --kafka.security.protocol SSL."));
    out.append(
        String.format(
            Locale.ROOT,
            "  --%-22s %s%n",
            LayeredOptions.CONFIG_OPTION,
            "Properties file of these options (name=value, e.g. db-path=/var/lib/store)."));
    out.append("Each option may instead come from ")
        .append(ENV_PREFIX)
        .append(
            "<OPTION> (upper case, '-' as '_').\nFlags win over environment variables, and those over the "
                + "--config file.");
    return out.toString();
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

  private static IndexKind indexKind(String v) {
    try {
      return IndexKind.valueOf(v.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid store option --index: must be one of exact, hnsw, auto, got '" + v + "'");
    }
  }

  private static boolean bool(String option, String v) {
    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException(
          "invalid store option --" + option + ": must be true or false, got '" + v + "'");
    }
    return Boolean.parseBoolean(v);
  }

  private static int integer(String option, String value) {
    long v = longInteger(option, value);
    if (v != (int) v) {
      throw new IllegalArgumentException(
          "invalid store option --" + option + ": not a 32-bit integer: '" + value + "'");
    }
    return (int) v;
  }

  private static long longInteger(String option, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "invalid store option --" + option + ": not an integer: '" + value + "'");
    }
  }

  private static float number(String option, String value) {
    try {
      return Float.parseFloat(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "invalid store option --" + option + ": not a number: '" + value + "'");
    }
  }

  private static String trimZero(float v) {
    return v == Math.rint(v) ? Integer.toString((int) v) : Float.toString(v);
  }
}
