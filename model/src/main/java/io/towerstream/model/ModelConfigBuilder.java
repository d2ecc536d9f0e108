package io.towerstream.model;

import io.towerstream.model.ModelConfig.Loss;
import io.towerstream.model.ModelConfig.TableOptimizer;

/**
 * Builds a {@link ModelConfig}, starting from the shipped defaults; {@link ModelConfig#builder()}
 * and {@link ModelConfig#toBuilder()} hand one out. One setter per option, each documenting its
 * default and why it was chosen; the option declarations ({@link ModelOptions}) bind to these
 * setters, and {@link #build()} checks every value through the settings records.
 *
 * <p>Long for one reason: one setter per option (48), each with the measurement behind its default;
 * splitting it by concern would split the one target the option declarations bind to.
 */
public final class ModelConfigBuilder {
  private int dim = 128;
  private int batchSize = 32;
  private float temperature = 0.2f;
  private float learningRate = 0.01f;
  private float towerLearningRate = 0.001f;
  private boolean towerProjection = false;
  private int towerMlpHidden = 0;
  private boolean logQCorrection = true;
  private int reservoirCapacity = 10_000;
  private int reservoirNegatives = 256;
  private double reservoirAlpha = 0.5;
  private double frequencyDecay = 0.01;
  private double gradientClipNorm = 5.0;
  private float initScale = 0.01f;
  private int maxRowsPerTable = 2_000_000;
  private int historyLength = 50;
  private boolean itemBias = true;
  private float priorWeight = 0f;
  private double priorHalfLifeEvents = 1_000;
  private int priorTuningInterval = 1;
  private long seed = 42L;
  private Loss loss = Loss.INFONCE;
  private double hardNegativeBeta = 0;
  private double positivePrior = 0;
  private double tripletMargin = 0.2;
  private boolean learnedTemperature = false;
  private int queueSize = 0;
  private double queueMomentum = 0.99;
  private int admissionMinCount = 1;
  private long rowTtlEvents = 0;
  private TableOptimizer tableOptimizer = TableOptimizer.ADAGRAD;
  private int augmentViews = 0;
  private double augmentMaskProbability = 0.2;
  private double augmentCropFraction = 0.8;
  private int dinoPrototypes = 256;
  private double dinoTeacherTemperature = 0.04;
  private double dinoMomentum = 0.996;
  private double historyRecencyDecay = 0.7;
  private int itemFeatureTokens = 32;
  private String itemFeatureBucketWidths = "year=5";
  private double itemFeatureIdDropout = 0;
  private double replayRatio = 0;
  private int replayCapacity = 10_000;
  private double historyIdWeight = 0.5;
  private double historyRecencyLearningRate = 0.003;
  private double itemPairsWeight = 0.3;
  private double itemPairsTemperature = 0.2;
  private int itemPairsWindow = 5;

  ModelConfigBuilder() {}

  /**
   * Embedding and tower output dimension; default 128. On the sparse long-tail stream (300 topics,
   * about six clicks per item) 128 gave next-click HR@10 0.133 against 0.124 at 64 (row-wise
   * Adagrad tables, seeds 1-5); MovieLens-100K and the planted stream moved within their spread.
   * With one accumulator per row a row costs 129 floats, less than a 64-wide row with Adam's two
   * moments (192), and the step about what that one did (docs/quality.md).
   */
  public ModelConfigBuilder dim(int v) {
    dim = v;
    return this;
  }

  /**
   * Positive pairs per step; default 32 (small batches mean more steps per event: the single pass
   * learns more).
   */
  public ModelConfigBuilder batchSize(int v) {
    batchSize = v;
    return this;
  }

  /** Softmax temperature τ; default 0.2. */
  public ModelConfigBuilder temperature(float v) {
    temperature = v;
    return this;
  }

  /**
   * Learning rate of the id embedding tables (row-wise Adagrad or lazy Adam); default 0.01. With
   * 128 dimensions (seed 1) 0.005 fell to 0.113 on the sparse long-tail stream and 0.02 was level
   * with 0.01; with 64, 0.02 was best. Lazy Adam wants less: 0.005 was its best (docs/quality.md).
   */
  public ModelConfigBuilder learningRate(float v) {
    learningRate = v;
    return this;
  }

  /** Adam learning rate of the dense tower weights; default 0.001. */
  public ModelConfigBuilder towerLearningRate(float v) {
    towerLearningRate = v;
    return this;
  }

  /** Whether each tower has a learned d×d projection after the id embedding; default false. */
  public ModelConfigBuilder towerProjection(boolean v) {
    towerProjection = v;
    return this;
  }

