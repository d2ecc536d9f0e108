package io.towerstream.model;

import static io.towerstream.config.Binding.bind;

import io.towerstream.config.Binding;
import io.towerstream.config.Option;
import java.util.List;

/**
 * Every model hyper-parameter as an option, declared once: the training job takes them as {@code
 * --model.<name>}, the offline harness and the step benchmark as {@code key=value}. Defaults are
 * {@link ModelConfig#defaults()}'s, and {@link ModelConfigBuilder#build()} checks the values (its
 * messages start with the option's name).
 */
public final class ModelOptions {
  private static final ModelConfig DEFAULTS = ModelConfig.defaults();

  public static final Option<Integer> DIM =
      Option.intOption("model.dim")
          .defaultValue(DEFAULTS.dim())
          .doc("Embedding and tower output dimension.");

  public static final Option<Integer> BATCH_SIZE =
      Option.intOption("model.batch-size")
          .defaultValue(DEFAULTS.batchSize())
          .doc("Positive pairs per training step (a batch closes at this count).");

  public static final Option<Float> TEMPERATURE =
      Option.floatOption("model.temperature")
          .defaultValue(DEFAULTS.temperature())
          .doc("Softmax temperature.");

  public static final Option<Float> LEARNING_RATE =
      Option.floatOption("model.learning-rate")
          .defaultValue(DEFAULTS.learningRate())
          .doc(
              "Learning rate of the id embedding tables (Adam or Adagrad, model.table.optimizer).");

  public static final Option<Float> TOWER_LEARNING_RATE =
      Option.floatOption("model.tower-learning-rate")
          .defaultValue(DEFAULTS.towerLearningRate())
          .doc("Adam learning rate of the dense tower weights.");

  public static final Option<Boolean> TOWER_PROJECTION =
      Option.booleanOption("model.tower-projection")
          .defaultValue(DEFAULTS.towerProjection())
          .doc("true | false: a learned d x d projection after each id embedding.");

  public static final Option<Integer> TOWER_MLP_HIDDEN =
      Option.intOption("model.tower.mlp-hidden")
          .defaultValue(DEFAULTS.towerMlpHidden())
          .doc("Hidden width of a residual MLP on top of each tower; 0 = none.");

  public static final Option<Boolean> LOG_Q =
      Option.booleanOption("model.log-q")
          .defaultValue(DEFAULTS.logQCorrection())
          .doc("true | false: correct logits by log q(item) (Yi et al. 2019).");

  public static final Option<Integer> RESERVOIR_CAPACITY =
      Option.intOption("model.reservoir.capacity")
          .defaultValue(DEFAULTS.reservoirCapacity())
          .doc("Distinct recent items kept for sampled negatives.");

  public static final Option<Integer> RESERVOIR_NEGATIVES =
      Option.intOption("model.reservoir.negatives")
          .defaultValue(DEFAULTS.reservoirNegatives())
          .doc("Reservoir negatives per batch; 0 = in-batch negatives only.");

  public static final Option<Double> RESERVOIR_ALPHA =
      Option.doubleOption("model.reservoir.alpha")
          .defaultValue(DEFAULTS.reservoirAlpha())
          .doc("Negative draw probability ~ count^alpha: 0 uniform, 1 by popularity.");

  public static final Option<Double> FREQUENCY_DECAY =
      Option.doubleOption("model.frequency.decay")
          .defaultValue(DEFAULTS.frequencyDecay())
          .doc("EMA rate of the streaming item-frequency estimator.");

  public static final Option<Double> GRADIENT_CLIP_NORM =
      Option.doubleOption("model.gradient-clip-norm")
          .defaultValue(DEFAULTS.gradientClipNorm())
          .doc("Global gradient L2 norm above which a step is scaled down.");

  public static final Option<Float> INIT_SCALE =
      Option.floatOption("model.init-scale")
          .defaultValue(DEFAULTS.initScale())
          .doc("Standard deviation of new embedding rows.");

  public static final Option<Integer> MAX_ROWS_PER_TABLE =
      Option.intOption("model.max-rows-per-table")
          .defaultValue(DEFAULTS.maxRowsPerTable())
          .doc("Rows per table before the least recently used are evicted.");

  public static final Option<Integer> HISTORY_LENGTH =
      Option.intOption("model.history.length")
          .defaultValue(DEFAULTS.historyLength())
          .doc("Recent items pooled into the user tower; 0 = id-only user tower.");

