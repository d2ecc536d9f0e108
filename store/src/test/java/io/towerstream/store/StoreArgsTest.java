package io.towerstream.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreArgsTest {

  @Test
  void parsesArgumentsInBothFormsAndPassesKafkaPropertiesThrough() {
    StoreConfig c =
        StoreArgs.parse(
            new String[] {
              "--bootstrap-servers",
              "b:9092",
              "--db-path=/data/store",
              "--port",
              "0",
              "--host",
              "127.0.0.1",
              "--poll-timeout-ms",
              "50",
              "--read-committed",
              "false",
              "--index",
              "exact",
              "--kafka.security.protocol",
              "SSL"
            },
            Map.of());
    assertThat(c.bootstrapServers()).isEqualTo("b:9092");
    assertThat(c.dbPath()).isEqualTo(Path.of("/data/store"));
    assertThat(c.httpPort()).isZero();
    assertThat(c.httpHost()).isEqualTo("127.0.0.1");
    assertThat(c.pollTimeout()).isEqualTo(Duration.ofMillis(50));
    assertThat(c.readCommitted()).isFalse();
    assertThat(c.consumerOverrides()).containsExactly(Map.entry("security.protocol", "SSL"));
  }

  @Test
  void fallsBackToTheEnvironmentAndArgumentsWin() {
    Map<String, String> env =
        Map.of(
            "TOWERSTREAM_STORE_BOOTSTRAP_SERVERS",
            "env:9092",
            "TOWERSTREAM_STORE_DB_PATH",
            "/env/db",
            "TOWERSTREAM_STORE_PORT",
            "9999");
    StoreConfig c = StoreArgs.parse(new String[] {"--db-path", "/arg/db"}, env);
    assertThat(c.bootstrapServers()).isEqualTo("env:9092");
    assertThat(c.dbPath()).isEqualTo(Path.of("/arg/db"));
    assertThat(c.httpPort()).isEqualTo(9999);
  }

  @Test
  void parsesTheIndexKindAndGraphTuning() {
    StoreConfig c =
        StoreArgs.parse(
            new String[] {
              "--bootstrap-servers",
              "b:1",
              "--db-path",
              "/d",
              "--index",
              "HNSW",
              "--hnsw-max-degree",
              "24",
              "--hnsw-beam-width",
              "80",
              "--hnsw-overquery",
              "2.5",
              "--index-build-threads",
              "1",
              "--index-auto-threshold",
              "1000"
            },
            Map.of());
    assertThat(c.indexKind()).isEqualTo(IndexKind.HNSW);
    assertThat(c.indexOptions().maxDegree()).isEqualTo(24);
    assertThat(c.indexOptions().constructionBeam()).isEqualTo(80);
    assertThat(c.indexOptions().overquery()).isEqualTo(2.5f);
    assertThat(c.indexOptions().buildThreads()).isEqualTo(1);
    assertThat(c.indexOptions().minGraphItems()).isEqualTo(1000);
    assertThat(
            StoreArgs.parse(
                    new String[] {"--bootstrap-servers", "b:1", "--db-path", "/d"},
                    Map.of("TOWERSTREAM_STORE_INDEX", "exact"))
                .indexKind())
        .isEqualTo(IndexKind.EXACT);
    assertThatThrownBy(
            () ->
                StoreArgs.parse(
                    new String[] {
                      "--bootstrap-servers", "b:1", "--db-path", "/d", "--hnsw-max-degree", "0"
                    },
                    Map.of()))
        .hasMessageContaining("--hnsw-max-degree");
    assertThatThrownBy(
            () ->
                StoreArgs.parse(
                    new String[] {
                      "--bootstrap-servers", "b:1", "--db-path", "/d", "--hnsw-overquery", "0.5"
                    },
                    Map.of()))
        .hasMessageContaining("--hnsw-overquery");
  }

  @Test
  void badInputNamesTheOption() {
    String[] base = {"--bootstrap-servers", "b:1", "--db-path", "/d"};
    assertThatThrownBy(() -> StoreArgs.parse(concat(base, "--port", "eighty"), Map.of()))
        .hasMessageContaining("--http-port")
        .hasMessageContaining("eighty");
    assertThatThrownBy(() -> StoreArgs.parse(concat(base, "--prot", "80"), Map.of()))
        .hasMessageContaining("--prot");
    assertThatThrownBy(() -> StoreArgs.parse(concat(base, "--index", "hnsw2"), Map.of()))
        .hasMessageContaining("--index");
    assertThatThrownBy(() -> StoreArgs.parse(concat(base, "--port"), Map.of()))
        .hasMessageContaining("needs a value");
    assertThatThrownBy(
            () -> StoreArgs.parse(concat(base, "--port", "1", "--http-port", "2"), Map.of()))
        .as("a repeated option is an error under any of its names, not the last one winning")
        .hasMessageContaining("--http-port")
        .hasMessageContaining("more than once");
    assertThatThrownBy(() -> StoreArgs.parse(new String[] {"--db-path", "/d"}, Map.of()))
        .hasMessageContaining("--bootstrap-servers");
  }

  @Test
  void securityComesFromFilesOrTheEnvironmentAndNeverPrints(@TempDir Path dir) throws Exception {
    Path kafka = dir.resolve("client.properties");
    Files.writeString(
        kafka, "security.protocol=SASL_SSL\nsasl.jaas.config=x required password=\"hunter2\";\n");
    Path token = dir.resolve("token");
    Files.writeString(token, "s3cr3t-token-0123456789\n");
    StoreConfig c =
        StoreArgs.parse(
            new String[] {
              "--bootstrap-servers",
              "b:1",
              "--db-path",
              "/d",
              "--kafka-config-file",
              kafka.toString(),
              "--kafka.security.protocol",
              "SSL",
              "--auth-token-file",
              token.toString()
            },
            Map.of());

    assertThat(c.consumerOverrides())
        .containsEntry("security.protocol", "SSL")
        .hasEntrySatisfying("sasl.jaas.config", v -> assertThat(v).contains("hunter2"));
    assertThat(c.authToken()).isEqualTo("s3cr3t-token-0123456789");
    assertThat(c.httpHost()).as("loopback unless told otherwise").isEqualTo("127.0.0.1");
    assertThat(c.toString()).doesNotContain("hunter2", "s3cr3t").contains("security.protocol=SSL");

    StoreConfig fromEnv =
        StoreArgs.parse(
            new String[] {"--bootstrap-servers", "b:1", "--db-path", "/d"},
            Map.of("TOWERSTREAM_STORE_AUTH_TOKEN", "env-token-abcdefghijkl"));
    assertThat(fromEnv.authToken()).isEqualTo("env-token-abcdefghijkl");
    assertThat(
            StoreArgs.parse(
                    new String[] {"--bootstrap-servers", "b:1", "--db-path", "/d"}, Map.of())
                .authToken())
        .isNull();
    assertThatThrownBy(
            () ->
                StoreArgs.parse(
                    new String[] {"--bootstrap-servers", "b:1", "--db-path", "/d"},
                    Map.of("TOWERSTREAM_STORE_AUTH_TOKEN", "short")))
        .hasMessageContaining("--auth-token-file")
        .hasMessageNotContaining("short");
    assertThatThrownBy(
            () ->
                StoreArgs.parse(
                    new String[] {
                      "--bootstrap-servers",
                      "b:1",
                      "--db-path",
                      "/d",
                      "--auth-token-file",
                      dir.resolve("missing").toString()
                    },
                    Map.of()))
        .hasMessageContaining("--auth-token-file");
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void aConfigFileSitsUnderTheEnvironmentAndTheFlags(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("store.properties");
    Files.writeString(
        file,
        "bootstrap-servers=file:9092\ndb-path=/from/file\nhnsw-max-degree=12\n"
            + "index=hnsw\nkafka.security.protocol=SSL\n");
    StoreConfig c =
        StoreArgs.parse(
            new String[] {"--config", file.toString(), "--index", "exact"},
            Map.of("TOWERSTREAM_STORE_DB_PATH", "/from/env"));
    assertThat(c.bootstrapServers()).isEqualTo("file:9092");
    assertThat(c.dbPath()).isEqualTo(Path.of("/from/env"));
    assertThat(c.indexKind()).isEqualTo(IndexKind.EXACT);
    assertThat(c.indexOptions().maxDegree()).isEqualTo(12);
    assertThat(c.consumerOverrides()).containsEntry("security.protocol", "SSL");
    Files.writeString(file, "bootstrap-servers=b:9092\ndb-path=/d\nauth-token=in-a-file\n");
    assertThatThrownBy(() -> StoreArgs.parse(new String[] {"--config", file.toString()}, Map.of()))
        .hasMessageContaining("unknown option --auth-token");
  }

  @Test
  void thePortAndHostAliasesKeepTheLayersOrder(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("store.properties");
    Files.writeString(file, "bootstrap-servers=b:9092\ndb-path=/d\nport=9000\n");
    String[] config = {"--config", file.toString()};
    assertThat(StoreArgs.parse(config, Map.of("TOWERSTREAM_STORE_HTTP_PORT", "8000")).httpPort())
        .as("the environment beats the file whatever name each used")
        .isEqualTo(8000);
    assertThat(StoreArgs.parse(config, Map.of("TOWERSTREAM_STORE_PORT", "7000")).httpPort())
        .isEqualTo(7000);
    assertThat(
            StoreArgs.parse(
                    concat(config, "--port", "1"), Map.of("TOWERSTREAM_STORE_HTTP_PORT", "8000"))
                .httpPort())
        .isEqualTo(1);
    assertThat(StoreArgs.parse(concat(config, "--host=0.0.0.0"), Map.of()).httpHost())
        .isEqualTo("0.0.0.0");
  }

  @Test
  void itemTitlesMustNameAFile(@TempDir Path dir) throws Exception {
    String[] base = {"--bootstrap-servers", "b:1", "--db-path", "/d"};
    Path titles = Files.writeString(dir.resolve("u.item"), "1|Toy Story (1995)|01-Jan-1995\n");
    assertThat(
            StoreArgs.parse(concat(base, "--item-titles", titles.toString()), Map.of())
                .itemTitles())
        .isEqualTo(titles);
    assertThatThrownBy(
            () ->
                StoreArgs.parse(
                    concat(base, "--item-titles", dir.resolve("nope").toString()), Map.of()))
        .hasMessageContaining("--item-titles")
        .hasMessageContaining("nope");
  }

  @Test
  void theSnapshotDirectoryIsAnOption() {
    String[] base = {"--bootstrap-servers", "b:1", "--db-path", "/data/store"};
    assertThat(StoreArgs.parse(base, Map.of()).snapshotDir())
        .isEqualTo(Path.of("/data/store-snapshots"));
    assertThat(
            StoreArgs.parse(concat(base, "--snapshot-dir", "/backups/store"), Map.of())
                .snapshotDir())
        .isEqualTo(Path.of("/backups/store"));
    assertThat(
            StoreArgs.parse(base, Map.of("TOWERSTREAM_STORE_SNAPSHOT_DIR", "/env/snaps"))
                .snapshotDir())
        .isEqualTo(Path.of("/env/snaps"));
    assertThat(StoreArgs.options())
        .filteredOn(d -> d.name().equals("snapshot-dir"))
        .singleElement()
        .satisfies(d -> assertThat(d.defaultValue()).isEqualTo("<db-path>-snapshots"));
  }

  @Test
  void hostNamesBesideTheLoopbackOnesAreAnOption() {
    String[] base = {"--bootstrap-servers", "b:1", "--db-path", "/d"};
    assertThat(StoreArgs.parse(base, Map.of()).httpAllowedHosts()).isEmpty();
    assertThat(
            StoreArgs.parse(
                    concat(base, "--http-allowed-hosts", "store.internal, Proxy.Example,[fd00::1]"),
                    Map.of())
                .httpAllowedHosts())
        .containsExactlyInAnyOrder("store.internal", "proxy.example", "[fd00::1]");
    for (String bad : List.of("store.internal:8080", "http://x", "a b", "*")) {
      assertThatThrownBy(() -> StoreArgs.parse(concat(base, "--http-allowed-hosts", bad), Map.of()))
          .as(bad)
          .hasMessageContaining("--http-allowed-hosts");
    }
  }

  @Test
  void theDeadLetterTopicAndTheModelVersionBoundAreOptions() {
    String[] base = {"--bootstrap-servers", "b:1", "--db-path", "/d"};
    StoreConfig defaults = StoreArgs.parse(base, Map.of());
    assertThat(defaults.embeddingsDlqTopic()).isEqualTo("embeddings.dlq");
    assertThat(defaults.maxModelVersionLead()).isEqualTo(1_000_000);
    StoreConfig set =
        StoreArgs.parse(
            concat(base, "--embeddings-dlq-topic", "", "--max-model-version-lead", "10000000000"),
            Map.of());
    assertThat(set.embeddingsDlqTopic()).as("empty: none").isNull();
    assertThat(set.maxModelVersionLead()).isEqualTo(10_000_000_000L);
    for (String[] bad :
        List.of(
            new String[] {"--max-model-version-lead", "0"},
            new String[] {"--max-model-version-lead", "far"},
            new String[] {"--embeddings-dlq-topic", "embeddings"})) {
      assertThatThrownBy(() -> StoreArgs.parse(concat(base, bad), Map.of()))
          .as(String.join(" ", bad))
          .hasMessageContaining(bad[0]);
    }
    assertThat(StoreArgs.options())
        .filteredOn(d -> d.name().equals("max-model-version-lead"))
        .singleElement()
        .satisfies(d -> assertThat(d.defaultValue()).isEqualTo("1000000"));
  }

  @Test
  void everyOptionIsDocumentedWithTheBuildersDefault() {
    var docs = StoreArgs.options();
    assertThat(docs)
        .extracting(io.towerstream.config.OptionDoc::name)
        .doesNotHaveDuplicates()
        .contains(
            "bootstrap-servers", "db-path", "http-port", "index", "hnsw-overquery", "item-titles");
    assertThat(docs)
        .filteredOn(d -> d.name().equals("http-port"))
        .singleElement()
        .satisfies(d -> assertThat(d.defaultValue()).isEqualTo("8080"));
    assertThat(docs)
        .filteredOn(d -> d.name().equals("hnsw-overquery"))
        .singleElement()
        .satisfies(d -> assertThat(d.defaultValue()).isEqualTo("3"));
    assertThat(docs).allSatisfy(d -> assertThat(d.description()).isNotBlank());
    assertThat(StoreArgs.USAGE)
        .contains("--hnsw-max-degree", "(default: 32)", "TOWERSTREAM_STORE_");
  }
}
