package io.towerstream.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) inside this JVM,
 * listening on loopback only. For the one-machine demo and integration tests; production uses a
 * real cluster.
 *
 * <p>With a given log directory the broker keeps its data across restarts; without one it uses a
 * temporary directory that {@link #close()} deletes. {@link #stop()} then {@link #start()} restarts
 * it on the same ports and log directory (an outage, for tests).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  private final Path logDir;
  private final boolean ownsLogDir;
  private final int requestedPort;
  private final Map<String, String> overrides;
  private KafkaRaftServer server;
  private int port;
  private int controllerPort;

  /** Client users and passwords when clients must authenticate (SASL/PLAIN); null for plaintext. */
  private Map<String, String> saslUsers;

  private EmbeddedKafkaBroker(
      Path logDir, boolean ownsLogDir, int port, Map<String, String> overrides) {
    this.logDir = logDir;
    this.ownsLogDir = ownsLogDir;
    this.requestedPort = port;
    this.overrides = Map.copyOf(overrides);
  }

  /** A broker on a free port with a temporary log directory. */
  public static EmbeddedKafkaBroker temporary() {
    try {
      return new EmbeddedKafkaBroker(
          Files.createTempDirectory("towerstream-kafka"), true, 0, Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary Kafka log directory", e);
    }
  }

  /**
   * A broker that keeps its log in {@code logDir}.
   *
   * @param port the client port, 0 for any free port
   * @param overrides extra broker properties, applied last
   */
  public static EmbeddedKafkaBroker persistent(
      Path logDir, int port, Map<String, String> overrides) {
    return new EmbeddedKafkaBroker(logDir, false, port, overrides);
  }

  /**
   * Makes clients authenticate with SASL/PLAIN as one of {@code users} (name to password) over a
   * {@code SASL_PLAINTEXT} listener; call before {@link #start()}. For tests of clients' security
   * settings: PLAIN without TLS sends passwords in the clear, so real deployments use SASL_SSL.
   */
  public synchronized EmbeddedKafkaBroker requireSaslPlain(Map<String, String> users) {
    if (server != null) {
      throw new IllegalStateException("the broker is already running");
    }
    saslUsers = Map.copyOf(users);
    return this;
  }

  /** Formats the log directory if needed and starts the broker; returns when it accepts clients. */
  public synchronized EmbeddedKafkaBroker start() {
    if (server != null) {
      return this;
    }
    long started = System.nanoTime();
    try {
      Files.createDirectories(logDir);
      // a restart (start after close) listens where the first start did, as a restarted real broker
      // does
      if (port == 0) {
        port = requestedPort > 0 ? requestedPort : freePort();
        // each probe's socket is closed before the next opens, so the kernel may hand out the
        // client port again; two listeners on one port fail the broker's config check
        do {
          controllerPort = freePort();
        } while (controllerPort == port);
      }
      Properties props = brokerProperties(port, controllerPort);
      Path configFile = logDir.resolve("embedded-server.properties");
      try (Writer out = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
        props.store(out, "written by towerstream's embedded broker");
      }
      format(configFile);
      server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
      server.startup();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded Kafka broker in " + logDir, e);
    }
    LOG.info(
        "Embedded Kafka broker at {} started in {} ms (log dir {})",
        bootstrapServers(),
        (System.nanoTime() - started) / 1_000_000,
        logDir);
    return this;
  }

  /** {@code host:port} for clients' {@code bootstrap.servers}. */
  public String bootstrapServers() {
    if (server == null) {
      throw new IllegalStateException("the embedded broker is not running");
    }
    return "127.0.0.1:" + port;
  }

  public Path logDir() {
    return logDir;
  }

  /** Shuts the broker down, keeping its log directory and ports for a later {@link #start()}. */
  public synchronized void stop() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  @Override
  public synchronized void close() {
    stop();
    if (ownsLogDir) {
      deleteRecursively(logDir);
    }
  }

  private Properties brokerProperties(int clientPort, int controllerPort) {
    Properties p = new Properties();
    p.put("node.id", "1");
    p.put("process.roles", "broker,controller");
    String client = saslUsers == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
    p.put(
        "listeners",
        client + "://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", client + "://127.0.0.1:" + clientPort);
    p.put("listener.security.protocol.map", client + ":" + client + ",CONTROLLER:PLAINTEXT");
    if (saslUsers != null) {
      p.put("sasl.enabled.mechanisms", "PLAIN");
      p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
      StringBuilder jaas =
          new StringBuilder(
              "org.apache.kafka.common.security.plain.PlainLoginModule required"
                  + " username=\"broker\" password=\"broker-secret\" user_broker=\"broker-secret\"");
      saslUsers.forEach(
          (user, password) ->
              jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
      p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(';').toString());
    }
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", client);
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("log.dirs", logDir.resolve("data").toString());
    // one node: every internal topic must have replication factor 1 or it never becomes available
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");
    // compaction of `embeddings` should be visible within a demo's lifetime
    p.put("log.cleaner.backoff.ms", "1000");
    p.putAll(overrides);
    return p;
  }

  private void format(Path configFile) {
    if (Files.exists(logDir.resolve("data").resolve("meta.properties"))) {
      return; // formatted by an earlier start: a new format would carry a new cluster id, which
      // Kafka refuses
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    String clusterId = Uuid.randomUuid().toString();
    int rc =
        StorageTool.execute(
            new String[] {
              "format", "-t", clusterId, "-c", configFile.toString(), "--ignore-formatted"
            },
            new PrintStream(output, true, StandardCharsets.UTF_8));
    if (rc != 0) {
      throw new IllegalStateException(
          "formatting the Kafka log directory failed: " + output.toString(StandardCharsets.UTF_8));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete {}", dir, e);
    }
  }
}
