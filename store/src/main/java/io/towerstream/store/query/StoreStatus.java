package io.towerstream.store.query;

import io.towerstream.store.index.IndexStats;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of one replica: training progress (from the latest {@code TrainerStatus}), what the
 * store holds, and how ingestion goes. {@code -1} means "not known yet" for versions, ages, times
 * and lag; {@code loss} is NaN until a trainer status arrived.
 *
 * @param modelVersion the trainer's current model version, else the highest seen in any update
 * @param eventsTrained positive pairs the trainer has stepped on
 * @param batches training batches
 * @param skippedBatches batches the trainer dropped (non-finite loss or gradients)
 * @param loss the trainer's moving average loss
 * @param trainerPublishedAt when the latest trainer status was published (epoch ms)
 * @param usersEmbedded users with a stored vector
 * @param itemsEmbedded items with a stored vector
 * @param itemsIndexed items in the retrieval index (equals itemsEmbedded once started)
 * @param dimension the item vector dimension, 0 when no items
 * @param updatesApplied updates applied since this process started
 * @param deletesApplied tombstones applied since this process started
 * @param staleIgnored updates ignored as older than the stored vector, since start
 * @param malformedUpdates records skipped as undecodable or invalid (a model version far ahead of
 *     the store's included), since start
 * @param deadLetters skipped records written to the dead-letter topic, since start
 * @param consumerLag records behind the ends of the topics
 * @param newestUpdateAgeMs now minus the {@code updatedAt} of the newest stored update
 * @param lastAppliedAt when this process last applied a mutation (epoch ms)
 * @param kafkaReachable whether the broker answered within the last few seconds (false during an
 *     outage: the store then serves what it has, and nothing new arrives)
 * @param kafkaUnreachableMs how long the broker has not answered, 0 while it does
 * @param lastError the consumer loop's last failure, null if none
 * @param ingestFailures times the consumer loop failed and restarted
 * @param storeWritable false from a write RocksDB refused (a full disk, an I/O error) until it
 *     takes writes again; ingest pauses meanwhile and {@code /ready} answers 503
 * @param storeWriteError why the store cannot write (no path or class name), null while it can
 * @param storeWriteFailures writes RocksDB refused since start
 * @param checkpointEpoch the highest trainer checkpoint epoch among the updates read since start,
 *     -1 none (see {@code EmbeddingUpdate.checkpointEpoch})
 * @param lastUpdateVisibleMicros how long the last consumed batch took from reaching the store to
 *     being queryable (decode, RocksDB write, index update), -1 before the first
 * @param index what the item index holds: kind ({@code exact}/{@code graph}), graph and delta
 *     items, stale graph nodes, rebuilds, merges, whether a build runs
 * @param itemModelVersions how many items each model version has (ids as strings, for JSON)
 * @param prequential the trainer's sliding-window test-then-train metrics by scorer ({@code
 *     towerstream}, {@code popularity}, …: events, hitRate10, recall20, ndcg20, mrr); empty when
 *     the trainer does not evaluate
 * @param collapse the trainer's collapse monitoring (alignment, uniformity, effectiveRank,
 *     meanCosine, items); empty before it measured any
 */
public record StoreStatus(
    long modelVersion,
    long eventsTrained,
    long batches,
    long skippedBatches,
    double loss,
    long trainerPublishedAt,
    long usersEmbedded,
    long itemsEmbedded,
    long itemsIndexed,
    int dimension,
    long updatesApplied,
    long deletesApplied,
    long staleIgnored,
    long malformedUpdates,
    long deadLetters,
    long consumerLag,
    long newestUpdateAgeMs,
    long lastAppliedAt,
    boolean kafkaReachable,
    long kafkaUnreachableMs,
    String lastError,
    long ingestFailures,
    boolean storeWritable,
    String storeWriteError,
    long storeWriteFailures,
    long checkpointEpoch,
    long lastUpdateVisibleMicros,
    IndexStats index,
    Map<String, Long> itemModelVersions,
    Map<String, Map<String, Object>> prequential,
    Map<String, Object> collapse) {

  /** The fields as an ordered JSON-ready map (NaN becomes null). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("modelVersion", modelVersion);
    m.put("eventsTrained", eventsTrained);
    m.put("batches", batches);
    m.put("skippedBatches", skippedBatches);
    m.put("loss", Double.isFinite(loss) ? loss : null);
    m.put("trainerPublishedAt", trainerPublishedAt);
    m.put("usersEmbedded", usersEmbedded);
    m.put("itemsEmbedded", itemsEmbedded);
    m.put("itemsIndexed", itemsIndexed);
    m.put("dimension", dimension);
    m.put("updatesApplied", updatesApplied);
    m.put("deletesApplied", deletesApplied);
    m.put("staleIgnored", staleIgnored);
    m.put("malformedUpdates", malformedUpdates);
    m.put("deadLetters", deadLetters);
    m.put("consumerLag", consumerLag);
    m.put("newestUpdateAgeMs", newestUpdateAgeMs);
    m.put("lastAppliedAt", lastAppliedAt);
    m.put("kafkaReachable", kafkaReachable);
    m.put("kafkaUnreachableMs", kafkaUnreachableMs);
    m.put("lastError", lastError);
    m.put("ingestFailures", ingestFailures);
    m.put("storeWritable", storeWritable);
    m.put("storeWriteError", storeWriteError);
    m.put("storeWriteFailures", storeWriteFailures);
    m.put("checkpointEpoch", checkpointEpoch);
    m.put("lastUpdateVisibleMicros", lastUpdateVisibleMicros);
    m.put("indexKind", index.kind());
    m.put("indexGraphItems", index.graphItems());
    m.put("indexDeltaItems", index.deltaItems());
    m.put("indexStaleNodes", index.staleNodes());
    m.put("indexRebuilds", index.rebuilds());
    m.put("indexMerges", index.merges());
    m.put("indexBuilding", index.building());
    m.put("indexLastBuildMillis", index.lastBuildMillis());
    m.put("itemModelVersions", itemModelVersions);
    m.put("prequential", prequential);
    m.put("collapse", collapse);
    return m;
  }
}
