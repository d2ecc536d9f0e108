package io.towerstream.model;

import static io.towerstream.model.settings.SettingChecks.require;

import io.towerstream.model.features.FeatureTokens;
import io.towerstream.model.features.ItemFeatureSettings;
import io.towerstream.model.history.AugmentSettings;
import io.towerstream.model.history.HistorySettings;
import io.towerstream.model.loss.DinoSettings;
import io.towerstream.model.loss.ItemPairSettings;
import io.towerstream.model.loss.QueueSettings;
import io.towerstream.model.prior.PriorSettings;
import io.towerstream.model.sampling.NegativeSettings;
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

    /** Whether the loss has a temperature to learn (the negative-free and margin ones do not). */
    public boolean learnsTemperature() {
      return this != TRIPLET
          && this != ALIGNMENT
          && this != BARLOW_TWINS
          && this != SIMSIAM
          && this != DINO;
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
    new LossSettings(
        loss, temperature, learnedTemperature, hardNegativeBeta, positivePrior, tripletMargin);
    new TableSettings(
        tableOptimizer, learningRate, maxRowsPerTable, admissionMinCount, rowTtlEvents);
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
    require(
        (loss != Loss.SIMSIAM && loss != Loss.DINO) || !itemBias,
        "model.item-bias",
        itemBias,
        "false with the simsiam and dino losses: a negative-free loss has no logits for a bias"
            + " to shift");
    new DinoSettings(dinoPrototypes, dinoTeacherTemperature, dinoMomentum);
    new ItemPairSettings(itemPairsWeight, itemPairsTemperature, itemPairsWindow);
    new ReplaySettings(replayRatio, replayCapacity);
    new ItemFeatureSettings(itemFeatureTokens, itemFeatureBucketWidths, itemFeatureIdDropout);
    new QueueSettings(queueSize, queueMomentum);
    require(
        rowTtlEvents == 0 || rowTtlEvents >= batchSize,
        "model.table.ttl-events",
        rowTtlEvents,
        "0 or at least the batch size, so a batch's own rows never expire");
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

  public static ModelConfigBuilder builder() {
    return new ModelConfigBuilder();
  }

  public ModelConfigBuilder toBuilder() {
    return new ModelConfigBuilder()
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

  /** The loss and its temperature ({@link #loss()} is the loss alone). */
  public LossSettings lossSettings() {
    return new LossSettings(
        loss, temperature, learnedTemperature, hardNegativeBeta, positivePrior, tripletMargin);
  }

  /** How the id tables' rows learn, how many they keep, admission and expiry. */
  public TableSettings tables() {
    return new TableSettings(
        tableOptimizer, learningRate, maxRowsPerTable, admissionMinCount, rowTtlEvents);
  }

  /** Experience replay. */
  public ReplaySettings replay() {
    return new ReplaySettings(replayRatio, replayCapacity);
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
    return new ItemPairSettings(itemPairsWeight, itemPairsTemperature, itemPairsWindow);
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
}
