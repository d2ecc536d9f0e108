package io.towerstream.model;

import io.towerstream.model.features.FeatureTokens;
import io.towerstream.model.features.ItemFeatureSettings;
import io.towerstream.model.history.AugmentSettings;
import io.towerstream.model.history.HistorySettings;
import io.towerstream.model.loss.DinoSettings;
import io.towerstream.model.loss.ItemPairSettings;
import io.towerstream.model.loss.QueueSettings;
import io.towerstream.model.prior.PriorSettings;
import io.towerstream.model.sampling.NegativeSettings;
import io.towerstream.model.settings.SettingChecks;
import io.towerstream.model.tower.TowerSettings;
import java.io.Serializable;

/**
 * Every hyper-parameter of the two-tower model, immutable and validated on construction. The
 * defaults documented on {@link Builder} are the ones towerstream ships with.
 */
public record ModelConfig(
    int dim,
    int batchSize,
    float temperature,
    float learningRate,
    float towerLearningRate,
    boolean towerProjection,
    int towerMlpHidden,
    boolean logQCorrection,
    int reservoirCapacity,
    int reservoirNegatives,
    double reservoirAlpha,
    double frequencyDecay,
    double gradientClipNorm,
    float initScale,
    int maxRowsPerTable,
    int historyLength,
    boolean itemBias,
    float priorWeight,
    double priorHalfLifeEvents,
    int priorTuningInterval,
    long seed,
    Loss loss,
    double hardNegativeBeta,
    double positivePrior,
    double tripletMargin,
    boolean learnedTemperature,
    int queueSize,
    double queueMomentum,
    int admissionMinCount,
    long rowTtlEvents,
    TableOptimizer tableOptimizer,
    int augmentViews,
    double augmentMaskProbability,
    double augmentCropFraction,
    int dinoPrototypes,
    double dinoTeacherTemperature,
    double dinoMomentum,
    double historyRecencyDecay,
    int itemFeatureTokens,
    String itemFeatureBucketWidths,
    double itemFeatureIdDropout,
    double replayRatio,
    int replayCapacity,
    double historyIdWeight,
    double historyRecencyLearningRate,
    double itemPairsWeight,
    double itemPairsTemperature,
    int itemPairsWindow)
    implements Serializable {

  /** The longest history a user tower pools. */
  public static final int MAX_HISTORY_LENGTH = HistorySettings.MAX_LENGTH;

  /**
   * The training loss; see the model README's loss section. Option values are the names in kebab
   * case.
   */
  public enum Loss {
    /** Sampled softmax user → item with log-Q (Yi et al. 2019). */
    INFONCE,
    /** InfoNCE in both directions, as CLIP trains. */
    SYMMETRIC_INFONCE,
    /** SigLIP's pairwise sigmoid loss with a learned logit bias. */
    SIGLIP,
    /**
     * Alignment alone, no negatives and no stop-gradient: it collapses (every output one point,
     * with {@code itemPairsWeight} 0, as the item–item views have negatives), and exists to show
     * that the collapse monitor sees it. Never a way to train.
     */
    ALIGNMENT,
    /**
     * FaceNet's triplet loss with semi-hard negatives (Schroff et al. 2015): per row, the hardest
     * negative still farther than the positive, pushed out to {@code model.loss.margin}.
     */
    TRIPLET,
    /**
     * Barlow Twins (Zbontar et al. 2021): the batch's users and their items as two views, their
     * standardised cross-correlation pulled to the identity; negative-free.
     */
    BARLOW_TWINS,
    /**
     * SimSiam (Chen &amp; He 2021): negative-free, each view's learned-predictor output pulled to
     * the other's stop-gradient copy; needs {@code model.item-bias false} (no logits to shift).
     */
    SIMSIAM,
    /**
     * DINO (Caron et al. 2021): each view's distribution over {@code model.loss.dino.prototypes}
     * learned prototypes pulled to the other view's under a momentum teacher, centred and sharpened
     * ({@code model.loss.dino.teacher-temperature}); the student temperature is {@code
     * model.temperature}. Negative-free; needs {@code model.item-bias false}.
     */
    DINO;

    public String cliName() {
      return ModelConfig.cliName(this);
    }

    /** Parses a CLI name, failing with a message that names {@code model.loss}. */
    public static Loss parse(String v) {
      return parseEnum(values(), "model.loss", v);
    }
  }

  /** The optimizer of the id embedding tables. */
  public enum TableOptimizer {
    /** Row-wise Adagrad: one accumulator float per row. */
    ADAGRAD,
    /** Lazy Adam: per-row moments ({@code 2·dim + 1} floats per row), only touched rows update. */
    ADAM;

    public String cliName() {
      return ModelConfig.cliName(this);
    }

    /** Parses a CLI name, failing with a message that names {@code model.table.optimizer}. */
    public static TableOptimizer parse(String v) {
      return parseEnum(values(), "model.table.optimizer", v);
    }
  }

  private static String cliName(Enum<?> e) {
    return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  private static <E extends Enum<E>> E parseEnum(E[] values, String option, String v) {
    for (E e : values) {
      if (cliName(e).equalsIgnoreCase(v.trim())) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        option
            + " must be one of "
            + String.join(", ", java.util.Arrays.stream(values).map(ModelConfig::cliName).toList())
            + ", was "
            + v);
  }

  public ModelConfig {
    require(batchSize >= 2, "model.batch-size", batchSize, "at least 2");
    require(temperature > 0 && temperature <= 10, "model.temperature", temperature, "in (0, 10]");
    require(learningRate > 0, "model.learning-rate", learningRate, "positive");
    new TowerSettings(dim, towerProjection, towerMlpHidden, towerLearningRate, initScale);
    new NegativeSettings(
        reservoirCapacity, reservoirNegatives, reservoirAlpha, frequencyDecay, logQCorrection);
    require(gradientClipNorm > 0, "model.gradient-clip-norm", gradientClipNorm, "positive");
    require(
        maxRowsPerTable >= batchSize,
        "model.max-rows-per-table",
        maxRowsPerTable,
        "at least the batch size");
    new HistorySettings(
        historyLength, historyRecencyDecay, historyIdWeight, historyRecencyLearningRate);
    new PriorSettings(itemBias, priorWeight, priorHalfLifeEvents, priorTuningInterval);
    require(loss != null, "model.loss", loss, "one of infonce, symmetric-infonce, siglip");
    require(
        hardNegativeBeta >= 0 && hardNegativeBeta <= 100,
        "model.loss.hard-negative-beta",
        hardNegativeBeta,
        "in [0, 100] (0 = plain InfoNCE)");
    require(
        positivePrior >= 0 && positivePrior < 1,
        "model.loss.positive-prior",
        positivePrior,
        "in [0, 1) (0 = plain InfoNCE)");
    require(
        (loss == Loss.INFONCE || loss == Loss.SYMMETRIC_INFONCE)
            || (hardNegativeBeta == 0 && positivePrior == 0),
        "model.loss",
        loss,
        "infonce or symmetric-infonce when hard-negative-beta or positive-prior is set");
    require(
        tripletMargin > 0 && tripletMargin <= 4,
        "model.loss.margin",
        tripletMargin,
        "in (0, 4] (squared distance between unit vectors)");
    require(
        !learnedTemperature
            || (loss != Loss.TRIPLET
                && loss != Loss.ALIGNMENT
                && loss != Loss.BARLOW_TWINS
                && loss != Loss.SIMSIAM
                && loss != Loss.DINO),
        "model.temperature.learned",
        learnedTemperature,
        "false with the triplet, alignment, barlow-twins, simsiam and dino losses, which learn"
            + " no temperature");
    require(
        (loss != Loss.SIMSIAM && loss != Loss.DINO) || !itemBias,
        "model.item-bias",
        itemBias,
        "false with the simsiam and dino losses: a negative-free loss has no logits for a bias"
            + " to shift");
    new DinoSettings(dinoPrototypes, dinoTeacherTemperature, dinoMomentum);
    new ItemPairSettings(
        itemPairsWeight, itemPairsTemperature, itemPairsWindow, MAX_HISTORY_LENGTH);
    require(
        replayRatio >= 0 && replayRatio <= 16,
        "model.replay.ratio",
        replayRatio,
        "in [0, 16] (0 = off)");
    require(
        replayCapacity >= 1 && replayCapacity <= 10_000_000,
        "model.replay.capacity",
        replayCapacity,
        "between 1 and 10000000 events");
    new ItemFeatureSettings(itemFeatureTokens, itemFeatureBucketWidths, itemFeatureIdDropout);
    require(
        !learnedTemperature
            || (temperature >= MIN_LEARNED_TEMPERATURE && temperature <= MAX_LEARNED_TEMPERATURE),
        "model.temperature",
        temperature,
        "in [" + MIN_LEARNED_TEMPERATURE + ", " + MAX_LEARNED_TEMPERATURE + "] when it is learned");
    new QueueSettings(queueSize, queueMomentum);
    require(
        admissionMinCount >= 1 && admissionMinCount <= 1_000,
        "model.table.admission-min-count",
        admissionMinCount,
        "between 1 (admit on first sight) and 1000");
    require(rowTtlEvents >= 0, "model.table.ttl-events", rowTtlEvents, "non-negative (0 = off)");
    require(
        rowTtlEvents == 0 || rowTtlEvents >= batchSize,
        "model.table.ttl-events",
        rowTtlEvents,
        "0 or at least the batch size, so a batch's own rows never expire");
    require(
        tableOptimizer != null, "model.table.optimizer", tableOptimizer, "one of adagrad, adam");
    new AugmentSettings(augmentViews, augmentMaskProbability, augmentCropFraction);
    require(
        augmentViews == 0 || historyLength > 0,
        "model.augment.views",
        augmentViews,
        "0 when model.history.length is 0: the views are views of the history");
  }

  /** The lower clamp of a learned temperature: CLIP caps the logit scale 1/τ at 100. */
  public static final float MIN_LEARNED_TEMPERATURE = 0.01f;

  /** The upper clamp: above 1 the cosine logits of unit vectors are too flat to rank. */
  public static final float MAX_LEARNED_TEMPERATURE = 1f;

  public static ModelConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .dim(dim)
        .batchSize(batchSize)
        .temperature(temperature)
        .learningRate(learningRate)
        .towerLearningRate(towerLearningRate)
        .towerProjection(towerProjection)
        .towerMlpHidden(towerMlpHidden)
        .logQCorrection(logQCorrection)
        .reservoirCapacity(reservoirCapacity)
        .reservoirNegatives(reservoirNegatives)
        .reservoirAlpha(reservoirAlpha)
        .frequencyDecay(frequencyDecay)
        .gradientClipNorm(gradientClipNorm)
        .initScale(initScale)
        .maxRowsPerTable(maxRowsPerTable)
        .historyLength(historyLength)
        .itemBias(itemBias)
        .priorWeight(priorWeight)
        .priorHalfLifeEvents(priorHalfLifeEvents)
        .priorTuningInterval(priorTuningInterval)
        .seed(seed)
        .loss(loss)
        .hardNegativeBeta(hardNegativeBeta)
        .positivePrior(positivePrior)
        .tripletMargin(tripletMargin)
        .learnedTemperature(learnedTemperature)
        .queueSize(queueSize)
        .queueMomentum(queueMomentum)
        .admissionMinCount(admissionMinCount)
        .rowTtlEvents(rowTtlEvents)
        .tableOptimizer(tableOptimizer)
        .augmentViews(augmentViews)
        .augmentMaskProbability(augmentMaskProbability)
        .augmentCropFraction(augmentCropFraction)
        .dinoPrototypes(dinoPrototypes)
        .dinoTeacherTemperature(dinoTeacherTemperature)
        .dinoMomentum(dinoMomentum)
        .historyRecencyDecay(historyRecencyDecay)
        .itemFeatureTokens(itemFeatureTokens)
        .itemFeatureBucketWidths(itemFeatureBucketWidths)
        .itemFeatureIdDropout(itemFeatureIdDropout)
        .replayRatio(replayRatio)
        .replayCapacity(replayCapacity)
        .historyIdWeight(historyIdWeight)
        .historyRecencyLearningRate(historyRecencyLearningRate)
        .itemPairsWeight(itemPairsWeight)
        .itemPairsTemperature(itemPairsTemperature)
        .itemPairsWindow(itemPairsWindow);
  }

  /** How this config turns an item's side features into the tokens its item tower pools. */
  public FeatureTokens featureTokens() {
    return itemFeatures().tokens();
  }

  /** The towers' shape and how their dense weights learn. */
  public TowerSettings towers() {
    return new TowerSettings(dim, towerProjection, towerMlpHidden, towerLearningRate, initScale);
  }

  /** The momentum queue of earlier item vectors. */
  public QueueSettings queue() {
    return new QueueSettings(queueSize, queueMomentum);
  }

  /** The self-distillation loss's settings. */
  public DinoSettings dino() {
    return new DinoSettings(dinoPrototypes, dinoTeacherTemperature, dinoMomentum);
  }

  /** Where a step's extra negatives come from and how log-Q corrects them. */
  public NegativeSettings negatives() {
    return new NegativeSettings(
        reservoirCapacity, reservoirNegatives, reservoirAlpha, frequencyDecay, logQCorrection);
  }

  /** The learned item bias and the popularity prior. */
  public PriorSettings prior() {
    return new PriorSettings(itemBias, priorWeight, priorHalfLifeEvents, priorTuningInterval);
  }

  /** How the item tower reads side features. */
  public ItemFeatureSettings itemFeatures() {
    return new ItemFeatureSettings(
        itemFeatureTokens, itemFeatureBucketWidths, itemFeatureIdDropout);
  }

  /** The item–item views. */
  public ItemPairSettings itemPairs() {
    return new ItemPairSettings(
        itemPairsWeight, itemPairsTemperature, itemPairsWindow, MAX_HISTORY_LENGTH);
  }

  /** Augmented views of the history. */
  public AugmentSettings augment() {
    return new AugmentSettings(augmentViews, augmentMaskProbability, augmentCropFraction);
  }

  /** The user tower's history settings, checked already by this config's constructor. */
  public HistorySettings history() {
    return new HistorySettings(
        historyLength, historyRecencyDecay, historyIdWeight, historyRecencyLearningRate);
  }

  private static void require(boolean ok, String option, Object value, String expectation) {
    SettingChecks.require(ok, option, value, expectation);
  }

  /** Builder with the shipped defaults. */
  public static final class Builder {
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

    /**
     * Embedding and tower output dimension; default 128. On the sparse long-tail stream (300
     * topics, about six clicks per item) 128 gave next-click HR@10 0.133 against 0.124 at 64
     * (row-wise Adagrad tables, seeds 1-5); MovieLens-100K and the planted stream moved within
     * their spread. With one accumulator per row a row costs 129 floats, less than a 64-wide row
     * with Adam's two moments (192), and the step about what that one did (docs/quality.md).
     */
    public Builder dim(int v) {
      dim = v;
      return this;
    }

    /**
     * Positive pairs per step; default 32 (small batches mean more steps per event: the single pass
     * learns more).
     */
    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    /** Softmax temperature τ; default 0.2. */
    public Builder temperature(float v) {
      temperature = v;
      return this;
    }

    /**
     * Learning rate of the id embedding tables (row-wise Adagrad or lazy Adam); default 0.01. With
     * 128 dimensions (seed 1) 0.005 fell to 0.113 on the sparse long-tail stream and 0.02 was level
     * with 0.01; with 64, 0.02 was best. Lazy Adam wants less: 0.005 was its best
     * (docs/quality.md).
     */
    public Builder learningRate(float v) {
      learningRate = v;
      return this;
    }

    /** Adam learning rate of the dense tower weights; default 0.001. */
    public Builder towerLearningRate(float v) {
      towerLearningRate = v;
      return this;
    }

    /** Whether each tower has a learned d×d projection after the id embedding; default false. */
    public Builder towerProjection(boolean v) {
      towerProjection = v;
      return this;
    }

    /**
     * Hidden width of a small residual MLP on top of each tower ({@code z + relu(z·W₁ + b₁)·W₂},
     * Adam at the tower learning rate, starting as the identity); default 0 = none.
     */
    public Builder towerMlpHidden(int v) {
      towerMlpHidden = v;
      return this;
    }

    /**
     * Whether logits are corrected by log q (Yi et al. 2019); default true: with recency-weighted
     * history and 256 reservoir negatives it makes the towers alone about as strong as global
     * popularity on MovieLens-100K at the same served score (README, Quality).
     */
    public Builder logQCorrection(boolean v) {
      logQCorrection = v;
      return this;
    }

    /** Distinct recently seen items kept for sampled negatives; default 10,000. */
    public Builder reservoirCapacity(int v) {
      reservoirCapacity = v;
      return this;
    }

    /**
     * Reservoir negatives drawn per batch (M); default 256 (64 before: the towers alone gained half
     * again with log-Q, at 1.6 times the step's CPU), 0 = in-batch only.
     */
    public Builder reservoirNegatives(int v) {
      reservoirNegatives = v;
      return this;
    }

    /** Draw probability ∝ count^α: 0 uniform over items, 1 popularity-proportional; default 0.5. */
    public Builder reservoirAlpha(double v) {
      reservoirAlpha = v;
      return this;
    }

    /** EMA rate of the streaming frequency estimator (Yi et al.'s α); default 0.01. */
    public Builder frequencyDecay(double v) {
      frequencyDecay = v;
      return this;
    }

    /** Global L2 norm above which a step's gradients are scaled down; default 5. */
    public Builder gradientClipNorm(double v) {
      gradientClipNorm = v;
      return this;
    }

    /**
     * Standard deviation of new embedding rows; default 0.01 (a new user is carried by their
     * history).
     */
    public Builder initScale(float v) {
      initScale = v;
      return this;
    }

    /**
     * Memory bound: rows per table before the least recently used are evicted; default 2,000,000.
     */
    public Builder maxRowsPerTable(int v) {
      maxRowsPerTable = v;
      return this;
    }

    /**
     * Recent items pooled into the user tower ({@code z = e_user + mean(e_item over history)});
     * default 50, 0 = id-only user tower.
     */
    public Builder historyLength(int v) {
      historyLength = v;
      return this;
    }

    /**
     * Whether each item has a learned logit bias ({@code u·v/τ + b − logQ}), published as τ·b in
     * the item's score bias; default true.
     */
    public Builder itemBias(boolean v) {
      itemBias = v;
      return this;
    }

    /**
     * Weight w of the serving-time popularity prior: an item's published bias is w·log(decayed
     * click count), added to the user·item score. With {@link #priorTuningInterval} set (the
     * default), the weight the model starts from (the nearest weight of the tuner's grid) before
     * the stream shows a better one; otherwise the weight served. Default 0: no prior until the
     * stream earns one.
     */
    public Builder priorWeight(float v) {
      priorWeight = v;
      return this;
    }

    /** Events after which a click counts half in the popularity prior; default 1,000. */
    public Builder priorHalfLifeEvents(double v) {
      priorHalfLifeEvents = v;
      return this;
    }

    /**
     * Every how many batches the prior weight is tuned: that batch's events are ranked, before it
     * trains, under each weight of {@link PriorWeightTuner#GRID}, and the weight that is
     * significantly best for the recent next clicks is served; 0 = the weight stays {@link
     * #priorWeight}. Default 1: how much recent popularity should add to the towers differs by
     * catalogue and falls as the towers learn (on a sparse stream from 1/2 to 0), so no fixed
     * weight serves every stream; the README's Quality section has the figures.
     */
    public Builder priorTuningInterval(int v) {
      priorTuningInterval = v;
      return this;
    }

    /** Seed of every random choice (init, sampling); default 42. */
    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** The training loss; default INFONCE. */
    public Builder loss(Loss v) {
      loss = v;
      return this;
    }

    /** Hard-negative weighting β (Robinson et al. 2021) of the InfoNCE losses; default 0 = off. */
    public Builder hardNegativeBeta(double v) {
      hardNegativeBeta = v;
      return this;
    }

    /** Positive prior τ⁺ of debiased InfoNCE (Chuang et al. 2020); default 0 = off. */
    public Builder positivePrior(double v) {
      positivePrior = v;
      return this;
    }

    /** Margin of the triplet loss, in squared distance between unit vectors (0..4); default 0.2. */
    public Builder tripletMargin(double v) {
      tripletMargin = v;
      return this;
    }

    /**
     * Whether log(1/τ) is learned (CLIP), starting at {@link #temperature} and clamped to τ in
     * [0.01, 1]; default false.
     */
    public Builder learnedTemperature(boolean v) {
      learnedTemperature = v;
      return this;
    }

    /**
     * MoCo queue of recent positives' momentum outputs used as extra negatives; default 0 = off.
     */
    public Builder queueSize(int v) {
      queueSize = v;
      return this;
    }

    /** Momentum m of the per-item encoder feeding the queue; default 0.99. */
    public Builder queueMomentum(double v) {
      queueMomentum = v;
      return this;
    }

    /** Sightings of an id before it gets a row; default 1 = on first sight. */
    public Builder admissionMinCount(int v) {
      admissionMinCount = v;
      return this;
    }

    /** Rows idle for more than this many trained events are evicted; default 0 = never. */
    public Builder rowTtlEvents(long v) {
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
    public Builder tableOptimizer(TableOptimizer v) {
      tableOptimizer = v;
      return this;
    }

    /**
     * Augmented views per event: each adds a row with the same user and item whose pooled history
     * is a random crop, then a random mask, of the user's recent items (the views SimCLR and SimCSE
     * build); the rows of one user mask each other as negatives. Default 0 = off. The stream
     * statistics (frequencies, reservoir, prior, histories) still count each event once.
     */
    public Builder augmentViews(int v) {
      augmentViews = v;
      return this;
    }

    /** Probability that a view leaves out each history item it kept; default 0.2. */
    public Builder augmentMaskProbability(double v) {
      augmentMaskProbability = v;
      return this;
    }

    /**
     * Fraction of the history a view keeps as one contiguous window at a random place, before the
     * mask; default 0.8, 1 = no crop.
     */
    public Builder augmentCropFraction(double v) {
      augmentCropFraction = v;
      return this;
    }

    /** DINO: learned prototypes, the width of its distributions; default 256. */
    public Builder dinoPrototypes(int v) {
      dinoPrototypes = v;
      return this;
    }

    /** DINO: the teacher's temperature, below the student's to sharpen; default 0.04 (DINO's). */
    public Builder dinoTeacherTemperature(double v) {
      dinoTeacherTemperature = v;
      return this;
    }

    /** DINO: momentum of the teacher's prototypes after each step; default 0.996 (DINO's). */
    public Builder dinoMomentum(double v) {
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
    public Builder historyRecencyDecay(double v) {
      historyRecencyDecay = v;
      return this;
    }

    /**
     * Adam learning rate of the user tower's history weights by age, learned from the stream
     * starting at {@link #historyRecencyDecay}'s shape; 0 = that shape stays fixed; default 0.003.
     * The best fixed decay differs by stream (next-click HR@10: 0.7 on MovieLens-100K and the
     * planted-cluster stream, 0.3 on the sparse long tail), and the learned weights beat every
     * single one on the worst of the three (docs/quality.md).
     */
    public Builder historyRecencyLearningRate(double v) {
      historyRecencyLearningRate = v;
      return this;
    }

    /**
     * Side-feature tokens per item pooled into the item tower (categories, tags, bucketed numeric
     * features, from the {@code item-features} topic), the rest dropped; 0 = side features off (the
     * records are ignored); default 32.
     */
    public Builder itemFeatureTokens(int v) {
      itemFeatureTokens = v;
      return this;
    }

    /**
     * Bucket widths of numeric side features, {@code name=width,…}; a feature without one is
     * bucketed on a log2 scale. Default {@code year=5} (release years in lustres, as MovieLens
     * gives them).
     */
    public Builder itemFeatureBucketWidths(String v) {
      itemFeatureBucketWidths = v;
      return this;
    }

    /**
     * Probability that a training step leaves out an item's id row (for items with side features),
     * so that the tower learns to place an item from its features alone, as it must for a cold item
     * (DropoutNet, Volkovs et al. 2017); default 0.
     */
    public Builder itemFeatureIdDropout(double v) {
      itemFeatureIdDropout = v;
      return this;
    }

    /**
     * Experience replay: after each batch, {@code ratio × batch} earlier positives drawn uniformly
     * from the last {@link #replayCapacity} trained are trained again in a step of their own (each
     * with the user's current history, its own item left out), so that a sparse stream's few clicks
     * per item are learned from more than once; statistics (frequencies, reservoir, prior,
     * histories, counters) still count each event once. Default 0 = off.
     */
    public Builder replayRatio(double v) {
      replayRatio = v;
      return this;
    }

    /**
     * Weight of the item–item view loss; default 0.3, 0 = off. Each item a user clicked shortly
     * before an event (in the pooled history, {@link #itemPairsWindow}) makes a positive pair with
     * the event's item, their item tower outputs scored by InfoNCE against the batch's other items
     * and the reservoir negatives, so items co-clicked by the same users are pulled together
     * directly rather than only through the users' rows (item2vec's signal, trained online). Its
     * gradients go through the item tower into the same tables and optimizer. Without a history
     * ({@code historyLength} 0) there are no pairs. On the sparse long-tail stream next-click HR@10
     * rose from 0.1333 to 0.1365 (seeds 1–5), MovieLens and the planted stream stayed within a
     * seed's spread (docs/quality.md); a step costs 1.3–1.5× the thread CPU.
     */
    public Builder itemPairsWeight(double v) {
      itemPairsWeight = v;
      return this;
    }

    /** Temperature of the item–item view loss; default 0.2. */
    public Builder itemPairsTemperature(double v) {
      itemPairsTemperature = v;
      return this;
    }

    /**
     * How many of the user's latest distinct earlier clicks (other than the event's own item) each
     * make an item–item pair with the event's item; default 5.
     */
    public Builder itemPairsWindow(int v) {
      itemPairsWindow = v;
      return this;
    }

    /** Recent positives kept for experience replay; default 10,000. */
    public Builder replayCapacity(int v) {
      replayCapacity = v;
      return this;
    }

    /**
     * Weight {@code w} of the user's own id row in the user tower, {@code z = w·e_user + pooled
     * history}; default 0.5. The id row is trained on every click of the user, the history rows are
     * shared with every other user: at full weight a user with a handful of clicks is carried by a
     * row fitted to those few (the next-click HR@10 of the sparse long-tail stream: 0.095 at 1,
     * 0.103 at 0.5, 0.105 at 0.3), while MovieLens's long histories lose only below 0.5 (README,
     * Quality). Without history pooling the id row is the whole input and keeps weight 1.
     */
    public Builder historyIdWeight(double v) {
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
}