  public static final Option<Double> HISTORY_RECENCY_DECAY =
      Option.doubleOption("model.history.recency-decay")
          .defaultValue(DEFAULTS.historyRecencyDecay())
          .doc(
              "Weight of each older history item relative to the next newer one in the pooled user tower (gamma^age, normalised); 1 = the plain mean.");

  public static final Option<Double> HISTORY_RECENCY_LEARNING_RATE =
      Option.doubleOption("model.history.recency-learning-rate")
          .defaultValue(DEFAULTS.historyRecencyLearningRate())
          .doc(
              "Adam learning rate of the user tower's history weights by age, learned from the"
                  + " stream starting at model.history.recency-decay's shape; 0 = that shape stays"
                  + " fixed.");

  public static final Option<Integer> ITEM_FEATURES_MAX_TOKENS =
      Option.intOption("model.item-features.max-tokens")
          .defaultValue(DEFAULTS.itemFeatureTokens())
          .doc(
              "Side-feature tokens per item (categories, tags, bucketed numbers from "
                  + "topic.item-features) pooled into the item tower, the rest dropped; 0 = side features off.");

  public static final Option<String> ITEM_FEATURES_BUCKET_WIDTHS =
      Option.stringOption("model.item-features.bucket-widths")
          .defaultValue(DEFAULTS.itemFeatureBucketWidths())
          .doc(
              "Bucket widths of numeric side features, name=width[,name=width]; a feature without "
                  + "one is bucketed on a log2 scale; empty for none.");

  public static final Option<Double> ITEM_FEATURES_ID_DROPOUT =
      Option.doubleOption("model.item-features.id-dropout")
          .defaultValue(DEFAULTS.itemFeatureIdDropout())
          .doc(
              "Probability that a training step leaves out a featured item's id row, so that the "
                  + "tower learns to place items from their features alone (DropoutNet); 0 = off.");

  public static final Option<Double> HISTORY_ID_WEIGHT =
      Option.doubleOption("model.history.id-weight")
          .defaultValue(DEFAULTS.historyIdWeight())
          .doc(
              "Weight of the user's own id row beside their pooled history in the user tower, in"
                  + " (0, 1]; below 1 a user with few clicks leans on the history rows every user"
                  + " trains.");

  public static final Option<Double> REPLAY_RATIO =
      Option.doubleOption("model.replay.ratio")
          .defaultValue(DEFAULTS.replayRatio())
          .doc(
              "Experience replay: earlier positives (from the last model.replay.capacity) trained"
                  + " again per new one, in a step of their own after each batch; 0 = off.");

  public static final Option<Integer> REPLAY_CAPACITY =
      Option.intOption("model.replay.capacity")
          .defaultValue(DEFAULTS.replayCapacity())
          .doc("Recent positives kept for experience replay (checkpointed with the model).");

  public static final Option<Double> ITEM_PAIRS_WEIGHT =
      Option.doubleOption("model.item-pairs.weight")
          .defaultValue(DEFAULTS.itemPairsWeight())
          .doc(
              "Weight of the item-item view loss: each event's item and the user's latest earlier"
                  + " clicks (model.item-pairs.window) as positive pairs of the item tower, against"
                  + " the batch's other items and the reservoir negatives; 0 = off.");

  public static final Option<Double> ITEM_PAIRS_TEMPERATURE =
      Option.doubleOption("model.item-pairs.temperature")
          .defaultValue(DEFAULTS.itemPairsTemperature())
          .doc("Temperature of the item-item view loss.");

  public static final Option<Integer> ITEM_PAIRS_WINDOW =
      Option.intOption("model.item-pairs.window")
          .defaultValue(DEFAULTS.itemPairsWindow())
          .doc(
              "How many of the user's latest distinct earlier clicks each pair with the event's"
                  + " item in the item-item view loss.");

  public static final Option<Boolean> ITEM_BIAS =
      Option.booleanOption("model.item-bias")
          .defaultValue(DEFAULTS.itemBias())
          .doc("true | false: a learned logit bias per item, published in the item's score bias.");

  public static final Option<Float> PRIOR_WEIGHT =
      Option.floatOption("model.prior.weight")
          .defaultValue(DEFAULTS.priorWeight())
          .doc(
              "Weight of the popularity prior published as each item's score bias: where tuning"
                  + " starts, or the weight served when it is off; 0 = no prior.");

