package io.towerstream.cli.bench;

import io.towerstream.cli.demo.ClickReplayer;
import io.towerstream.cli.demo.ClickStream;
import io.towerstream.cli.demo.DemoStack;
import io.towerstream.cli.demo.WorkDirs;
import io.towerstream.model.data.ClickRecord;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.RetrievalStore;
import io.towerstream.store.query.UnknownEntityException;
import io.towerstream.store.rocks.StoredVector;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Freshness on a live stream: while background clicks flow at a steady rate, every {@code
 * probeIntervalMs} a click on a brand-new item is produced, and the time until the store serves
 * that item's vector is taken: everything a changed item goes through (broker, source, batch, step,
 * publish, embeddings topic, store ingest, index). Percentiles over the probes.
 */
final class FreshnessRun {
  private FreshnessRun() {}

  /**
   * Percentiles of the whole latency, and of its first part, click produced → the trainer's publish
   * (the update's {@code updatedAt}); the rest is the embeddings topic and the store's ingest.
   */
  record Result(
      int probes,
      int seen,
      double rate,
      double p50Ms,
      double p99Ms,
      double maxMs,
      double publishP50Ms,
      double publishP99Ms) {}

  static Result run(
      ClickStream background,
      double rate,
      int probes,
      long probeIntervalMs,
      List<String> jobArgs,
      PrintStream log)
      throws Exception {
    Path work = Files.createTempDirectory("towerstream-bench-freshness");
    try (DemoStack stack = DemoStack.start(work, 0, "127.0.0.1", 0, 0, jobArgs)) {
      AtomicReference<Exception> failure = new AtomicReference<>();
      Thread feeder =
          new Thread(
              () -> {
                try (ClickReplayer replayer =
                    new ClickReplayer(stack.bootstrapServers(), stack.clicksTopic())) {
                  replayer.replay(endless(background), rate);
                } catch (Exception e) {
                  failure.set(e);
                }
              },
              "bench-freshness-background");
      feeder.setDaemon(true);
      feeder.start();
      Thread.sleep(15_000); // the job starts, the first batches train, the JIT warms up
      log.printf(
          Locale.ROOT,
          "  freshness: background %.0f clicks/s, %d probes every %d ms%n",
          rate,
          probes,
          probeIntervalMs);
      List<Seen> seen = probe(stack, probes, probeIntervalMs);
      feeder.interrupt();
      if (failure.get() != null) {
        throw failure.get();
      }
      double[] total = seen.stream().mapToDouble(Seen::totalMs).sorted().toArray();
      double[] toPublish = seen.stream().mapToDouble(Seen::toPublishMs).sorted().toArray();
      return new Result(
          probes,
          seen.size(),
          rate,
          percentile(total, 0.50),
          percentile(total, 0.99),
          total.length == 0 ? Double.NaN : total[total.length - 1],
          percentile(toPublish, 0.50),
          percentile(toPublish, 0.99));
    } finally {
      WorkDirs.deleteRecursively(work);
    }
  }

  /**
   * One probe that was served: milliseconds from its send to served, and to the trainer's publish.
   */
  private record Seen(double totalMs, double toPublishMs) {}

  /**
   * Sends the probes and returns those served within 10 s each. The publish part compares the
   * update's {@code updatedAt} with the send's wall clock, both of this machine.
   */
  private static List<Seen> probe(DemoStack stack, int probes, long intervalMs)
      throws InterruptedException {
    RetrievalStore store = stack.store();
    long[] sentAt = new long[probes];
    long[] sentAtWall = new long[probes];
    boolean[] closed = new boolean[probes]; // served, or given up
    List<Seen> seen = new ArrayList<>();
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            0);
    try (KafkaProducer<String, ClickEvent> producer =
        new KafkaProducer<>(config, new StringSerializer(), Topics.CLICKS.valueSerializer())) {
      long start = System.nanoTime();
      int sent = 0;
      int closedCount = 0;
      while (sent < probes || closedCount < probes) {
        if (sent < probes && System.nanoTime() >= start + sent * intervalMs * 1_000_000L) {
          String user = "probe-user-" + (sent % 17);
          ClickEvent click =
              ClickEvent.newBuilder()
                  .setUserId(user)
                  .setItemId("probe-item-" + sent)
                  .setEventTime(Instant.now())
                  .build();
          sentAt[sent] = System.nanoTime();
          sentAtWall[sent] = System.currentTimeMillis();
          producer.send(new ProducerRecord<>(stack.clicksTopic(), user, click));
          producer.flush();
          sent++;
        }
        for (int k = 0; k < sent; k++) {
          if (closed[k]) {
            continue;
          }
          StoredVector served = served(store, "probe-item-" + k);
          if (served != null) {
            seen.add(
                new Seen(
                    (System.nanoTime() - sentAt[k]) / 1e6, served.updatedAt() - sentAtWall[k]));
            closed[k] = true;
            closedCount++;
          } else if (System.nanoTime() - sentAt[k] > 10_000_000_000L) {
            closed[k] = true; // given up
            closedCount++;
          }
        }
        Thread.sleep(2);
      }
    }
    return seen;
  }

  private static StoredVector served(RetrievalStore store, String item) {
    try {
      return store.service().embedding(Entity.ITEM, item);
    } catch (UnknownEntityException e) {
      return null;
    }
  }

  private static Iterator<ClickRecord> endless(ClickStream stream) {
    return new Iterator<>() {
      private Iterator<ClickRecord> it = stream.records().iterator();

      @Override
      public boolean hasNext() {
        return !Thread.currentThread().isInterrupted();
      }

      @Override
      public ClickRecord next() {
        if (!it.hasNext()) {
          it = stream.records().iterator();
        }
        ClickRecord r = it.next();
        return new ClickRecord(r.userId(), r.itemId(), System.currentTimeMillis(), r.lineNumber());
      }
    };
  }

  static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
