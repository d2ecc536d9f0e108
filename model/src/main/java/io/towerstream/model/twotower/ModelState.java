package io.towerstream.model.twotower;

import io.towerstream.model.ModelConfig;
import io.towerstream.model.features.ItemFeatureMap;
import io.towerstream.model.history.RecencyWeights;
import io.towerstream.model.history.UserHistories;
import io.towerstream.model.optim.LazyAdam;
import io.towerstream.model.optim.RowOptimizer;
import io.towerstream.model.optim.RowwiseAdagrad;
import io.towerstream.model.prior.PopularityPrior;
import io.towerstream.model.prior.PriorWeightTuner;
import io.towerstream.model.random.SeededRandom;
import io.towerstream.model.replay.ReplayBuffer;
import io.towerstream.model.sampling.FrequencyEstimator;
import io.towerstream.model.sampling.NegativeReservoir;
import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import io.towerstream.model.tables.AdmissionFilter;
import io.towerstream.model.tables.IdTable;
import io.towerstream.model.tables.ItemBiasTable;
import io.towerstream.model.tables.RowInitializer;
import io.towerstream.model.tower.Tower;

/**
 * Everything a two-tower model is, in one place, so that a snapshot writes and reads the same list
 * of parts in the same order. Also wires item-table evictions to the per-item state kept elsewhere
 * (reservoir, frequency estimates, biases, histories, the momentum queue, pending changes), which
 * would otherwise describe whichever item reuses the slot.
 *
 * <p>Snapshot layout: the parts of format version 1, then those version 2 added (histories, prior,
 * biases), then, appended later within version 2, the table extras (use stamps, counters, the rest
 * of the optimizer state), the learned scalars, the admission counts and the momentum queue;
 * version 3 adds the prior weight tuner, version 4 the events other replicas trained (the stream
 * position's remote part), version 5 the loss's own head (SimSiam's predictor, DINO's prototypes),
 * version 6 the side-feature token table and each item's tokens. A snapshot that ends before a part
 * (version 1, or version 2 written before the part existed) starts that part empty; one from before
 * version 3 starts tuning at the configured prior weight.
 *
 * <p>Long for one reason: it is the model's whole state and its snapshot, so every part it holds is
 * created, written and read back here, in one order; splitting the snapshot's writer from its
 * reader would let the two drift apart, which the format tests catch only after the fact.
 */
final class ModelState {
  private static final long USER_INIT_SALT = 0x5553_4552_0000_0001L;
  private static final long ITEM_INIT_SALT = 0x4954_454D_0000_0002L;
  private static final long FEATURE_INIT_SALT = 0x4645_4154_0000_0003L;
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
  final LearnedScalars scalars;

  /** One row per side-feature token, pooled (mean) into the item tower's input. */
  final IdTable features;

  final RowInitializer featureInit;

  /** Each item's side-feature tokens; empty when no features were given. */
  ItemFeatureMap itemFeatures = new ItemFeatureMap();

  /**
   * Tokens whose row moved since the last drain: their items' outputs moved. Expanded to the items
   * once per drain ({@link #expandFeatureChanges}), not once per step: a genre is carried by a
   * large share of the catalogue.
   */
  final java.util.Set<String> changedTokens = new java.util.HashSet<>();

  /** The user tower's history weights as configured, tabulated once; used unless learned. */
  private final RecencyWeights fixedRecency;

  /** The history weights learned from the stream, or null when they stay fixed. */
  LearnedRecency recencyLearner;

  final AdmissionFilter userAdmission;
  final AdmissionFilter itemAdmission;

  /** Null when the queue is off. */
  final MomentumNegatives queue;

  /** Null when the prior weight is fixed by the config. */
  final PriorWeightTuner priorTuner;

  /** Recent positives for experience replay; null when replay is off. */
  ReplayBuffer replay;

  /**
   * Draws the replayed positives: a stream of its own, so that configs without replay draw as
   * before.
   */
  SeededRandom replayRandom;

  /** Events skipped because their user or item was not admitted yet. */
  long heldBackEvents;

  /** The loss's own dense weights (SimSiam's predictor, DINO's prototypes); null for most. */
  LossHead lossHead;

  /**
   * Events the other replicas trained, as their deltas reported them: with the local ones, the
   * stream position ({@link #streamPosition}) that the popularity prior and the tables' idleness
   * clocks count in.
   */
  long remoteEvents;

  /**
   * Users whose row (weights, optimizer state, history) changed since it was last handed out, and
   * users whose row went, for a caller that keeps user rows elsewhere too; null until {@link
   * #trackUserRows} (a model without such a caller would only accumulate them).
   */
  UserRowTracker userRows;

