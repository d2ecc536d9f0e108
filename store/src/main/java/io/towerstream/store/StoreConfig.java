package io.towerstream.store;

import io.towerstream.schemas.KafkaClientProperties;
import io.towerstream.schemas.Topics;
import io.towerstream.store.index.GraphIndexOptions;
import io.towerstream.store.ingest.BatchApplier;
import io.towerstream.store.ingest.IngestSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything a retrieval store process needs, parsed once and validated on construction: a bad
 * value fails with an {@link IllegalArgumentException} naming the option (by its command-line name,
 * e.g. {@code --http-port}). Defaults live in {@link Builder} and nowhere else.
 *
 * @param bootstrapServers Kafka {@code bootstrap.servers}; required
 * @param embeddingsTopic the compacted topic of {@code EmbeddingUpdate}s; default {@code
 *     embeddings}
 * @param trainerStatusTopic the topic of {@code TrainerStatus}es; default {@code trainer-status}
 * @param embeddingsDlqTopic where refused records go as {@code DeadLetter}s; default {@code
 *     embeddings.dlq}, null for none (they are then only logged and counted)
 * @param dbPath the RocksDB directory, created if missing; required
 * @param httpHost the interface the HTTP server binds; default {@code 127.0.0.1} (loopback: a
 *     replica is reachable from other machines, e.g. in a container, only when told {@code --host
 *     0.0.0.0})
 * @param httpPort the HTTP port, 0 for any free port ({@link RetrievalStore#port()} reports it);
 *     default 8080
 * @param pollTimeout how long one consumer poll waits for records; default 200 ms
 * @param maxPollRecords the most records one poll (and so one RocksDB batch) holds; default 1000
 * @param readCommitted read only committed records of transactional producers; default true
 * @param maxModelVersionLead how far above the highest model version the store has applied (0 while
 *     empty) an update's may lie; further ones are refused (see {@code
 *     io.towerstream.store.ingest.UpdateChecks}); default {@value #DEFAULT_MAX_MODEL_VERSION_LEAD}
 * @param indexKind the item index implementation; default {@link IndexKind#AUTO} (exact below
 *     {@code indexOptions.minGraphItems()} items, a jvector graph plus an exact delta above)
 * @param indexOptions graph index tuning; default {@link GraphIndexOptions#defaults()}
 * @param consumerOverrides extra Kafka consumer properties (security, client.id...), applied last
 * @param itemTitles a file of item titles the API and the dashboard show beside item ids ({@code
 *     u.item} or {@code id,title} CSV); null for none
 * @param authToken the bearer token every HTTP endpoint but {@code /health} and {@code /ready}
 *     requires; null for none (never printed: {@link #toString()} masks it and every secret-looking
 *     consumer property), and then the admin routes are off
 * @param snapshotDir the only directory {@code POST /v1/admin/snapshot} writes into; default {@code
 *     <dbPath>-snapshots} beside the database (the same file system, so a checkpoint hard-links its
 *     files), never inside it
 * @param httpAllowedHosts host names (lower case, no port) a loopback-bound HTTP server serves
 *     besides {@code localhost}, {@code 127.0.0.1} and {@code [::1]}, e.g. a local proxy's; others
 *     are refused as DNS rebinding; default none
 */
public record StoreConfig(
    String bootstrapServers,
    String embeddingsTopic,
    String trainerStatusTopic,
    String embeddingsDlqTopic,
    Path dbPath,
    String httpHost,
    int httpPort,
    Duration pollTimeout,
    int maxPollRecords,
    boolean readCommitted,
    long maxModelVersionLead,
    IndexKind indexKind,
    GraphIndexOptions indexOptions,
    Map<String, String> consumerOverrides,
    Path itemTitles,
    String authToken,
    Path snapshotDir,
    Set<String> httpAllowedHosts) {

  /** The default of {@code --max-model-version-lead} (see {@link BatchApplier}). */
  public static final long DEFAULT_MAX_MODEL_VERSION_LEAD =
      BatchApplier.DEFAULT_MAX_MODEL_VERSION_LEAD;

  /** What the ingest loop reads of this configuration. */
  public IngestSettings ingestSettings() {
    return new IngestSettings(
        bootstrapServers,
        embeddingsTopic,
        trainerStatusTopic,
        embeddingsDlqTopic,
        pollTimeout,
        maxPollRecords,
        readCommitted,
        consumerOverrides);
  }

  public StoreConfig {
    requireText("--bootstrap-servers", bootstrapServers);
    requireText("--embeddings-topic", embeddingsTopic);
    requireText("--trainer-status-topic", trainerStatusTopic);
    if (embeddingsTopic.equals(trainerStatusTopic)) {
      throw invalid(
          "--trainer-status-topic",
          "must differ from --embeddings-topic, both are '" + embeddingsTopic + "'");
    }
    if (embeddingsDlqTopic != null
        && (embeddingsDlqTopic.isBlank()
            || embeddingsDlqTopic.equals(embeddingsTopic)
            || embeddingsDlqTopic.equals(trainerStatusTopic))) {
      throw invalid(
          "--embeddings-dlq-topic",
          "must be a topic the store does not read (or empty for none), got '"
              + embeddingsDlqTopic
              + "'");
    }
    if (dbPath == null) {
      throw invalid("--db-path", "is required");
    }
    requireText("--http-host", httpHost);
    if (httpPort < 0 || httpPort > 65_535) {
      throw invalid("--http-port", "must be 0..65535 (0 = any free port), got " + httpPort);
    }
    if (pollTimeout == null || pollTimeout.isNegative() || pollTimeout.isZero()) {
      throw invalid("--poll-timeout-ms", "must be a positive duration, got " + pollTimeout);
    }
    if (maxPollRecords < 1) {
      throw invalid("--max-poll-records", "must be at least 1, got " + maxPollRecords);
    }
    if (maxModelVersionLead < 1) {
      throw invalid("--max-model-version-lead", "must be at least 1, got " + maxModelVersionLead);
    }
    if (indexKind == null) {
      throw invalid("--index", "is required");
    }
    indexOptions = Objects.requireNonNullElseGet(indexOptions, GraphIndexOptions::defaults);
    if (itemTitles != null && !java.nio.file.Files.isRegularFile(itemTitles)) {
      throw invalid("--item-titles", "no such file: " + itemTitles.toAbsolutePath());
    }
    consumerOverrides = Map.copyOf(Objects.requireNonNullElse(consumerOverrides, Map.of()));
    if (authToken != null
        && (authToken.isBlank()
            || authToken.length() < 16
            || !authToken.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
      throw invalid(
          "--auth-token-file",
          "the token must be at least 16 printable ASCII characters without spaces");
    }
    if (snapshotDir == null) {
      snapshotDir = defaultSnapshotDir(dbPath);
    }
    httpAllowedHosts = allowedHosts(httpAllowedHosts);
    Path db = dbPath.toAbsolutePath().normalize();
    if (snapshotDir.toAbsolutePath().normalize().startsWith(db)) {
      throw invalid(
          "--snapshot-dir", "must lie outside --db-path (" + dbPath + "), got " + snapshotDir);
    }
  }

  /** Lower-cased host names or IP literals, each checked; none when null. */
  private static Set<String> allowedHosts(Set<String> hosts) {
    Set<String> out = new TreeSet<>();
    for (String h : Objects.requireNonNullElse(hosts, Set.<String>of())) {
      String host = h.strip().toLowerCase(Locale.ROOT);
      if (!host.matches("[a-z0-9._-]+|\\[[0-9a-f:.]+]")) {
        throw invalid(
            "--http-allowed-hosts",
            "'" + h + "' is not a host name or IP address (without scheme, port or wildcard)");
      }
      out.add(host);
    }
    return Collections.unmodifiableSet(out);
  }

  /** {@code <dbPath>-snapshots}, beside the database. */
  private static Path defaultSnapshotDir(Path dbPath) {
    Path name = dbPath.toAbsolutePath().normalize().getFileName();
    return name == null
        ? dbPath.toAbsolutePath().resolve("snapshots")
        : dbPath.resolveSibling(name + "-snapshots");
  }

  /** The configuration with secrets masked, for logs. */
  @Override
  public String toString() {
    return "StoreConfig[bootstrapServers="
        + bootstrapServers
        + ", embeddingsTopic="
        + embeddingsTopic
        + ", trainerStatusTopic="
        + trainerStatusTopic
        + ", embeddingsDlqTopic="
        + embeddingsDlqTopic
        + ", dbPath="
        + dbPath
        + ", httpHost="
        + httpHost
        + ", httpPort="
        + httpPort
        + ", pollTimeout="
        + pollTimeout
        + ", maxPollRecords="
        + maxPollRecords
        + ", readCommitted="
        + readCommitted
        + ", maxModelVersionLead="
        + maxModelVersionLead
        + ", indexKind="
        + indexKind
        + ", indexOptions="
        + indexOptions
        + ", kafka="
        + KafkaClientProperties.masked(consumerOverrides)
        + ", itemTitles="
        + itemTitles
        + ", authToken="
        + (authToken == null ? "none" : "*****")
        + ", snapshotDir="
        + snapshotDir
        + ", httpAllowedHosts="
        + httpAllowedHosts
        + "]";
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration, to change a few options. */
  public Builder toBuilder() {
    return new Builder()
        .bootstrapServers(bootstrapServers)
        .embeddingsTopic(embeddingsTopic)
        .trainerStatusTopic(trainerStatusTopic)
        .embeddingsDlqTopic(embeddingsDlqTopic)
        .dbPath(dbPath)
        .httpHost(httpHost)
        .httpPort(httpPort)
        .pollTimeout(pollTimeout)
        .maxPollRecords(maxPollRecords)
        .readCommitted(readCommitted)
        .maxModelVersionLead(maxModelVersionLead)
        .indexKind(indexKind)
        .indexOptions(indexOptions)
        .consumerOverrides(consumerOverrides)
        .itemTitles(itemTitles)
        .authToken(authToken)
        .snapshotDir(snapshotDir)
        .httpAllowedHosts(httpAllowedHosts);
  }

  private static void requireText(String option, String value) {
    if (value == null || value.isBlank()) {
      throw invalid(option, "is required and must not be blank");
    }
  }

  private static IllegalArgumentException invalid(String option, String problem) {
    return new IllegalArgumentException("invalid store option " + option + ": " + problem);
  }

  /** Collects options; {@link #build()} validates them. Fields start at the documented defaults. */
  public static final class Builder {
    private String bootstrapServers;
    private String embeddingsTopic = Topics.EMBEDDINGS.defaultName();
    private String trainerStatusTopic = Topics.TRAINER_STATUS.defaultName();
    private String embeddingsDlqTopic = Topics.EMBEDDINGS_DLQ.defaultName();
    private Path dbPath;
    private String httpHost = "127.0.0.1";
    private int httpPort = 8080;
    private Duration pollTimeout = Duration.ofMillis(200);
    private int maxPollRecords = 1000;
    private boolean readCommitted = true;
    private long maxModelVersionLead = DEFAULT_MAX_MODEL_VERSION_LEAD;
    private IndexKind indexKind = IndexKind.AUTO;
    private GraphIndexOptions indexOptions = GraphIndexOptions.defaults();
    private Map<String, String> consumerOverrides = Map.of();
    private Path itemTitles;
    private String authToken;
    private Path snapshotDir;
    private Set<String> httpAllowedHosts = Set.of();

    private Builder() {}

    public Builder bootstrapServers(String v) {
      bootstrapServers = v;
      return this;
    }

    public Builder embeddingsTopic(String v) {
      embeddingsTopic = v;
      return this;
    }

    public Builder trainerStatusTopic(String v) {
      trainerStatusTopic = v;
      return this;
    }

    /** Where refused records go; null for none. */
    public Builder embeddingsDlqTopic(String v) {
      embeddingsDlqTopic = v;
      return this;
    }

    public Builder dbPath(Path v) {
      dbPath = v;
      return this;
    }

    public Builder httpHost(String v) {
      httpHost = v;
      return this;
    }

    public Builder httpPort(int v) {
      httpPort = v;
      return this;
    }

    public Builder pollTimeout(Duration v) {
      pollTimeout = v;
      return this;
    }

    public Builder maxPollRecords(int v) {
      maxPollRecords = v;
      return this;
    }

    public Builder readCommitted(boolean v) {
      readCommitted = v;
      return this;
    }

    public Builder maxModelVersionLead(long v) {
      maxModelVersionLead = v;
      return this;
    }

    public Builder indexKind(IndexKind v) {
      indexKind = v;
      return this;
    }

    /** Graph tuning for {@link IndexKind#HNSW} and {@link IndexKind#AUTO}. */
    public Builder indexOptions(GraphIndexOptions v) {
      indexOptions = v;
      return this;
    }

    public Builder consumerOverrides(Map<String, String> v) {
      consumerOverrides = v;
      return this;
    }

    /** Item titles to show beside ids; null for none. */
    public Builder itemTitles(Path v) {
      itemTitles = v;
      return this;
    }

    /**
     * The bearer token the HTTP API requires (all endpoints but {@code /health} and {@code
     * /ready}); null for none.
     */
    public Builder authToken(String v) {
      authToken = v;
      return this;
    }

    /** Where the snapshot route writes; null for the default beside the database. */
    public Builder snapshotDir(Path v) {
      snapshotDir = v;
      return this;
    }

    /** Host names a loopback-bound server serves besides the loopback ones. */
    public Builder httpAllowedHosts(Set<String> v) {
      httpAllowedHosts = v;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first invalid option
     */
    public StoreConfig build() {
      return new StoreConfig(
          bootstrapServers,
          embeddingsTopic,
          trainerStatusTopic,
          embeddingsDlqTopic,
          dbPath,
          httpHost,
          httpPort,
          pollTimeout,
          maxPollRecords,
          readCommitted,
          maxModelVersionLead,
          indexKind,
          indexOptions,
          consumerOverrides,
          itemTitles,
          authToken,
          snapshotDir,
          httpAllowedHosts);
    }
  }
}