  /**
   * Hidden width of a small residual MLP on top of each tower ({@code z + relu(z·W₁ + b₁)·W₂}, Adam
   * at the tower learning rate, starting as the identity); default 0 = none.
   */
  public ModelConfigBuilder towerMlpHidden(int v) {
    towerMlpHidden = v;
    return this;
  }

  /**
   * Whether logits are corrected by log q (Yi et al. 2019); default true: with recency-weighted
   * history and 256 reservoir negatives it makes the towers alone about as strong as global
   * popularity on MovieLens-100K at the same served score (README, Quality).
   */
  public ModelConfigBuilder logQCorrection(boolean v) {
    logQCorrection = v;
    return this;
  }

  /** Distinct recently seen items kept for sampled negatives; default 10,000. */
  public ModelConfigBuilder reservoirCapacity(int v) {
    reservoirCapacity = v;
    return this;
  }

  /**
   * Reservoir negatives drawn per batch (M); default 256 (64 before: the towers alone gained half
   * again with log-Q, at 1.6 times the step's CPU), 0 = in-batch only.
   */
  public ModelConfigBuilder reservoirNegatives(int v) {
    reservoirNegatives = v;
    return this;
  }

  /** Draw probability ∝ count^α: 0 uniform over items, 1 popularity-proportional; default 0.5. */
  public ModelConfigBuilder reservoirAlpha(double v) {
    reservoirAlpha = v;
    return this;
  }

  /** EMA rate of the streaming frequency estimator (Yi et al.'s α); default 0.01. */
  public ModelConfigBuilder frequencyDecay(double v) {
    frequencyDecay = v;
    return this;
  }

  /** Global L2 norm above which a step's gradients are scaled down; default 5. */
  public ModelConfigBuilder gradientClipNorm(double v) {
    gradientClipNorm = v;
    return this;
  }

  /**
   * Standard deviation of new embedding rows; default 0.01 (a new user is carried by their
   * history).
   */
  public ModelConfigBuilder initScale(float v) {
    initScale = v;
    return this;
  }

  /** Memory bound: rows per table before the least recently used are evicted; default 2,000,000. */
  public ModelConfigBuilder maxRowsPerTable(int v) {
    maxRowsPerTable = v;
    return this;
  }

  /**
   * Recent items pooled into the user tower ({@code z = e_user + mean(e_item over history)});
   * default 50, 0 = id-only user tower.
   */
  public ModelConfigBuilder historyLength(int v) {
    historyLength = v;
    return this;
  }

  /**
   * Whether each item has a learned logit bias ({@code u·v/τ + b − logQ}), published as τ·b in the
   * item's score bias; default true.
   */
  public ModelConfigBuilder itemBias(boolean v) {
    itemBias = v;
    return this;
  }

  /**
   * Weight w of the serving-time popularity prior: an item's published bias is w·log(decayed click
   * count), added to the user·item score. With {@link #priorTuningInterval} set (the default), the
   * weight the model starts from (the nearest weight of the tuner's grid) before the stream shows a
   * better one; otherwise the weight served. Default 0: no prior until the stream earns one.
   */
  public ModelConfigBuilder priorWeight(float v) {
    priorWeight = v;
    return this;
  }

  /** Events after which a click counts half in the popularity prior; default 1,000. */
  public ModelConfigBuilder priorHalfLifeEvents(double v) {
    priorHalfLifeEvents = v;
    return this;
  }

  /**
   * Every how many batches the prior weight is tuned: that batch's events are ranked, before it
   * trains, under each weight of {@link PriorWeightTuner#GRID}, and the weight that is
   * significantly best for the recent next clicks is served; 0 = the weight stays {@link
   * #priorWeight}. Default 1: how much recent popularity should add to the towers differs by
   * catalogue and falls as the towers learn (on a sparse stream from 1/2 to 0), so no fixed weight
   * serves every stream; the README's Quality section has the figures.
   */
  public ModelConfigBuilder priorTuningInterval(int v) {
    priorTuningInterval = v;
    return this;
  }

  /** Seed of every random choice (init, sampling); default 42. */
  public ModelConfigBuilder seed(long v) {
    seed = v;
    return this;
  }

  /** The training loss; default INFONCE. */
  public ModelConfigBuilder loss(Loss v) {
    loss = v;
    return this;
  }

  /** Hard-negative weighting β (Robinson et al. 2021) of the InfoNCE losses; default 0 = off. */
  public ModelConfigBuilder hardNegativeBeta(double v) {
    hardNegativeBeta = v;
    return this;
  }

  /** Positive prior τ⁺ of debiased InfoNCE (Chuang et al. 2020); default 0 = off. */
  public ModelConfigBuilder positivePrior(double v) {
    positivePrior = v;
    return this;
  }