  /**
   * Item rows and dense weights changed since the last delta for the other replicas; null when not
   * replicated.
   */
  ReplicaTracker replica;

  /**
   * Whether this model is one of several replicas that train (it sends deltas, not only receives
   * them). Each would tune the prior weight on its own users' events and pick its own, and the
   * items each publishes would then carry biases of different weights; so replicas serve the
   * configured weight and leave the tuner alone. Not snapshotted: the caller says so again.
   */
  boolean trainsAsReplica;

  /**
   * Items clicked (locally, or by another replica's users) since the last publish: the changes that
   * must go out at the next one, where items only moved as negatives or history items may wait. Not
   * snapshotted.
   */
  final ChangeTracker clickedItems = new ChangeTracker();

  /**
   * Items evicted since each {@link io.towerstream.model.ItemChangeFeed} was last drained, one list
   * per feed.
   */
  final java.util.List<java.util.List<String>> evictedForFeeds = new java.util.ArrayList<>();

  private ModelState(
      ModelConfig config,
      TrainingCounters counters,
      SeededRandom userRandom,
      SeededRandom itemRandom,
      SeededRandom sampling,
      IdTable users,
      IdTable items,
      Tower userTower,
      Tower itemTower,
      FrequencyEstimator frequencies,
      NegativeReservoir reservoir,
      ChangeTracker userChanges,
      ChangeTracker itemChanges,
      UserHistories histories,
      PopularityPrior prior,
      ItemBiasTable biases,
      Extras extras,
      PriorWeightTuner priorTuner,
      IdTable features) {
    this.config = config;
    this.features = features;
    this.featureInit =
        new RowInitializer(itemRandom, config.initScale(), config.seed() ^ FEATURE_INIT_SALT);
    this.priorTuner = priorTuner;
    this.counters = counters;
    this.userInit =
        new RowInitializer(userRandom, config.initScale(), config.seed() ^ USER_INIT_SALT);
    this.itemInit =
        new RowInitializer(itemRandom, config.initScale(), config.seed() ^ ITEM_INIT_SALT);
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
    this.scalars = extras.scalars;
    this.recencyLearner = LearnedRecency.of(config.history());
    this.fixedRecency =
        new RecencyWeights(
            config.historyLength(),
            config.historyRecencyDecay(),
            config.historyLength() == 0 ? 1f : (float) config.historyIdWeight());
    this.lossHead = LossHead.fresh(config);
    this.replay = config.replayRatio() > 0 ? new ReplayBuffer(config.replayCapacity()) : null;
    this.replayRandom = new SeededRandom(config.seed() ^ REPLAY_SEED);
    this.userAdmission = extras.userAdmission;
    this.itemAdmission = extras.itemAdmission;
    this.queue = extras.queue;
    this.heldBackEvents = extras.heldBackEvents;
    users.setEvictionListener(
        (slot, id) -> {
          userChanges.forget(slot);
          histories.clear(slot);
          if (userRows != null) {
            userRows.removed(slot, id);
          }
        });
    items.setEvictionListener(
        (slot, id) -> {
          reservoir.remove(slot);
          prior.reset(slot);
          biases.reset(slot);
          frequencies.reset(slot);
          itemChanges.forget(slot);
          clickedItems.forget(slot);
          if (queue != null) {
            queue.forget(slot);
          }
          if (replica != null) {
            replica.forget(slot);
          }
          for (java.util.List<String> evicted : evictedForFeeds) {
            evicted.add(id);
          }
        });
    features.setEvictionListener(
        (slot, id) -> {
          if (replica != null) {
            replica.forgetFeature(slot);
          }
        });
  }

  /**
   * Marks the items carrying a token whose row moved as changed; cold items (features, no click
   * yet), whose vector is their features', also as due at the next publish.
   */
  void expandFeatureChanges() {
    for (String token : changedTokens) {
      for (String id : itemFeatures.itemsWith(token)) {
        int slot = items.slotOf(id);
        if (slot >= 0) {
          itemChanges.mark(slot);
          if (itemFeatures.isCold(id)) {
            clickedItems.mark(slot);
          }
        }
      }
    }
    changedTokens.clear();
  }

  /** Starts handing out changed user rows ({@link UserRowTracker}); idempotent. */
  void trackUserRows() {
    if (userRows == null) {
      userRows = new UserRowTracker();
    }
  }