  public static final Option<Double> PRIOR_HALF_LIFE_EVENTS =
      Option.doubleOption("model.prior.half-life-events")
          .defaultValue(DEFAULTS.priorHalfLifeEvents())
          .doc("Events after which a click counts half in the popularity prior.");

  public static final Option<Integer> PRIOR_TUNING_INTERVAL =
      Option.intOption("model.prior.tuning-interval")
          .defaultValue(DEFAULTS.priorTuningInterval())
          .doc(
              "Tune the prior weight on every n-th batch (test-then-train HR@10 over a grid of"
                  + " weights, starting at model.prior.weight, switching on a significant lead);"
                  + " 0 = the weight stays fixed. Several trainer replicas"
                  + " (parallelism.trainer > 1) do not tune: each would pick its own weight, so they"
                  + " serve model.prior.weight.");

  public static final Option<Long> SEED =
      Option.longOption("model.seed")
          .defaultValue(DEFAULTS.seed())
          .doc("Seed of every random choice in the model.");

  public static final Option<ModelConfig.Loss> LOSS =
      Option.enumOption("model.loss", ModelConfig.Loss.class)
          .defaultValue(DEFAULTS.loss())
          .doc(
              "infonce | symmetric-infonce | siglip | triplet (semi-hard negatives, model.loss.margin) | barlow-twins (negative-free redundancy reduction) | simsiam (negative-free, learned predictor and stop-gradient) | dino (negative-free self-distillation from a momentum teacher; simsiam and dino need model.item-bias false): the training loss (alignment: no negatives, collapses; the collapse monitor's control, never for training).");

  public static final Option<Double> LOSS_HARD_NEGATIVE_BETA =
      Option.doubleOption("model.loss.hard-negative-beta")
          .defaultValue(DEFAULTS.hardNegativeBeta())
          .doc("Hard-negative weighting beta of the InfoNCE losses; 0 = off.");

  public static final Option<Double> LOSS_POSITIVE_PRIOR =
      Option.doubleOption("model.loss.positive-prior")
          .defaultValue(DEFAULTS.positivePrior())
          .doc("Debiasing positive prior tau+ of the InfoNCE losses; 0 = off.");

  public static final Option<Double> LOSS_MARGIN =
      Option.doubleOption("model.loss.margin")
          .defaultValue(DEFAULTS.tripletMargin())
          .doc("Margin of the triplet loss, in squared distance between unit vectors (0, 4].");

  public static final Option<Boolean> TEMPERATURE_LEARNED =
      Option.booleanOption("model.temperature.learned")
          .defaultValue(DEFAULTS.learnedTemperature())
          .doc("true | false: learn log(1/temperature) (CLIP), clamped to [0.01, 1].");

  public static final Option<Integer> QUEUE_SIZE =
      Option.intOption("model.queue.size")
          .defaultValue(DEFAULTS.queueSize())
          .doc("MoCo queue of recent positives used as extra negatives; 0 = off.");

  public static final Option<Double> QUEUE_MOMENTUM =
      Option.doubleOption("model.queue.momentum")
          .defaultValue(DEFAULTS.queueMomentum())
          .doc("Momentum of the per-item encoder that feeds the queue.");

  public static final Option<Integer> TABLE_ADMISSION_MIN_COUNT =
      Option.intOption("model.table.admission-min-count")
          .defaultValue(DEFAULTS.admissionMinCount())
          .doc("Sightings of an id before it gets a row; 1 = on first sight.");

  public static final Option<Long> TABLE_TTL_EVENTS =
      Option.longOption("model.table.ttl-events")
          .defaultValue(DEFAULTS.rowTtlEvents())
          .doc("Rows idle for more than this many trained events are evicted; 0 = never.");

  public static final Option<ModelConfig.TableOptimizer> TABLE_OPTIMIZER =
      Option.enumOption("model.table.optimizer", ModelConfig.TableOptimizer.class)
          .defaultValue(DEFAULTS.tableOptimizer())
          .doc(
              "adagrad | adam: optimizer of the id embedding tables (row-wise Adagrad, one accumulator a row; or lazy Adam, two moments a coordinate: three times the memory, and it wants a learning rate near 0.005).");

