package io.towerstream.benchmarks.store.lucene;

import io.towerstream.benchmarks.store.data.ItemUpdate;
import io.towerstream.store.index.Scoring;
import io.towerstream.store.index.VectorMath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ControlledRealTimeReopenThread;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ReferenceManager;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * Lucene's HNSW ({@code Lucene99HnswVectorsFormat}, M and construction beam set per field through
 * the codec) over the same items, as a search engine serves them: one document per item with its
 * vector, its id as a term (for {@code updateDocument}) and its number as a doc value (to answer
 * ids); queries are {@link KnnFloatVectorQuery} with k = ef, of which the best k are kept; updates
 * are {@code updateDocument}, seen by queries after the next near-real-time reopen, which a {@link
 * ControlledRealTimeReopenThread} does every {@code --lucene-refresh-ms}.
 *
 * <p>Scores match the store's: vectors are L2-normalised as the store does, and ranked by the dot
 * product ({@code DOT_PRODUCT}); with biases, each item is {@code [unit vector, bias]} and each
 * query {@code [unit query, 1]} under {@code MAXIMUM_INNER_PRODUCT}, so the score is {@code dot +
 * bias} (and {@code [unit query, 0]} ranks by the dot alone).
 */
public final class LuceneSide implements AutoCloseable {
  static final String VECTOR = "vector";
  static final String ID = "id";
  static final String ITEM = "item";

  private final Directory directory;
  private final IndexWriter writer;
  private final ExecutorService mergeWorkers;
  private final boolean withBias;
  private final VectorSimilarityFunction similarity;
  private final Object refreshed = new Object();
  private long refreshes;
  private long reopens;
  private long reopenNanos;
  private long maxReopenNanos;
  private SearcherManager searchers;
  private ControlledRealTimeReopenThread<IndexSearcher> reopener;