  /** Margin of the triplet loss, in squared distance between unit vectors (0..4); default 0.2. */
  public ModelConfigBuilder tripletMargin(double v) {
    tripletMargin = v;
    return this;
  }

  /**
   * Whether log(1/τ) is learned (CLIP), starting at {@link #temperature} and clamped to τ in [0.01,
   * 1]; default false.
   */
  public ModelConfigBuilder learnedTemperature(boolean v) {
    learnedTemperature = v;
    return this;
  }

  /** MoCo queue of recent positives' momentum outputs used as extra negatives; default 0 = off. */
  public ModelConfigBuilder queueSize(int v) {
    queueSize = v;
    return this;
  }

  /** Momentum m of the per-item encoder feeding the queue; default 0.99. */
  public ModelConfigBuilder queueMomentum(double v) {
    queueMomentum = v;
    return this;
  }

  /** Sightings of an id before it gets a row; default 1 = on first sight. */
  public ModelConfigBuilder admissionMinCount(int v) {
    admissionMinCount = v;
    return this;
  }

  /** Rows idle for more than this many trained events are evicted; default 0 = never. */
  public ModelConfigBuilder rowTtlEvents(long v) {
    rowTtlEvents = v;
    return this;
  }

  /**
   * Optimizer of the id embedding tables; default ADAGRAD (row-wise, lazy: only the batch's rows
   * step). Its step shrinks as a row's squared gradients add up, so a row seen five times takes
   * large steps and a popular one settles, where Adam steps every row by about the learning rate
   * for ever. Next-click HR@10 at d = 64, seeds 1-5: sparse long tail 0.123 against Adam's 0.118,
   * MovieLens-100K 0.119 against 0.114, planted 0.520 against 0.507 (docs/quality.md).
   */
  public ModelConfigBuilder tableOptimizer(TableOptimizer v) {
    tableOptimizer = v;
    return this;
  }

  /**
   * Augmented views per event: each adds a row with the same user and item whose pooled history is
   * a random crop, then a random mask, of the user's recent items (the views SimCLR and SimCSE
   * build); the rows of one user mask each other as negatives. Default 0 = off. The stream
   * statistics (frequencies, reservoir, prior, histories) still count each event once.
   */
  public ModelConfigBuilder augmentViews(int v) {
    augmentViews = v;
    return this;
  }

  /** Probability that a view leaves out each history item it kept; default 0.2. */
  public ModelConfigBuilder augmentMaskProbability(double v) {
    augmentMaskProbability = v;
    return this;
  }

  /**
   * Fraction of the history a view keeps as one contiguous window at a random place, before the
   * mask; default 0.8, 1 = no crop.
   */
  public ModelConfigBuilder augmentCropFraction(double v) {
    augmentCropFraction = v;
    return this;
  }

  /** DINO: learned prototypes, the width of its distributions; default 256. */
  public ModelConfigBuilder dinoPrototypes(int v) {
    dinoPrototypes = v;
    return this;
  }

  /** DINO: the teacher's temperature, below the student's to sharpen; default 0.04 (DINO's). */
  public ModelConfigBuilder dinoTeacherTemperature(double v) {
    dinoTeacherTemperature = v;
    return this;
  }

  /** DINO: momentum of the teacher's prototypes after each step; default 0.996 (DINO's). */
  public ModelConfigBuilder dinoMomentum(double v) {
    dinoMomentum = v;
    return this;
  }

  /**
   * Weight of each older history item relative to the next newer one in the pooled user tower
   * ({@code γ^age}, normalised, 1 = the plain mean); default 0.7. On MovieLens-100K 0.8 nearly
   * doubled the towers' holdout Recall@20 over the plain mean (0.045 → 0.079, 5 seeds), and 0.7
   * with log-Q and 256 negatives reached 0.124; on the drift-free synthetic stream it cost little
   * (README, Quality).
   */
  public ModelConfigBuilder historyRecencyDecay(double v) {
    historyRecencyDecay = v;
    return this;
  }

  /**
   * Adam learning rate of the user tower's history weights by age, learned from the stream starting
   * at {@link #historyRecencyDecay}'s shape; 0 = that shape stays fixed; default 0.003. The best
   * fixed decay differs by stream (next-click HR@10: 0.7 on MovieLens-100K and the planted-cluster
   * stream, 0.3 on the sparse long tail), and the learned weights beat every single one on the
   * worst of the three (docs/quality.md).
   */
  public ModelConfigBuilder historyRecencyLearningRate(double v) {
    historyRecencyLearningRate = v;
    return this;
  }

  /**
   * Side-feature tokens per item pooled into the item tower (categories, tags, bucketed numeric
   * features, from the {@code item-features} topic), the rest dropped; 0 = side features off (the
   * records are ignored); default 32.
   */
  public ModelConfigBuilder itemFeatureTokens(int v) {
    itemFeatureTokens = v;
    return this;
  }

