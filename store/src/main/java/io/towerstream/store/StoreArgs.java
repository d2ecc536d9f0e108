package io.towerstream.store;

import io.towerstream.store.index.GraphIndexOptions;
import io.towerstream.schemas.KafkaClientProperties;
import io.towerstream.schemas.LayeredOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses {@link StoreMain}'s command line ({@code --name value} or {@code --name=value}), falling back to
 * environment variables {@code TOWERSTREAM_STORE_<NAME>} (e.g. {@code TOWERSTREAM_STORE_BOOTSTRAP_SERVERS}).
 * {@code --kafka.<property> value} passes a consumer property through, over those of {@code --kafka-config-file}.
 * Arguments win over the environment. The bearer token comes from {@code --auth-token-file} or the variable
 * {@code TOWERSTREAM_STORE_AUTH_TOKEN}, never from an argument ({@code ps} shows those). Shared by
 * {@link StoreMain} and {@code towerstream serve}, so both take every option.
 */
public final class StoreArgs {
  static final String ENV_PREFIX = "TOWERSTREAM_STORE_";
  private static final String KAFKA_PREFIX = "kafka.";
  private static final Set<String> KNOWN = Set.of("bootstrap-servers", "db-path", "http-host", "http-port",
      "embeddings-topic", "trainer-status-topic", "poll-timeout-ms", "max-poll-records", "read-committed", "index",
      "index-auto-threshold", "hnsw-max-degree", "hnsw-beam-width", "hnsw-overquery", "index-build-threads",
      KafkaClientProperties.FILE_OPTION, "auth-token-file");

  public static final String USAGE = """
      Usage: --bootstrap-servers HOST:PORT --db-path DIR [options]
        --bootstrap-servers  Kafka bootstrap servers (required)
        --db-path            RocksDB directory, created if missing (required)
        --host               HTTP bind address (default 127.0.0.1; 0.0.0.0 to serve other machines)
        --port               HTTP port, 0 = any free port (default 8080)
        --embeddings-topic   default embeddings
        --trainer-status-topic  default trainer-status
        --poll-timeout-ms    default 200
        --max-poll-records   records per RocksDB batch at most (default 1000)
        --read-committed     true|false (default true)
        --index              exact|hnsw|auto (default auto: exact below --index-auto-threshold items)
        --index-auto-threshold  items from which auto builds a graph (default 50000)
        --hnsw-max-degree    graph degree, jvector's M (default 32)
        --hnsw-beam-width    construction beam (default 100)
        --hnsw-overquery     a top-k query searches with a beam of k x this (default 3)
        --index-build-threads  threads of a full graph build (default: all cores)
        --kafka-config-file  properties file of Kafka consumer settings (security.protocol, sasl.*, ssl.*)
        --kafka.<property>   one Kafka consumer property, over the file's, e.g. --kafka.security.protocol SSL
        --auth-token-file    file holding the bearer token every endpoint but /health then requires
                             (or the token itself in TOWERSTREAM_STORE_AUTH_TOKEN); default: no token
        --config             properties file of these options (name=value, e.g. db-path=/var/lib/store)
      Each option may instead come from TOWERSTREAM_STORE_<OPTION> (upper case, '-' as '_').
      Flags win over environment variables, and those over the --config file.""";

  private StoreArgs() {}