  /** Starts tracking local changes for the other replicas ({@link ReplicaTracker}); idempotent. */
  void trackReplica() {
    if (replica == null) {
      replica = new ReplicaTracker(this);
    }
  }

  /**
   * Events trained so far by the whole job: this replica's and, of a sharded model, the others' (as
   * far as their deltas arrived). The clock of the popularity prior and of row idleness, so that
   * decay and expiry mean the same at any parallelism; with one replica it is the events trained.
   */
  long streamPosition() {
    return counters.eventsTrained() + remoteEvents;
  }

  /** The weight of the popularity prior served now: the tuned one, or the configured one. */
  float priorWeight() {
    return priorTuner != null ? priorTuner.weight() : config.priorWeight();
  }

  /**
   * An item's score bias in dot-product units without the prior: the learned logit bias times the
   * current τ (the logits are {@code u·v/τ + b}; a learned τ moves).
   */
  float learnedBias(int slot) {
    return config.itemBias() ? (float) scalars.temperature() * biases.bias(slot) : 0f;
  }

  /**
   * An item's score bias as published, which the store adds to {@code user·item}: learned bias plus
   * prior.
   */
  float servedBias(int slot) {
    return learnedBias(slot) + prior.bias(slot, priorWeight());
  }

  /** The tables' optimizer, which fixes their rows' state width. */
  static RowOptimizer rowOptimizer(ModelConfig c) {
    return switch (c.tableOptimizer()) {
      case ADAGRAD -> new RowwiseAdagrad(c.learningRate());
      case ADAM -> new LazyAdam(c.learningRate());
    };
  }

  static ModelState fresh(ModelConfig c) {
    // Independent streams, so that e.g. a new user does not shift which negatives are drawn.
    SeededRandom root = new SeededRandom(c.seed());
    // The MLPs' initial weights from a stream of their own, so that configs without them draw as
    // before.
    SeededRandom towerInit = new SeededRandom(c.seed() ^ 0x7A3E_C0DE_5EEDL);
    return new ModelState(
        c,
        new TrainingCounters(),
        root.split(),
        root.split(),
        root.split(),
        new IdTable(c.dim(), c.maxRowsPerTable(), stateWidth(c)),
        new IdTable(c.dim(), c.maxRowsPerTable(), stateWidth(c)),
        new Tower(c.dim(), c.towerProjection(), c.towerMlpHidden(), towerInit.split()),
        new Tower(c.dim(), c.towerProjection(), c.towerMlpHidden(), towerInit.split()),
        c.negatives().newFrequencyEstimator(),
        c.negatives().newReservoir(),
        new ChangeTracker(),
        new ChangeTracker(),
        new UserHistories(c.historyLength()),
        new PopularityPrior(c.priorHalfLifeEvents()),
        new ItemBiasTable(),
        Extras.fresh(c),
        freshTuner(c),
        new IdTable(c.dim(), c.maxRowsPerTable(), stateWidth(c)));
  }

  /**
   * Half-life, in scored events, of the tuner's hit rates and paired counts: short enough to follow
   * the drift of the best weight, which falls as the towers learn (on a sparse stream from 1/2 to 0
   * over the first 30,000 events; 5,000 kept it at 1/16 there, 9% below the towers alone), while
   * the paired test keeps noise from switching it.
   */
  static final double TUNER_HALF_LIFE_EVENTS = 1_000;

  private static final long REPLAY_SEED = 0x4E9_1A7_5EEDL;

  private static PriorWeightTuner freshTuner(ModelConfig c) {
    return c.priorTuningInterval() > 0
        ? new PriorWeightTuner(c.priorWeight(), TUNER_HALF_LIFE_EVENTS)
        : null;
  }

  private static int stateWidth(ModelConfig c) {
    return rowOptimizer(c).stateWidth(c.dim());
  }