  public static final Option<Integer> AUGMENT_VIEWS =
      Option.intOption("model.augment.views")
          .defaultValue(DEFAULTS.augmentViews())
          .doc(
              "Augmented views per event: extra rows with the same user and item whose pooled history is a random crop and mask of the user's recent items (SimCLR/SimCSE views); 0 = off.");

  public static final Option<Double> AUGMENT_MASK_PROBABILITY =
      Option.doubleOption("model.augment.mask-probability")
          .defaultValue(DEFAULTS.augmentMaskProbability())
          .doc("Probability that a view leaves out each history item it kept.");

  public static final Option<Double> AUGMENT_CROP_FRACTION =
      Option.doubleOption("model.augment.crop-fraction")
          .defaultValue(DEFAULTS.augmentCropFraction())
          .doc(
              "Fraction of the history a view keeps as one contiguous window at a random place; 1 = no crop.");

  public static final Option<Integer> LOSS_DINO_PROTOTYPES =
      Option.intOption("model.loss.dino.prototypes")
          .defaultValue(DEFAULTS.dinoPrototypes())
          .doc("dino loss: learned prototypes, the width of its distributions.");

  public static final Option<Double> LOSS_DINO_TEACHER_TEMPERATURE =
      Option.doubleOption("model.loss.dino.teacher-temperature")
          .defaultValue(DEFAULTS.dinoTeacherTemperature())
          .doc("dino loss: the teacher's temperature (the student's is model.temperature).");

  public static final Option<Double> LOSS_DINO_MOMENTUM =
      Option.doubleOption("model.loss.dino.momentum")
          .defaultValue(DEFAULTS.dinoMomentum())
          .doc("dino loss: momentum of the teacher's prototypes after each step.");