  /**
   * An empty index in {@code dir}: graph degree {@code maxConn} (layer 0 has twice as many),
   * construction beam {@code beamWidth}, graph merges on {@code threads} workers.
   */
  public LuceneSide(Path dir, int maxConn, int beamWidth, int threads, boolean withBias)
      throws IOException {
    this.withBias = withBias;
    this.similarity =
        withBias
            ? VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT
            : VectorSimilarityFunction.DOT_PRODUCT;
    this.mergeWorkers = threads > 1 ? Executors.newFixedThreadPool(threads) : null;
    KnnVectorsFormat format =
        new Lucene99HnswVectorsFormat(maxConn, beamWidth, Math.max(1, threads), mergeWorkers);
    Codec codec =
        new Lucene912Codec() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return format;
          }
        };
    this.directory = FSDirectory.open(dir);
    IndexWriterConfig config =
        new IndexWriterConfig()
            .setCodec(codec)
            .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
            // the initial load in as few segments as memory allows; later flushes are the reopens
            .setRAMBufferSizeMB(Math.min(1024, Runtime.getRuntime().maxMemory() / 8 / (1 << 20)));
    this.writer = new IndexWriter(directory, config);
  }

  /** Adds {@code items} (numbered 0 to n-1) from {@code threads} threads, as a bulk load would. */
  public void load(List<ItemUpdate> items, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> parts = new ArrayList<>();
      int per = (items.size() + threads - 1) / threads;
      for (int t = 0; t < threads; t++) {
        List<ItemUpdate> part =
            items.subList(Math.min(items.size(), t * per), Math.min(items.size(), (t + 1) * per));
        parts.add(
            pool.submit(
                () -> {
                  for (ItemUpdate u : part) {
                    writer.addDocument(document(u));
                  }
                  return null;
                }));
      }
      for (Future<?> f : parts) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Ends the load: merges to one segment (Lucene's best case for queries), commits, opens the
   * near-real-time searcher and starts reopening it every {@code refreshMs}.
   */
  public void open(int refreshMs) throws IOException {
    writer.forceMerge(1);
    writer.commit();
    searchers = new SearcherManager(writer, null);
    searchers.addListener(
        new ReferenceManager.RefreshListener() {
          private long started;

          @Override
          public void beforeRefresh() {
            started = System.nanoTime();
          }

          @Override
          public void afterRefresh(boolean didRefresh) {
            synchronized (refreshed) {
              refreshes++;
              if (didRefresh) {
                reopens++;
                reopenNanos += System.nanoTime() - started;
                maxReopenNanos = Math.max(maxReopenNanos, System.nanoTime() - started);
              }
              refreshed.notifyAll();
            }
          }
        });
    double seconds = refreshMs / 1000.0;
    reopener = new ControlledRealTimeReopenThread<>(writer, searchers, seconds, seconds);
    reopener.setName("lucene-nrt-reopen");
    reopener.setDaemon(true);
    reopener.start();
  }

  /**
   * The ids of the best {@code k} of an HNSW search with beam {@code ef} (at least {@code k}), best
   * first, by {@code scoring}.
   */
  public List<String> topIds(float[] query, int k, int ef, Scoring scoring) throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      TopDocs top =
          searcher.search(new KnnFloatVectorQuery(VECTOR, queryVector(query, scoring), ef), k);
      return ids(searcher, top.scoreDocs);
    } finally {
      searchers.release(searcher);
    }
  }

  /** Replaces each item's document; seen by queries after the next reopen. */
  public void update(List<ItemUpdate> batch) throws IOException {
    for (ItemUpdate u : batch) {
      writer.updateDocument(new Term(ID, u.id()), document(u));
    }
  }

  /**
   * Returns once a top-1 search (beam {@code ef}) by the dot product finds {@code probe}'s item,
   * checking again after each reopen rather than spinning (nothing changes in between).
   */
  public void awaitVisible(ItemUpdate probe, int ef) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      long seen;
      synchronized (refreshed) {
        seen = refreshes;
      }
      List<String> top = topIds(probe.vector(), 1, ef, Scoring.DOT);
      if (!top.isEmpty() && top.get(0).equals(probe.id())) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "update of " + probe.id() + " not visible after 60 s of reopens");
      }
      synchronized (refreshed) {
        while (refreshes == seen && System.nanoTime() < deadline) {
          refreshed.wait(100);
        }
      }
    }
  }

  /** Bytes of every file in the index directory (the vectors and graph are read through mmap). */
  public long sizeOnDisk() throws IOException {
    long total = 0;
    for (String file : directory.listAll()) {
      try {
        total += directory.fileLength(file);
      } catch (IOException e) {
        // a file a merge removed while we listed
      }
    }
    return total;
  }

  /** A line on the index: segments, live and deleted documents. */
  public String summary() {
    IndexSearcher searcher;
    try {
      searcher = searchers.acquire();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      var reader = searcher.getIndexReader();
      synchronized (refreshed) {
        return String.format(
            Locale.ROOT,
            "index: %d segments, %,d live documents, %,d deleted; %,d reopens, mean %.1f ms, max %.1f ms",
            reader.leaves().size(),
            reader.numDocs(),
            reader.numDeletedDocs(),
            reopens,
            reopens == 0 ? 0 : reopenNanos / 1e6 / reopens,
            maxReopenNanos / 1e6);
      }
    } finally {
      try {
        searchers.release(searcher);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private Document document(ItemUpdate u) {
    float[] unit = VectorMath.normalized(u.vector());
    float[] vector = withBias ? append(unit, u.bias()) : unit;
    Document doc = new Document();
    doc.add(new KnnFloatVectorField(VECTOR, vector, similarity));
    doc.add(new StringField(ID, u.id(), Field.Store.NO));
    doc.add(new NumericDocValuesField(ITEM, u.item()));
    return doc;
  }

  private float[] queryVector(float[] query, Scoring scoring) {
    float[] unit = VectorMath.normalized(query);
    return withBias ? append(unit, scoring == Scoring.DOT_PLUS_BIAS ? 1f : 0f) : unit;
  }

  private static float[] append(float[] v, float last) {
    float[] out = Arrays.copyOf(v, v.length + 1);
    out[v.length] = last;
    return out;
  }

  /** The hits' item ids in rank order, read from the doc values in doc order as they require. */
  private static List<String> ids(IndexSearcher searcher, ScoreDoc[] hits) throws IOException {
    Integer[] byDoc = new Integer[hits.length];
    for (int i = 0; i < hits.length; i++) {
      byDoc[i] = i;
    }
    Arrays.sort(byDoc, (a, b) -> Integer.compare(hits[a].doc, hits[b].doc));
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    String[] ids = new String[hits.length];
    int leafIndex = -1;
    NumericDocValues items = null;
    LeafReaderContext leaf = null;
    for (int i : byDoc) {
      int doc = hits[i].doc;
      int l = ReaderUtil.subIndex(doc, leaves);
      if (l != leafIndex) {
        leafIndex = l;
        leaf = leaves.get(l);
        items = leaf.reader().getNumericDocValues(ITEM);
      }
      if (items == null || !items.advanceExact(doc - leaf.docBase)) {
        throw new IllegalStateException("document " + doc + " has no item number");
      }
      ids[i] = "i" + items.longValue();
    }
    return Arrays.asList(ids);
  }

  @Override
  public void close() throws IOException {
    if (reopener != null) {
      reopener.close();
    }
    if (searchers != null) {
      searchers.close();
    }
    writer.close();
    directory.close();
    if (mergeWorkers != null) {
      mergeWorkers.shutdownNow();
    }
  }
}