  /**
   * Writes every part. Without {@code withUsers} the user table is written empty (bound, counters
   * and clock kept), with no pending user changes and no histories: the same format, for callers
   * that save user rows themselves ({@link UserRowCodec}) and restore them into the model read
   * back.
   */
  void writeTo(SnapshotWriter out, boolean withUsers) {
    expandFeatureChanges(); // the pending token changes are saved as the item changes they mean
    counters.writeTo(out);
    userInit.random().writeTo(out);
    itemInit.random().writeTo(out);
    sampling.writeTo(out);
    if (withUsers) {
      users.writeTo(out);
    } else {
      users.writeWithoutRowsTo(out);
    }
    items.writeTo(out);
    userTower.writeTo(out);
    itemTower.writeTo(out);
    frequencies.writeTo(out);
    reservoir.writeTo(out);
    if (withUsers) {
      userChanges.writeTo(out);
    } else {
      new ChangeTracker().writeTo(out);
    }
    itemChanges.writeTo(out);
    histories.writeTo(out, withUsers ? users.size() : 0);
    prior.writeTo(out, items.size());
    biases.writeTo(out, items.size());
    if (withUsers) {
      users.writeExtrasTo(out);
    } else {
      users.writeExtrasWithoutRowsTo(out);
    }
    items.writeExtrasTo(out);
    scalars.writeTo(out);
    userAdmission.writeTo(out);
    itemAdmission.writeTo(out);
    out.writeLong(heldBackEvents);
    out.writeBoolean(queue != null);
    if (queue != null) {
      queue.writeTo(out);
    }
    out.writeBoolean(priorTuner != null);
    if (priorTuner != null) {
      priorTuner.writeTo(out);
    }
    out.writeLong(remoteEvents); // format 4
    LossHead.write(lossHead, out); // format 5
    features.writeTo(out); // format 6
    features.writeExtrasTo(out);
    itemFeatures.writeTo(out);
    if (priorTuner != null) { // format 7
      priorTuner.writePairs(out);
    }
    out.writeBoolean(replay != null);
    if (replay != null) {
      replayRandom.writeTo(out);
      replay.writeTo(out);
    }
    out.writeBoolean(recencyLearner != null); // format 8
    if (recencyLearner != null) {
      recencyLearner.writeTo(out);
    }
  }

  /** The user tower's history weights of the next step: learned, or as configured. */
  RecencyWeights recency() {
    return recencyLearner != null ? recencyLearner.weights() : fixedRecency;
  }

  /** Reads the parts written by {@link #writeTo}, with hyper-parameters from {@code c}. */
  static ModelState readFrom(SnapshotReader in, ModelConfig c) {
    TrainingCounters counters = TrainingCounters.readFrom(in);
    SeededRandom userRandom = SeededRandom.readFrom(in);
    SeededRandom itemRandom = SeededRandom.readFrom(in);
    SeededRandom sampling = SeededRandom.readFrom(in);
    IdTable users = IdTable.readFrom(in, c.dim(), c.maxRowsPerTable(), stateWidth(c), "user");
    IdTable items = IdTable.readFrom(in, c.dim(), c.maxRowsPerTable(), stateWidth(c), "item");
    Tower userTower = Tower.readFrom(in, c.dim(), c.towerProjection(), c.towerMlpHidden(), "user");
    Tower itemTower = Tower.readFrom(in, c.dim(), c.towerProjection(), c.towerMlpHidden(), "item");
    FrequencyEstimator frequencies = FrequencyEstimator.readFrom(in, c.frequencyDecay());
    NegativeReservoir reservoir =
        NegativeReservoir.readFrom(in, c.reservoirCapacity(), c.reservoirAlpha());
    ChangeTracker userChanges = ChangeTracker.readFrom(in, users.size());
    ChangeTracker itemChanges = ChangeTracker.readFrom(in, items.size());
    // Version 1 had neither: users start without history, items without recent clicks.
    boolean v1 = in.formatVersion() == 1;
    UserHistories histories =
        v1
            ? new UserHistories(c.historyLength())
            : UserHistories.readFrom(in, users.size(), c.historyLength());
    PopularityPrior prior =
        v1
            ? new PopularityPrior(c.priorHalfLifeEvents())
            : PopularityPrior.readFrom(in, items.size(), c.priorHalfLifeEvents());
    ItemBiasTable biases = v1 ? new ItemBiasTable() : ItemBiasTable.readFrom(in, items.size());
    Extras extras = Extras.fresh(c);
    if (in.hasRemaining()) {
      users.readExtrasFrom(in);
      items.readExtrasFrom(in);
      extras = Extras.readFrom(in, c);
    } else {
      users.initialiseExtras(counters.eventsTrained());
      items.initialiseExtras(counters.eventsTrained());
    }
    PriorWeightTuner tuner = freshTuner(c);
    boolean tunerSaved = false;
    if (in.formatVersion() >= 3 && in.readBoolean()) {
      tunerSaved = true;
      PriorWeightTuner saved = PriorWeightTuner.readFrom(in, TUNER_HALF_LIFE_EVENTS);
      tuner = c.priorTuningInterval() > 0 ? saved : null;
      if (tuner == null && saved.weight() != c.priorWeight()) {
        itemChanges
            .markAll(); // tuning turned off at restore: the config's weight changes every item's
        // bias
      }
    }
    long remoteEvents = in.formatVersion() >= 4 ? in.readLong() : 0;
    LossHead lossHead = in.formatVersion() >= 5 ? LossHead.read(in, c) : LossHead.fresh(c);
    IdTable features = new IdTable(c.dim(), c.maxRowsPerTable(), stateWidth(c));
    ItemFeatureMap itemFeatures = new ItemFeatureMap();
    if (in.formatVersion() >= 6) {
      features = IdTable.readFrom(in, c.dim(), c.maxRowsPerTable(), stateWidth(c), "feature");
      features.readExtrasFrom(in);
      itemFeatures = ItemFeatureMap.readFrom(in);
    }
    boolean savedTuner = in.formatVersion() >= 3 && tunerSaved;
    if (in.formatVersion() >= 7 && savedTuner) {
      PriorWeightTuner pairs =
          tuner != null ? tuner : freshTuner(c.toBuilder().priorTuningInterval(1).build());
      pairs.readPairs(in);
    }
    ReplayBuffer replay = c.replayRatio() > 0 ? new ReplayBuffer(c.replayCapacity()) : null;
    SeededRandom replayRandom = new SeededRandom(c.seed() ^ REPLAY_SEED);
    if (in.formatVersion() >= 7 && in.readBoolean()) {
      SeededRandom savedRandom = SeededRandom.readFrom(in);
      ReplayBuffer saved = ReplayBuffer.readFrom(in, c.replayCapacity());
      if (replay != null) { // replay turned off at restore: its buffer goes
        replay = saved;
        replayRandom = savedRandom;
      }
    }
    LearnedRecency recency = LearnedRecency.of(c.history());
    if (in.formatVersion() >= 8 && in.readBoolean()) {
      recency =
          LearnedRecency.readFrom(in, c.history()); // null when learning was turned off at restore
    }
    in.requireFullyRead();
    for (int item : reservoir.itemsByRecency()) {
      SnapshotReader.check(items.isLive(item), "reservoir holds an item row that does not exist");
    }
    for (int item : extras.queue == null ? new int[0] : extras.queue.keys()) {
      SnapshotReader.check(
          items.isLive(item), "momentum queue holds an item row that does not exist");
    }
    ModelState state =
        new ModelState(
            c,
            counters,
            userRandom,
            itemRandom,
            sampling,
            users,
            items,
            userTower,
            itemTower,
            frequencies,
            reservoir,
            userChanges,
            itemChanges,
            histories,
            prior,
            biases,
            extras,
            tuner,
            features);
    state.remoteEvents = remoteEvents;
    state.replay = replay;
    state.replayRandom = replayRandom;
    state.itemFeatures = itemFeatures;
    state.lossHead = lossHead;
    state.recencyLearner = recency;
    return state;
  }