  /**
   * Every model option tied to {@link ModelConfigBuilder} and {@link ModelConfig}, in the order of
   * the docs.
   */
  public static final List<Binding<ModelConfigBuilder, ModelConfig, ?>> BINDINGS =
      List.of(
          bind(DIM, ModelConfigBuilder::dim, ModelConfig::dim),
          bind(BATCH_SIZE, ModelConfigBuilder::batchSize, ModelConfig::batchSize),
          bind(TEMPERATURE, ModelConfigBuilder::temperature, ModelConfig::temperature),
          bind(LEARNING_RATE, ModelConfigBuilder::learningRate, ModelConfig::learningRate),
          bind(
              TOWER_LEARNING_RATE,
              ModelConfigBuilder::towerLearningRate,
              ModelConfig::towerLearningRate),
          bind(TOWER_PROJECTION, ModelConfigBuilder::towerProjection, ModelConfig::towerProjection),
          bind(TOWER_MLP_HIDDEN, ModelConfigBuilder::towerMlpHidden, ModelConfig::towerMlpHidden),
          bind(LOG_Q, ModelConfigBuilder::logQCorrection, ModelConfig::logQCorrection),
          bind(
              RESERVOIR_CAPACITY,
              ModelConfigBuilder::reservoirCapacity,
              ModelConfig::reservoirCapacity),
          bind(
              RESERVOIR_NEGATIVES,
              ModelConfigBuilder::reservoirNegatives,
              ModelConfig::reservoirNegatives),
          bind(RESERVOIR_ALPHA, ModelConfigBuilder::reservoirAlpha, ModelConfig::reservoirAlpha),
          bind(FREQUENCY_DECAY, ModelConfigBuilder::frequencyDecay, ModelConfig::frequencyDecay),
          bind(
              GRADIENT_CLIP_NORM,
              ModelConfigBuilder::gradientClipNorm,
              ModelConfig::gradientClipNorm),
          bind(INIT_SCALE, ModelConfigBuilder::initScale, ModelConfig::initScale),
          bind(
              MAX_ROWS_PER_TABLE,
              ModelConfigBuilder::maxRowsPerTable,
              ModelConfig::maxRowsPerTable),
          bind(HISTORY_LENGTH, ModelConfigBuilder::historyLength, ModelConfig::historyLength),
          bind(
              HISTORY_RECENCY_DECAY,
              ModelConfigBuilder::historyRecencyDecay,
              ModelConfig::historyRecencyDecay),
          bind(
              HISTORY_RECENCY_LEARNING_RATE,
              ModelConfigBuilder::historyRecencyLearningRate,
              ModelConfig::historyRecencyLearningRate),
          bind(
              ITEM_FEATURES_MAX_TOKENS,
              ModelConfigBuilder::itemFeatureTokens,
              ModelConfig::itemFeatureTokens),
          bind(
              ITEM_FEATURES_BUCKET_WIDTHS,
              ModelConfigBuilder::itemFeatureBucketWidths,
              ModelConfig::itemFeatureBucketWidths),
          bind(
              ITEM_FEATURES_ID_DROPOUT,
              ModelConfigBuilder::itemFeatureIdDropout,
              ModelConfig::itemFeatureIdDropout),
          bind(
              HISTORY_ID_WEIGHT, ModelConfigBuilder::historyIdWeight, ModelConfig::historyIdWeight),
          bind(REPLAY_RATIO, ModelConfigBuilder::replayRatio, ModelConfig::replayRatio),
          bind(REPLAY_CAPACITY, ModelConfigBuilder::replayCapacity, ModelConfig::replayCapacity),
          bind(
              ITEM_PAIRS_WEIGHT, ModelConfigBuilder::itemPairsWeight, ModelConfig::itemPairsWeight),
          bind(
              ITEM_PAIRS_TEMPERATURE,
              ModelConfigBuilder::itemPairsTemperature,
              ModelConfig::itemPairsTemperature),
          bind(
              ITEM_PAIRS_WINDOW, ModelConfigBuilder::itemPairsWindow, ModelConfig::itemPairsWindow),
          bind(ITEM_BIAS, ModelConfigBuilder::itemBias, ModelConfig::itemBias),
          bind(PRIOR_WEIGHT, ModelConfigBuilder::priorWeight, ModelConfig::priorWeight),
          bind(
              PRIOR_HALF_LIFE_EVENTS,
              ModelConfigBuilder::priorHalfLifeEvents,
              ModelConfig::priorHalfLifeEvents),
          bind(
              PRIOR_TUNING_INTERVAL,
              ModelConfigBuilder::priorTuningInterval,
              ModelConfig::priorTuningInterval),
          bind(SEED, ModelConfigBuilder::seed, ModelConfig::seed),
          bind(LOSS, ModelConfigBuilder::loss, ModelConfig::loss),
          bind(
              LOSS_HARD_NEGATIVE_BETA,
              ModelConfigBuilder::hardNegativeBeta,
              ModelConfig::hardNegativeBeta),
          bind(LOSS_POSITIVE_PRIOR, ModelConfigBuilder::positivePrior, ModelConfig::positivePrior),
          bind(LOSS_MARGIN, ModelConfigBuilder::tripletMargin, ModelConfig::tripletMargin),
          bind(
              TEMPERATURE_LEARNED,
              ModelConfigBuilder::learnedTemperature,
              ModelConfig::learnedTemperature),
          bind(QUEUE_SIZE, ModelConfigBuilder::queueSize, ModelConfig::queueSize),
          bind(QUEUE_MOMENTUM, ModelConfigBuilder::queueMomentum, ModelConfig::queueMomentum),
          bind(
              TABLE_ADMISSION_MIN_COUNT,
              ModelConfigBuilder::admissionMinCount,
              ModelConfig::admissionMinCount),
          bind(TABLE_TTL_EVENTS, ModelConfigBuilder::rowTtlEvents, ModelConfig::rowTtlEvents),
          bind(TABLE_OPTIMIZER, ModelConfigBuilder::tableOptimizer, ModelConfig::tableOptimizer),
          bind(AUGMENT_VIEWS, ModelConfigBuilder::augmentViews, ModelConfig::augmentViews),
          bind(
              AUGMENT_MASK_PROBABILITY,
              ModelConfigBuilder::augmentMaskProbability,
              ModelConfig::augmentMaskProbability),
          bind(
              AUGMENT_CROP_FRACTION,
              ModelConfigBuilder::augmentCropFraction,
              ModelConfig::augmentCropFraction),
          bind(
              LOSS_DINO_PROTOTYPES,
              ModelConfigBuilder::dinoPrototypes,
              ModelConfig::dinoPrototypes),
          bind(
              LOSS_DINO_TEACHER_TEMPERATURE,
              ModelConfigBuilder::dinoTeacherTemperature,
              ModelConfig::dinoTeacherTemperature),
          bind(LOSS_DINO_MOMENTUM, ModelConfigBuilder::dinoMomentum, ModelConfig::dinoMomentum));

  private ModelOptions() {}
}
