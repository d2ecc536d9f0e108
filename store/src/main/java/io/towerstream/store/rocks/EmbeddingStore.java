package io.towerstream.store.rocks;

import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.schemas.avro.TrainerStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable state of one store replica, in RocksDB: column family {@code users} and {@code items}
 * map an id (UTF-8) to a {@link VectorValueFormat} value; {@code meta} holds the layout version,
 * the last consumed offset of every partition ({@code offset/<topic>/<partition>}, i64
 * little-endian), the latest trainer status ({@code trainer-status}, Avro single-object encoded)
 * and {@link StoreStats} ({@code stats}).
 *
 * <p>{@link #write} applies a whole {@link StoreBatch} in one atomic {@link WriteBatch}: vectors,
 * offsets and counters are either all durable or none is, so resuming from the stored offsets
 * neither loses nor repeats an update. Writes go through the WAL without fsync: a process crash
 * loses nothing acknowledged; a machine crash may lose the last batches, offsets included, which
 * are then simply consumed again.
 *
 * <p>Thread-safe. Meant for one writer (the ingest thread) and any number of readers.
 *
 * <p>Long for one reason: it owns every RocksDB handle, and opening (read-write or read-only),
 * reopening after a refused write, checkpointing and closing them are kept beside the reads and the
 * one atomic write that use them, so that no path can leak or use a closed handle.
 */
public final class EmbeddingStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddingStore.class);
  private static final byte LAYOUT_VERSION = 0;
  private static final byte[] LAYOUT_KEY = utf8("layout");
  private static final byte[] STATS_KEY = utf8("stats");
  private static final byte[] TRAINER_STATUS_KEY = utf8("trainer-status");
  private static final String OFFSET_PREFIX = "offset/";

  static {
    RocksDB.loadLibrary();
  }

  private final Path path;
  private final boolean readOnly;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final WriteOptions writeOptions;
  // Swapped by reopen(); null while a reopen failed. Written under the write lock only.
  private RocksDB db;
  private List<ColumnFamilyHandle> handles;
  private ColumnFamilyHandle users;
  private ColumnFamilyHandle items;
  private ColumnFamilyHandle meta;
  // Reads hold the read lock so close() and reopen() never free native handles under a running get
  // (a JVM crash).
  private final ReadWriteLock closeLock = new ReentrantReadWriteLock();
  private volatile StoreStats stats;
  private boolean closed;

  private EmbeddingStore(
      Path path, DBOptions dbOptions, ColumnFamilyOptions cfOptions, boolean readOnly) {
    this.path = path;
    this.readOnly = readOnly;
    this.dbOptions = dbOptions;
    this.cfOptions = cfOptions;
    this.writeOptions = new WriteOptions();
  }

  /** Opens (creating if missing) the store in {@code path}. */
  public static EmbeddingStore open(Path path) {
    try {
      Files.createDirectories(path);
    } catch (IOException e) {
      throw new RocksStoreException(path, "create the directory", null, e);
    }
    return open(path, false);
  }

  /**
   * Opens an existing store, or a snapshot of one, to read it: no lock is taken, so a store process
   * may hold the same directory; what is read is the state as of this call. Any write fails.
   */
  public static EmbeddingStore openReadOnly(Path path) {
    if (!Files.isRegularFile(path.resolve("CURRENT"))) {
      throw new IllegalArgumentException(
          "not a store directory (no RocksDB CURRENT file): " + path);
    }
    return open(path, true);
  }

  private static EmbeddingStore open(Path path, boolean readOnly) {
    DBOptions dbOptions =
        new DBOptions().setCreateIfMissing(!readOnly).setCreateMissingColumnFamilies(!readOnly);
    // vectors are float noise to a compressor: compressing them costs CPU and saves nothing
    ColumnFamilyOptions cfOptions =
        new ColumnFamilyOptions().setCompressionType(CompressionType.NO_COMPRESSION);
    EmbeddingStore store = new EmbeddingStore(path, dbOptions, cfOptions, readOnly);
    try {
      store.openDatabase();
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  /**
   * Closes RocksDB and opens it again on the same directory, keeping everything written (the WAL is
   * replayed). RocksDB refuses every write after a failed one (a full disk, an I/O error) until it
   * is reopened; this is how the store gets back to writing once the disk accepts writes again.
   * Readers wait while it runs. If the open fails, reads fail too until a later reopen succeeds.
   *
   * @throws RocksStoreException when RocksDB cannot be opened again
   */
  public void reopen() {
    closeLock.writeLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("RocksDB store " + path + " is closed");
      }
      closeDatabase();
      openDatabase();
    } finally {
      closeLock.writeLock().unlock();
    }
  }

  /**
   * Whether the store's disk takes writes now: writes, syncs and deletes a probe file in the store
   * directory as large as the write-ahead logs (at least 64 KiB, at most 8 MiB), about what
   * reopening RocksDB writes when it turns the logs into a table file. Reopening on a disk that
   * still refuses writes would leave the store unable even to read.
   */
  public boolean diskAcceptsWrites() {
    Path probe = path.resolve("write-probe.tmp");
    try {
      long size = Math.min(8L << 20, Math.max(64L << 10, walBytes()));
      ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
      try (FileChannel ch =
          FileChannel.open(
              probe,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        for (long written = 0; written < size; ) {
          chunk.clear();
          while (chunk.hasRemaining()) {
            written += ch.write(chunk);
          }
        }
        ch.force(true);
      }
      return true;
    } catch (IOException e) {
      return false;
    } finally {
      try {
        Files.deleteIfExists(probe);
      } catch (IOException e) {
        // a probe that cannot be deleted is overwritten by the next one
      }
    }
  }

  public Path path() {
    return path;
  }

  /** Counters as of the last write; never blocks. */
  public StoreStats stats() {
    return stats;
  }

  /** The stored vector of a user or item, if any. */
  public Optional<StoredVector> get(Entity entity, String id) {
    closeLock.readLock().lock();
    try {
      ensureOpen();
      return Optional.ofNullable(read(handle(entity), id));
    } finally {
      closeLock.readLock().unlock();
    }
  }

  /**
   * Applies a batch atomically. An update is ignored (counted as stale) unless it {@link
   * StoredVector#supersedes supersedes} what is stored, or what an earlier mutation of the same
   * batch left; a delete of an absent id is a no-op. Offsets and the trainer status are written
   * even when every mutation was stale.
   */
  public WriteResult write(StoreBatch batch) {
    closeLock.readLock().lock();
    try (WriteBatch wb = new WriteBatch()) {
      ensureOpen();
      StoreStats before = stats;
      long userCount = before.users();
      long itemCount = before.items();
      long maxModelVersion = before.maxModelVersion();
      long newestUpdatedAt = before.newestUpdatedAt();
      Map<String, Optional<StoredVector>> pending = new HashMap<>();
      List<EmbeddingMutation> applied = new ArrayList<>();
      int stale = 0;
      String key = null;
      try {
        Map<String, StoredVector> stored = readAll(batch.mutations());
        for (EmbeddingMutation m : batch.mutations()) {
          ColumnFamilyHandle cf = handle(m.entity());
          key = m.id();
          String pendingKey = m.entity().name() + ':' + m.id();
          Optional<StoredVector> inBatch = pending.get(pendingKey);
          StoredVector current = inBatch != null ? inBatch.orElse(null) : stored.get(pendingKey);
          long delta;
          if (m.isDelete()) {
            if (current == null) {
              continue;
            }
            wb.delete(cf, utf8(m.id()));
            pending.put(pendingKey, Optional.empty());
            delta = -1;
          } else {
            if (current != null && !m.vector().supersedes(current)) {
              stale++;
              continue;
            }
            wb.put(cf, utf8(m.id()), VectorValueFormat.encode(m.vector()));
            pending.put(pendingKey, Optional.of(m.vector()));
            delta = current == null ? 1 : 0;
            maxModelVersion = Math.max(maxModelVersion, m.vector().modelVersion());
            newestUpdatedAt = Math.max(newestUpdatedAt, m.vector().updatedAt());
          }
          if (m.entity() == Entity.USER) {
            userCount += delta;
          } else {
            itemCount += delta;
          }
          applied.add(m);
        }
        key = "trainer-status";
        if (batch.trainerStatus() != null) {
          wb.put(
              meta,
              TRAINER_STATUS_KEY,
              Topics.TRAINER_STATUS.codec().encode(batch.trainerStatus()));
        }
        for (Map.Entry<TopicPartition, Long> offset : batch.lastOffsets().entrySet()) {
          key = offsetKey(offset.getKey());
          wb.put(meta, utf8(key), longBytes(offset.getValue()));
        }
        key = "stats";
        StoreStats after = new StoreStats(userCount, itemCount, maxModelVersion, newestUpdatedAt);
        if (!after.equals(before)) {
          wb.put(meta, STATS_KEY, after.encode());
        }
        if (wb.count() > 0) {
          key = null;
          db.write(writeOptions, wb);
        }
        stats = after;
      } catch (RocksDBException e) {
        throw new StoreWriteException(
            path, "write a batch of " + batch.mutations().size() + " mutations", key, e);
      }
      return new WriteResult(applied, stale);
    } finally {
      closeLock.readLock().unlock();
    }
  }

  /**
   * The last consumed offset of every partition the store has seen; the consumer resumes at offset
   * + 1.
   */
  public Map<TopicPartition, Long> lastOffsets() {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    closeLock.readLock().lock();
    try (RocksIterator it = newIterator(meta)) {
      for (it.seek(utf8(OFFSET_PREFIX)); it.isValid(); it.next()) {
        String key = new String(it.key(), StandardCharsets.UTF_8);
        if (!key.startsWith(OFFSET_PREFIX)) {
          break;
        }
        int slash = key.lastIndexOf('/');
        TopicPartition tp =
            new TopicPartition(
                key.substring(OFFSET_PREFIX.length(), slash),
                Integer.parseInt(key.substring(slash + 1)));
        offsets.put(tp, ByteBuffer.wrap(it.value()).order(ByteOrder.LITTLE_ENDIAN).getLong());
      }
      checkIterator(it, "iterate offsets");
    } finally {
      closeLock.readLock().unlock();
    }
    return offsets;
  }

  /** The latest trainer status written, if any. */
  public Optional<TrainerStatus> trainerStatus() {
    closeLock.readLock().lock();
    try {
      ensureOpen();
      byte[] bytes = rawGet(meta, TRAINER_STATUS_KEY, "trainer-status");
      return bytes == null
          ? Optional.empty()
          : Optional.of(Topics.TRAINER_STATUS.codec().decode(bytes));
    } finally {
      closeLock.readLock().unlock();
    }
  }

  /**
   * Calls {@code action} for every stored vector of one entity kind, in key order (a consistent
   * snapshot).
   */
  public void forEach(Entity entity, BiConsumer<String, StoredVector> action) {
    closeLock.readLock().lock();
    try (RocksIterator it = newIterator(handle(entity))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        String id = new String(it.key(), StandardCharsets.UTF_8);
        action.accept(id, decode(id, it.value()));
      }
      checkIterator(it, "iterate " + entity);
    } finally {
      closeLock.readLock().unlock();
    }
  }

  /**
   * Writes a consistent point-in-time copy of the whole database (vectors, offsets, counters
   * together) into {@code target}, a directory that must not exist yet (its parent is created).
   * Uses a RocksDB checkpoint: the memtables are flushed and the SST files hard-linked where {@code
   * target} is on the same file system (copied otherwise), so it is fast and costs little space
   * until compaction rewrites the files.
   *
   * @throws IllegalArgumentException when {@code target} exists
   */
  public void checkpoint(Path target) {
    if (Files.exists(target)) {
      throw new IllegalArgumentException("snapshot path " + target + " already exists");
    }
    closeLock.readLock().lock();
    try {
      ensureOpen();
      Path parent = target.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (Checkpoint checkpoint = Checkpoint.create(db)) {
        checkpoint.createCheckpoint(target.toAbsolutePath().toString());
      }
    } catch (IOException e) {
      throw new RocksStoreException(
          path, "create the parent directory of snapshot " + target, null, e);
    } catch (RocksDBException e) {
      throw new RocksStoreException(path, "write a checkpoint to " + target, null, e);
    } finally {
      closeLock.readLock().unlock();
    }
  }

  /**
   * RocksDB's estimate of the bytes it holds: live SST data plus memtables, over every column
   * family; for metrics, not exact.
   */
  public long sizeEstimateBytes() {
    closeLock.readLock().lock();
    try {
      if (closed || db == null) {
        return 0;
      }
      long total = 0;
      for (ColumnFamilyHandle cf : handles) {
        total += db.getLongProperty(cf, "rocksdb.estimate-live-data-size");
        total += db.getLongProperty(cf, "rocksdb.cur-size-all-mem-tables");
      }
      return total;
    } catch (RocksDBException e) {
      throw new RocksStoreException(path, "read the size estimate", null, e);
    } finally {
      closeLock.readLock().unlock();
    }
  }

  /** Closes handles, the database and its options; idempotent. */
  @Override
  public void close() {
    closeLock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (db != null) {
          handles.forEach(ColumnFamilyHandle::close);
          db.closeE();
        }
      } catch (RocksDBException e) {
        throw new RocksStoreException(path, "close", null, e);
      } finally {
        db = null;
        writeOptions.close();
        cfOptions.close();
        dbOptions.close();
      }
    } finally {
      closeLock.writeLock().unlock();
    }
  }

  /** Opens RocksDB into the handle fields; closes what it opened when it fails. */
  private void openDatabase() {
    List<ColumnFamilyDescriptor> descriptors =
        List.of(
            new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
            new ColumnFamilyDescriptor(utf8("users"), cfOptions),
            new ColumnFamilyDescriptor(utf8("items"), cfOptions),
            new ColumnFamilyDescriptor(utf8("meta"), cfOptions));
    List<ColumnFamilyHandle> opened = new ArrayList<>();
    try {
      db =
          readOnly
              ? RocksDB.openReadOnly(dbOptions, path.toString(), descriptors, opened)
              : RocksDB.open(dbOptions, path.toString(), descriptors, opened);
    } catch (RocksDBException e) {
      throw new RocksStoreException(path, readOnly ? "open to read" : "open", null, e);
    }
    handles = opened;
    users = opened.get(1);
    items = opened.get(2);
    meta = opened.get(3);
    try {
      checkLayout();
      byte[] raw = rawGet(meta, STATS_KEY, "stats");
      stats = raw == null ? StoreStats.EMPTY : StoreStats.decode(raw);
    } catch (RuntimeException e) {
      closeDatabase();
      throw e;
    }
  }

  /**
   * Frees the handles and the database. A close error is only logged: after a failed write RocksDB
   * reports the same error again on close, and the handle is freed all the same.
   */
  private void closeDatabase() {
    if (db == null) {
      return;
    }
    handles.forEach(ColumnFamilyHandle::close);
    try {
      db.closeE();
    } catch (RocksDBException e) {
      LOG.warn("RocksDB store {}: close reported {}", path, e.getMessage());
    } finally {
      db = null;
    }
  }

  private long walBytes() throws IOException {
    try (Stream<Path> files = Files.list(path)) {
      long total = 0;
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.getFileName().toString().endsWith(".log")) {
          total += Files.size(f);
        }
      }
      return total;
    }
  }

  private void checkLayout() {
    byte[] layout = rawGet(meta, LAYOUT_KEY, "layout");
    if (layout == null && readOnly) {
      return; // opened and closed before anything was written: an empty store of this layout
    } else if (layout == null) {
      try {
        db.put(meta, LAYOUT_KEY, new byte[] {LAYOUT_VERSION});
      } catch (RocksDBException e) {
        throw new RocksStoreException(path, "write", "layout", e);
      }
    } else if (layout.length != 1 || layout[0] != LAYOUT_VERSION) {
      throw new RocksStoreException(
          path,
          "read",
          "layout",
          new IllegalStateException(
              "unknown store layout version "
                  + layout[0]
                  + ", this build reads "
                  + LAYOUT_VERSION));
    }
  }

  private RocksIterator newIterator(ColumnFamilyHandle cf) {
    ensureOpen();
    return db.newIterator(cf);
  }

  private void checkIterator(RocksIterator it, String operation) {
    try {
      it.status();
    } catch (RocksDBException e) {
      throw new RocksStoreException(path, operation, null, e);
    }
  }

  /**
   * What is stored for every id the mutations name, keyed {@code ENTITY:id}, from one RocksDB
   * MultiGet: a batch of thousands of updates cost as many point reads (each a memtable and SST
   * search) before, the largest part of the ingest's time under a stream of updates.
   */
  private Map<String, StoredVector> readAll(List<EmbeddingMutation> mutations)
      throws RocksDBException {
    Map<String, Integer> index = new HashMap<>();
    List<ColumnFamilyHandle> families = new ArrayList<>();
    List<byte[]> keys = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (EmbeddingMutation m : mutations) {
      String name = m.entity().name() + ':' + m.id();
      if (index.putIfAbsent(name, keys.size()) == null) {
        families.add(handle(m.entity()));
        keys.add(utf8(m.id()));
        names.add(name);
      }
    }
    Map<String, StoredVector> out = new HashMap<>();
    if (keys.isEmpty()) {
      return out;
    }
    List<byte[]> values = db.multiGetAsList(families, keys);
    for (int k = 0; k < values.size(); k++) {
      byte[] v = values.get(k);
      if (v != null) {
        String name = names.get(k);
        out.put(name, decode(name.substring(name.indexOf(':') + 1), v));
      }
    }
    return out;
  }

  private StoredVector read(ColumnFamilyHandle cf, String id) {
    byte[] bytes = rawGet(cf, utf8(id), id);
    return bytes == null ? null : decode(id, bytes);
  }

  private StoredVector decode(String id, byte[] bytes) {
    try {
      return VectorValueFormat.decode(bytes);
    } catch (IllegalArgumentException e) {
      throw new RocksStoreException(path, "decode", id, e);
    }
  }

  private byte[] rawGet(ColumnFamilyHandle cf, byte[] key, String keyName) {
    try {
      return db.get(cf, key);
    } catch (RocksDBException e) {
      throw new RocksStoreException(path, "read", keyName, e);
    }
  }

  private ColumnFamilyHandle handle(Entity entity) {
    return entity == Entity.USER ? users : items;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("RocksDB store " + path + " is closed");
    }
    if (db == null) {
      throw new RocksStoreException(
          path, "read or write", null, new IllegalStateException("RocksDB is being reopened"));
    }
  }

  private static String offsetKey(TopicPartition tp) {
    return OFFSET_PREFIX + tp.topic() + '/' + tp.partition();
  }

  private static byte[] longBytes(long value) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
