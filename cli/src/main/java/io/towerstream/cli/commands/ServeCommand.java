package io.towerstream.cli.commands;

import io.towerstream.store.RetrievalStore;
import io.towerstream.store.StoreConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs one retrieval store replica against an external Kafka cluster. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs a retrieval store replica: consumes `embeddings` (the whole topic, no consumer group) into "
        + "RocksDB and serves the HTTP API until interrupted. Run several behind a load balancer for more QPS."})
public final class ServeCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers, host:port[,host:port].")
  String bootstrapServers;

  @Option(names = "--db-path", required = true, description = "RocksDB directory of this replica (created if missing).")
  Path dbPath;

  @Option(names = "--host", defaultValue = "0.0.0.0", description = "HTTP bind address (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "8080", description = "HTTP port, 0 = any free (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--embeddings-topic", defaultValue = "embeddings", description = "Default: ${DEFAULT-VALUE}.")
  String embeddingsTopic;

  @Option(names = "--trainer-status-topic", defaultValue = "trainer-status", description = "Default: ${DEFAULT-VALUE}.")
  String statusTopic;

  @Option(names = "--read-committed", defaultValue = "true", arity = "1",
      description = "Read only committed records (set when the job publishes exactly-once; default: ${DEFAULT-VALUE}).")
  boolean readCommitted;

  @Override
  public Integer call() throws Exception {
    StoreConfig config = StoreConfig.builder()
        .bootstrapServers(bootstrapServers)
        .dbPath(dbPath)
        .httpHost(host)
        .httpPort(port)
        .embeddingsTopic(embeddingsTopic)
        .trainerStatusTopic(statusTopic)
        .readCommitted(readCommitted)
        .build();
    RetrievalStore store = RetrievalStore.open(config).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      store.close();
      stopped.countDown();
    }, "serve-shutdown"));
    System.out.println("retrieval store: http://" + host + ":" + store.port() + " consuming " + embeddingsTopic
        + " from " + bootstrapServers + " into " + dbPath);
    stopped.await();
    return 0;
  }
}