  /**
   * Bucket widths of numeric side features, {@code name=width,…}; a feature without one is bucketed
   * on a log2 scale. Default {@code year=5} (release years in lustres, as MovieLens gives them).
   */
  public ModelConfigBuilder itemFeatureBucketWidths(String v) {
    itemFeatureBucketWidths = v;
    return this;
  }

  /**
   * Probability that a training step leaves out an item's id row (for items with side features), so
   * that the tower learns to place an item from its features alone, as it must for a cold item
   * (DropoutNet, Volkovs et al. 2017); default 0.
   */
  public ModelConfigBuilder itemFeatureIdDropout(double v) {
    itemFeatureIdDropout = v;
    return this;
  }

  /**
   * Experience replay: after each batch, {@code ratio × batch} earlier positives drawn uniformly
   * from the last {@link #replayCapacity} trained are trained again in a step of their own (each
   * with the user's current history, its own item left out), so that a sparse stream's few clicks
   * per item are learned from more than once; statistics (frequencies, reservoir, prior, histories,
   * counters) still count each event once. Default 0 = off.
   */
  public ModelConfigBuilder replayRatio(double v) {
    replayRatio = v;
    return this;
  }

  /**
   * Weight of the item–item view loss; default 0.3, 0 = off. Each item a user clicked shortly
   * before an event (in the pooled history, {@link #itemPairsWindow}) makes a positive pair with
   * the event's item, their item tower outputs scored by InfoNCE against the batch's other items
   * and the reservoir negatives, so items co-clicked by the same users are pulled together directly
   * rather than only through the users' rows (item2vec's signal, trained online). Its gradients go
   * through the item tower into the same tables and optimizer. Without a history ({@code
   * historyLength} 0) there are no pairs. On the sparse long-tail stream next-click HR@10 rose from
   * 0.1333 to 0.1365 (seeds 1–5), MovieLens and the planted stream stayed within a seed's spread
   * (docs/quality.md); a step costs 1.3–1.5× the thread CPU.
   */
  public ModelConfigBuilder itemPairsWeight(double v) {
    itemPairsWeight = v;
    return this;
  }

  /** Temperature of the item–item view loss; default 0.2. */
  public ModelConfigBuilder itemPairsTemperature(double v) {
    itemPairsTemperature = v;
    return this;
  }

  /**
   * How many of the user's latest distinct earlier clicks (other than the event's own item) each
   * make an item–item pair with the event's item; default 5.
   */
  public ModelConfigBuilder itemPairsWindow(int v) {
    itemPairsWindow = v;
    return this;
  }

  /** Recent positives kept for experience replay; default 10,000. */
  public ModelConfigBuilder replayCapacity(int v) {
    replayCapacity = v;
    return this;
  }

  /**
   * Weight {@code w} of the user's own id row in the user tower, {@code z = w·e_user + pooled
   * history}; default 0.5. The id row is trained on every click of the user, the history rows are
   * shared with every other user: at full weight a user with a handful of clicks is carried by a
   * row fitted to those few (the next-click HR@10 of the sparse long-tail stream: 0.095 at 1, 0.103
   * at 0.5, 0.105 at 0.3), while MovieLens's long histories lose only below 0.5 (README, Quality).
   * Without history pooling the id row is the whole input and keeps weight 1.
   */
  public ModelConfigBuilder historyIdWeight(double v) {
    historyIdWeight = v;
    return this;
  }

  public ModelConfig build() {
    return new ModelConfig(
        dim,
        batchSize,
        temperature,
        learningRate,
        towerLearningRate,
        towerProjection,
        towerMlpHidden,
        logQCorrection,
        reservoirCapacity,
        reservoirNegatives,
        reservoirAlpha,
        frequencyDecay,
        gradientClipNorm,
        initScale,
        maxRowsPerTable,
        historyLength,
        itemBias,
        priorWeight,
        priorHalfLifeEvents,
        priorTuningInterval,
        seed,
        loss,
        hardNegativeBeta,
        positivePrior,
        tripletMargin,
        learnedTemperature,
        queueSize,
        queueMomentum,
        admissionMinCount,
        rowTtlEvents,
        tableOptimizer,
        augmentViews,
        augmentMaskProbability,
        augmentCropFraction,
        dinoPrototypes,
        dinoTeacherTemperature,
        dinoMomentum,
        historyRecencyDecay,
        itemFeatureTokens,
        itemFeatureBucketWidths,
        itemFeatureIdDropout,
        replayRatio,
        replayCapacity,
        historyIdWeight,
        historyRecencyLearningRate,
        itemPairsWeight,
        itemPairsTemperature,
        itemPairsWindow);
  }
}