  /** The parts appended to format version 2, each empty in a snapshot written before it existed. */
  private record Extras(
      LearnedScalars scalars,
      AdmissionFilter userAdmission,
      AdmissionFilter itemAdmission,
      long heldBackEvents,
      MomentumNegatives queue) {
    static Extras fresh(ModelConfig c) {
      return new Extras(
          new LearnedScalars(c.lossSettings(), c.towerLearningRate()),
          admission(c),
          admission(c),
          0,
          c.queueSize() > 0
              ? new MomentumNegatives(c.queueSize(), c.queueMomentum(), c.dim())
              : null);
    }

    /** Pending counts are bounded like the table they feed. */
    private static AdmissionFilter admission(ModelConfig c) {
      return new AdmissionFilter(c.admissionMinCount(), c.maxRowsPerTable());
    }

    static Extras readFrom(SnapshotReader in, ModelConfig c) {
      LearnedScalars scalars = LearnedScalars.readFrom(in, c.lossSettings(), c.towerLearningRate());
      AdmissionFilter users =
          AdmissionFilter.readFrom(in, c.admissionMinCount(), c.maxRowsPerTable());
      AdmissionFilter items =
          AdmissionFilter.readFrom(in, c.admissionMinCount(), c.maxRowsPerTable());
      long heldBack = in.readLong();
      MomentumNegatives queue =
          in.readBoolean()
              ? MomentumNegatives.readFrom(
                  in, Math.max(1, c.queueSize()), c.queueMomentum(), c.dim())
              : null;
      if (c.queueSize() == 0) {
        queue = null; // the queue was turned off: its entries go
      } else if (queue == null) {
        queue = new MomentumNegatives(c.queueSize(), c.queueMomentum(), c.dim());
      }
      return new Extras(scalars, users, items, heldBack, queue);
    }
  }
}
