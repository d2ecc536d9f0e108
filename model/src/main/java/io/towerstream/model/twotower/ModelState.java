package io.towerstream.model.twotower;

import io.towerstream.model.ModelConfig;
import io.towerstream.model.history.UserHistories;
import io.towerstream.model.prior.PopularityPrior;
import io.towerstream.model.random.SeededRandom;
import io.towerstream.model.sampling.FrequencyEstimator;
import io.towerstream.model.sampling.NegativeReservoir;
import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import io.towerstream.model.tables.IdTable;
import io.towerstream.model.tables.ItemBiasTable;
import io.towerstream.model.tables.RowInitializer;
import io.towerstream.model.tower.Tower;

/**
 * Everything a two-tower model is, in one place, so that a snapshot writes and reads the same list of
 * parts in the same order. Also wires item-table evictions to the per-item state kept elsewhere (reservoir,
 * frequency estimates, pending changes), which would otherwise describe whichever item reuses the slot.
 */
final class ModelState {
  final ModelConfig config;
  final TrainingCounters counters;
  final RowInitializer userInit;
  final RowInitializer itemInit;
  final SeededRandom sampling;
  final IdTable users;
  final IdTable items;
  final Tower userTower;
  final Tower itemTower;
  final FrequencyEstimator frequencies;
  final NegativeReservoir reservoir;
  final ChangeTracker userChanges;
  final ChangeTracker itemChanges;
  final UserHistories histories;
  final PopularityPrior prior;
  final ItemBiasTable biases;

  private ModelState(ModelConfig config, TrainingCounters counters, SeededRandom userRandom,
      SeededRandom itemRandom, SeededRandom sampling, IdTable users, IdTable items, Tower userTower,
      Tower itemTower, FrequencyEstimator frequencies, NegativeReservoir reservoir, ChangeTracker userChanges,
      ChangeTracker itemChanges, UserHistories histories, PopularityPrior prior,
      ItemBiasTable biases) {
    this.config = config;
    this.counters = counters;
    this.userInit = new RowInitializer(userRandom, config.initScale());
    this.itemInit = new RowInitializer(itemRandom, config.initScale());
    this.sampling = sampling;
    this.users = users;
    this.items = items;
    this.userTower = userTower;
    this.itemTower = itemTower;
    this.frequencies = frequencies;
    this.reservoir = reservoir;
    this.userChanges = userChanges;
    this.itemChanges = itemChanges;
    this.histories = histories;
    this.prior = prior;
    this.biases = biases;
    users.setEvictionListener((slot, id) -> {
      userChanges.forget(slot);
      histories.clear(slot);
    });
    items.setEvictionListener((slot, id) -> {
      reservoir.remove(slot);
      prior.reset(slot);
      biases.reset(slot);
      frequencies.reset(slot);
      itemChanges.forget(slot);
    });
  }

  static ModelState fresh(ModelConfig c) {
    // Independent streams, so that e.g. a new user does not shift which negatives are drawn.
    SeededRandom root = new SeededRandom(c.seed());
    return new ModelState(c, new TrainingCounters(), root.split(), root.split(), root.split(),
        new IdTable(c.dim(), c.maxRowsPerTable()), new IdTable(c.dim(), c.maxRowsPerTable()),
        new Tower(c.dim(), c.towerProjection()), new Tower(c.dim(), c.towerProjection()),
        new FrequencyEstimator(c.frequencyDecay()), new NegativeReservoir(c.reservoirCapacity(), c.reservoirAlpha()),
        new ChangeTracker(), new ChangeTracker(), new UserHistories(c.historyLength()),
        new PopularityPrior(c.priorHalfLifeEvents()), new ItemBiasTable());
  }

  void writeTo(SnapshotWriter out) {
    counters.writeTo(out);
    userInit.random().writeTo(out);
    itemInit.random().writeTo(out);
    sampling.writeTo(out);
    users.writeTo(out);
    items.writeTo(out);
    userTower.writeTo(out);
    itemTower.writeTo(out);
    frequencies.writeTo(out);
    reservoir.writeTo(out);
    userChanges.writeTo(out);
    itemChanges.writeTo(out);
    histories.writeTo(out, users.size());
    prior.writeTo(out, items.size());
    biases.writeTo(out, items.size());
  }

  /** Reads the parts written by {@link #writeTo}, with hyper-parameters from {@code c}. */
  static ModelState readFrom(SnapshotReader in, ModelConfig c) {
    TrainingCounters counters = TrainingCounters.readFrom(in);
    SeededRandom userRandom = SeededRandom.readFrom(in);
    SeededRandom itemRandom = SeededRandom.readFrom(in);
    SeededRandom sampling = SeededRandom.readFrom(in);
    IdTable users = IdTable.readFrom(in, c.dim(), c.maxRowsPerTable(), "user");
    IdTable items = IdTable.readFrom(in, c.dim(), c.maxRowsPerTable(), "item");
    Tower userTower = Tower.readFrom(in, c.dim(), c.towerProjection(), "user");
    Tower itemTower = Tower.readFrom(in, c.dim(), c.towerProjection(), "item");
    FrequencyEstimator frequencies = FrequencyEstimator.readFrom(in, c.frequencyDecay());
    NegativeReservoir reservoir = NegativeReservoir.readFrom(in, c.reservoirCapacity(), c.reservoirAlpha());
    ChangeTracker userChanges = ChangeTracker.readFrom(in, users.size());
    ChangeTracker itemChanges = ChangeTracker.readFrom(in, items.size());
    // Version 1 had neither: users start without history, items without recent clicks.
    boolean v1 = in.formatVersion() == 1;
    UserHistories histories = v1 ? new UserHistories(c.historyLength())
        : UserHistories.readFrom(in, users.size(), c.historyLength());
    PopularityPrior prior = v1 ? new PopularityPrior(c.priorHalfLifeEvents())
        : PopularityPrior.readFrom(in, items.size(), c.priorHalfLifeEvents());
    ItemBiasTable biases = v1 ? new ItemBiasTable() : ItemBiasTable.readFrom(in, items.size());
    in.requireFullyRead();
    for (int item : reservoir.itemsByRecency()) {
      SnapshotReader.check(item < items.size(), "reservoir holds an item row that does not exist");
    }
    return new ModelState(c, counters, userRandom, itemRandom, sampling, users, items, userTower, itemTower,
        frequencies, reservoir, userChanges, itemChanges, histories, prior,
        biases);
  }
}