  public static boolean wantsHelp(String[] args) {
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h")) {
        return true;
      }
    }
    return false;
  }

  /** @throws IllegalArgumentException naming the bad option */
  public static StoreConfig parse(String[] args, Map<String, String> env) {
    args = LayeredOptions.merge(args, env, ENV_PREFIX, KNOWN); // flags over environment over --config FILE
    Map<String, String> options = new HashMap<>();
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
      options.put(canonical(name), value);
    }

    StoreConfig.Builder b = StoreConfig.builder();
    Map<String, String> kafka = new LinkedHashMap<>();
    String v;
    if ((v = get(options, env, KafkaClientProperties.FILE_OPTION)) != null) {
      kafka.putAll(KafkaClientProperties.load(Path.of(v)));
    }
    options.forEach((name, value) -> {
      if (name.startsWith(KAFKA_PREFIX)) {
        kafka.put(name.substring(KAFKA_PREFIX.length()), value);
      }
    });
    b.authToken(authToken(options, env));
    if ((v = get(options, env, "bootstrap-servers")) != null) {
      b.bootstrapServers(v);
    }
    if ((v = get(options, env, "db-path")) != null) {
      b.dbPath(Path.of(v));
    }
    if ((v = get(options, env, "http-host")) != null) {
      b.httpHost(v);
    }
    if ((v = get(options, env, "http-port")) != null) {
      b.httpPort(integer("http-port", v));
    }
    if ((v = get(options, env, "embeddings-topic")) != null) {
      b.embeddingsTopic(v);
    }
    if ((v = get(options, env, "trainer-status-topic")) != null) {
      b.trainerStatusTopic(v);
    }
    if ((v = get(options, env, "poll-timeout-ms")) != null) {
      b.pollTimeout(Duration.ofMillis(integer("poll-timeout-ms", v)));
    }
    if ((v = get(options, env, "max-poll-records")) != null) {
      b.maxPollRecords(integer("max-poll-records", v));
    }
    if ((v = get(options, env, "read-committed")) != null) {
      if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
        throw new IllegalArgumentException(
            "invalid store option --read-committed: must be true or false, got '" + v + "'");
      }
      b.readCommitted(Boolean.parseBoolean(v));
    }
    if ((v = get(options, env, "index")) != null) {
      try {
        b.indexKind(IndexKind.valueOf(v.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "invalid store option --index: must be one of exact, hnsw, auto, got '" + v + "'");
      }
    }
    GraphIndexOptions graph = GraphIndexOptions.defaults();
    if ((v = get(options, env, "index-auto-threshold")) != null) {
      graph = graph.withMinGraphItems(integer("index-auto-threshold", v));
    }
    int degree = graph.maxDegree();
    int beam = graph.constructionBeam();
    float overquery = graph.overquery();
    if ((v = get(options, env, "hnsw-max-degree")) != null) {
      degree = integer("hnsw-max-degree", v);
    }
    if ((v = get(options, env, "hnsw-beam-width")) != null) {
      beam = integer("hnsw-beam-width", v);
    }
    if ((v = get(options, env, "hnsw-overquery")) != null) {
      try {
        overquery = Float.parseFloat(v.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid store option --hnsw-overquery: not a number: '" + v + "'");
      }
    }
    graph = graph.withGraph(degree, beam, overquery);
    if ((v = get(options, env, "index-build-threads")) != null) {
      graph = graph.withBuildThreads(integer("index-build-threads", v));
    }
    b.indexOptions(graph);
    options.keySet().stream()
        .filter(n -> !n.startsWith(KAFKA_PREFIX) && !KNOWN.contains(n))
        .findFirst()
        .ifPresent(n -> {
          throw new IllegalArgumentException("unknown option --" + n);
        });
    return b.consumerOverrides(kafka).build();
  }


  /** From {@code --auth-token-file} (its first line) or {@code TOWERSTREAM_STORE_AUTH_TOKEN}; null for none. */
  private static String authToken(Map<String, String> options, Map<String, String> env) {
    String file = get(options, env, "auth-token-file");
    if (file != null) {
      try {
        String token = Files.readString(Path.of(file), StandardCharsets.US_ASCII).strip();
        int newline = token.indexOf('\n');
        return newline < 0 ? token : token.substring(0, newline).strip();
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("invalid store option --auth-token-file: cannot read " + file + ": " + e);
      }
    }
    String token = env.get(ENV_PREFIX + "AUTH_TOKEN");
    return token == null ? null : token.strip();
  }

  private static String canonical(String name) {
    return switch (name) {
      case "port" -> "http-port";
      case "host" -> "http-host";
      default -> name;
    };
  }

  private static String get(Map<String, String> options, Map<String, String> env, String name) {
    String value = options.get(name);
    if (value == null) {
      value = env.get(ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_'));
      if (value == null && name.startsWith("http-")) { // TOWERSTREAM_STORE_PORT, TOWERSTREAM_STORE_HOST
        value = env.get(ENV_PREFIX + name.substring(5).toUpperCase(Locale.ROOT));
      }
    }
    return value;
  }

  private static int integer(String option, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid store option --" + option + ": not an integer: '" + value + "'");
    }
  }
}
