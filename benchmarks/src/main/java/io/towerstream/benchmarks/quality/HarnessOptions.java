package io.towerstream.benchmarks.quality;

import io.towerstream.config.Binding;
import io.towerstream.config.Option;
import io.towerstream.config.OptionException;
import io.towerstream.config.OptionSet;
import io.towerstream.config.OptionValues;
import io.towerstream.config.ValueType;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.ModelConfigBuilder;
import io.towerstream.model.ModelOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The options of {@link QualityHarness} (and the model keys of {@code StepBenchmark}), each
 * declared once. They are given as {@code key=value} words; a model hyper-parameter takes either
 * the harness's short key ({@code dim=64}) or the job's option name ({@code model.dim=64}), both
 * read by {@link ModelOptions}' declaration, so the job and the harness check a value the same way.
 * The bare word {@code csv} is {@code csv=true}.
 */
public final class HarnessOptions {
  enum Protocol {
    FROZEN,
    NEXT_CLICK,
    BOTH
  }

  static final Option<Double> SPLIT =
      Option.doubleOption("split")
          .defaultValue(0.8)
          .check(s -> s > 0 && s < 1, "in (0, 1)")
          .doc("Share of the stream (by time) that trains; the rest is judged.");
  static final Option<Integer> POP_WINDOW =
      Option.intOption("popWindow")
          .defaultValue(1000)
          .check(w -> w >= 1, "at least 1")
          .doc("Events counted by the recent-popularity baseline.");
  static final Option<Integer> EPOCHS =
      Option.intOption("epochs")
          .defaultValue(1)
          .check(e -> e >= 1, "at least 1")
          .doc("Passes over the training part (diagnosis only: the product is single-pass).");
  static final Option<Boolean> PREQUENTIAL =
      Option.booleanOption("prequential")
          .defaultValue(true)
          .doc("Also score then train over the whole stream.");
  static final Option<Boolean> BASELINES =
      Option.booleanOption("baselines").defaultValue(true).doc("Run the baselines.");
  static final Option<Integer> MAX_TEST_USERS =
      Option.intOption("maxTestUsers")
          .defaultValue(Integer.MAX_VALUE)
          .defaultText("all")
          .check(n -> n >= 1, "at least 1")
          .doc("Test users judged at most.");
  static final Option<Double> PREQUENTIAL_SAMPLE =
      Option.doubleOption("prequentialSample")
          .defaultValue(1.0)
          .check(r -> r >= 0 && r <= 1, "in [0, 1]")
          .doc("Share of users scored test-then-train.");
  static final Option<Integer> SYN_USERS =
      Option.intOption("synUsers").defaultValue(100_000).doc("synthetic: users.");
  static final Option<Integer> SYN_ITEMS =
      Option.intOption("synItems").defaultValue(50_000).doc("synthetic: items.");
  static final Option<Integer> SYN_CLUSTERS =
      Option.intOption("synClusters").defaultValue(100).doc("synthetic: planted clusters.");
  static final Option<Integer> SYN_EVENTS =
      Option.intOption("synEvents").defaultValue(1_000_000).doc("synthetic: events.");
  static final Option<String> ITEMS =
      Option.stringOption("items")
          .doc("A MovieLens u.item: side features for every catalogue item, before training.");
  static final Option<Boolean> SYN_FEATURES =
      Option.booleanOption("synFeatures")
          .defaultValue(false)
          .doc("synthetic: each item's planted cluster as its one category.");
  static final Option<Integer> COLD_EVERY =
      Option.intOption("coldEvery")
          .defaultValue(0)
          .check(n -> n >= 0, "non-negative")
          .doc("Every n-th item's clicks leave the training part (cold items); 0 = none.");
  static final Option<Integer> TAIL_USERS =
      Option.intOption("tailUsers").doc("sparse: users (the generator's default otherwise).");
  static final Option<Integer> TAIL_ITEMS = Option.intOption("tailItems").doc("sparse: items.");
  static final Option<Integer> TAIL_TOPICS = Option.intOption("tailTopics").doc("sparse: topics.");
  static final Option<Long> TAIL_EVENTS = Option.longOption("tailEvents").doc("sparse: events.");
  static final Option<Double> TAIL_STAY =
      Option.doubleOption("tailStay").doc("sparse: probability of staying on a topic.");
  static final Option<Double> TAIL_ITEM_ZIPF =
      Option.doubleOption("tailItemZipf").doc("sparse: Zipf exponent of items within a topic.");
  static final Option<Double> TAIL_EXPLORE =
      Option.doubleOption("tailExplore")
          .doc("sparse: probability of a click outside the user's topics.");
  static final Option<Integer> TAIL_INTERESTS =
      Option.intOption("tailInterests").doc("sparse: topics per user.");
  static final Option<Protocol> PROTOCOL =
      Option.enumOption("protocol", Protocol.class)
          .defaultValue(Protocol.FROZEN)
          .doc("frozen (the temporal holdout), next-click, or both.");
  static final Option<Integer> REFITS =
      Option.intOption("refits")
          .defaultValue(10)
          .check(n -> n >= 1, "at least 1")
          .doc("next-click: EASE fits across the judged window.");
  static final Option<Double> EASE_LAMBDA =
      Option.of(
              "easeLambda",
              new ValueType<>(
                  "a number or tune",
                  s -> s.equals("tune") ? Double.NaN : ValueType.DOUBLE.parse().apply(s),
                  l -> Double.isNaN(l) ? "tune" : l.toString()))
          .defaultValue(Double.NaN)
          .doc("next-click: EASE's lambda, or tune (once).");
  static final Option<Boolean> PEERS =
      Option.booleanOption("peers")
          .defaultValue(true)
          .doc("next-click: run the peers (they do not depend on the model's seed).");
  static final Option<Boolean> ORACLE =
      Option.booleanOption("oracle")
          .defaultValue(false)
          .doc("next-click, synthetic streams: the generator's own probabilities as a peer.");
  static final Option<Boolean> CSV =
      Option.booleanOption("csv").defaultValue(false).doc("The click file is CSV, not u.data.");

  /** The harness's short key of each model option. */
  private static final Map<String, Option<?>> MODEL_KEYS =
      Map.ofEntries(
          Map.entry("dim", ModelOptions.DIM),
          Map.entry("batchSize", ModelOptions.BATCH_SIZE),
          Map.entry("temperature", ModelOptions.TEMPERATURE),
          Map.entry("learningRate", ModelOptions.LEARNING_RATE),
          Map.entry("towerProjection", ModelOptions.TOWER_PROJECTION),
          Map.entry("towerMlpHidden", ModelOptions.TOWER_MLP_HIDDEN),
          Map.entry("logQCorrection", ModelOptions.LOG_Q),
          Map.entry("reservoirCapacity", ModelOptions.RESERVOIR_CAPACITY),
          Map.entry("reservoirNegatives", ModelOptions.RESERVOIR_NEGATIVES),
          Map.entry("reservoirAlpha", ModelOptions.RESERVOIR_ALPHA),
          Map.entry("initScale", ModelOptions.INIT_SCALE),
          Map.entry("seed", ModelOptions.SEED),
          Map.entry("historyLength", ModelOptions.HISTORY_LENGTH),
          Map.entry("priorWeight", ModelOptions.PRIOR_WEIGHT),
          Map.entry("priorTuningInterval", ModelOptions.PRIOR_TUNING_INTERVAL),
          Map.entry("priorHalfLifeEvents", ModelOptions.PRIOR_HALF_LIFE_EVENTS),
          Map.entry("gradientClipNorm", ModelOptions.GRADIENT_CLIP_NORM),
          Map.entry("itemBias", ModelOptions.ITEM_BIAS),
          Map.entry("towerLearningRate", ModelOptions.TOWER_LEARNING_RATE),
          Map.entry("loss", ModelOptions.LOSS),
          Map.entry("hardNegativeBeta", ModelOptions.LOSS_HARD_NEGATIVE_BETA),
          Map.entry("positivePrior", ModelOptions.LOSS_POSITIVE_PRIOR),
          Map.entry("tripletMargin", ModelOptions.LOSS_MARGIN),
          Map.entry("learnedTemperature", ModelOptions.TEMPERATURE_LEARNED),
          Map.entry("queueSize", ModelOptions.QUEUE_SIZE),
          Map.entry("queueMomentum", ModelOptions.QUEUE_MOMENTUM),
          Map.entry("admissionMinCount", ModelOptions.TABLE_ADMISSION_MIN_COUNT),
          Map.entry("rowTtlEvents", ModelOptions.TABLE_TTL_EVENTS),
          Map.entry("tableOptimizer", ModelOptions.TABLE_OPTIMIZER),
          Map.entry("augmentViews", ModelOptions.AUGMENT_VIEWS),
          Map.entry("augmentMask", ModelOptions.AUGMENT_MASK_PROBABILITY),
          Map.entry("augmentCrop", ModelOptions.AUGMENT_CROP_FRACTION),
          Map.entry("dinoPrototypes", ModelOptions.LOSS_DINO_PROTOTYPES),
          Map.entry("dinoTeacherTemperature", ModelOptions.LOSS_DINO_TEACHER_TEMPERATURE),
          Map.entry("dinoMomentum", ModelOptions.LOSS_DINO_MOMENTUM),
          Map.entry("historyDecay", ModelOptions.HISTORY_RECENCY_DECAY),
          Map.entry("recencyLearningRate", ModelOptions.HISTORY_RECENCY_LEARNING_RATE),
          Map.entry("featureTokens", ModelOptions.ITEM_FEATURES_MAX_TOKENS),
          Map.entry("bucketWidths", ModelOptions.ITEM_FEATURES_BUCKET_WIDTHS),
          Map.entry("idDropout", ModelOptions.ITEM_FEATURES_ID_DROPOUT),
          Map.entry("replayRatio", ModelOptions.REPLAY_RATIO),
          Map.entry("idWeight", ModelOptions.HISTORY_ID_WEIGHT),
          Map.entry("replayCapacity", ModelOptions.REPLAY_CAPACITY),
          Map.entry("itemPairs", ModelOptions.ITEM_PAIRS_WEIGHT),
          Map.entry("itemPairsTemperature", ModelOptions.ITEM_PAIRS_TEMPERATURE),
          Map.entry("itemPairsWindow", ModelOptions.ITEM_PAIRS_WINDOW));

  /** The model options, each also under its harness key. */
  static final List<Binding<ModelConfigBuilder, ModelConfig, ?>> MODEL =
      ModelOptions.BINDINGS.stream()
          .<Binding<ModelConfigBuilder, ModelConfig, ?>>map(HarnessOptions::withHarnessKey)
          .toList();

  /** The model options only, for {@code StepBenchmark}. */
  static final OptionSet MODEL_OPTIONS = OptionSet.of(Binding.options(MODEL));

  static final OptionSet OPTIONS;

  static {
    List<Option<?>> all =
        new ArrayList<>(
            List.of(
                SPLIT,
                POP_WINDOW,
                EPOCHS,
                PREQUENTIAL,
                BASELINES,
                MAX_TEST_USERS,
                PREQUENTIAL_SAMPLE,
                SYN_USERS,
                SYN_ITEMS,
                SYN_CLUSTERS,
                SYN_EVENTS,
                ITEMS,
                SYN_FEATURES,
                COLD_EVERY,
                TAIL_USERS,
                TAIL_ITEMS,
                TAIL_TOPICS,
                TAIL_EVENTS,
                TAIL_STAY,
                TAIL_ITEM_ZIPF,
                TAIL_EXPLORE,
                TAIL_INTERESTS,
                PROTOCOL,
                REFITS,
                EASE_LAMBDA,
                PEERS,
                ORACLE,
                CSV));
    all.addAll(Binding.options(MODEL));
    OPTIONS = OptionSet.of(all);
  }

  private HarnessOptions() {}

  /**
   * Reads {@code key=value} words (and the bare word {@code csv}) by {@code options}.
   *
   * @throws OptionException naming the key, for an unknown or repeated key or a bad value
   */
  static OptionValues parse(OptionSet options, List<String> words) {
    List<String> flags = new ArrayList<>();
    for (String word : words) {
      if (word.equals("csv")) {
        flags.add("--csv=true");
      } else if (word.indexOf('=') > 0 && !word.startsWith("-")) {
        flags.add("--" + word);
      } else {
        throw new OptionException("expected key=value, got '" + word + "'");
      }
    }
    return options.parse(flags.toArray(String[]::new));
  }

  /**
   * Reads {@code key=value} words by the model's options (harness keys or the job's names) and
   * {@code extra}, for another benchmark that trains the model.
   *
   * @throws OptionException naming the key, for an unknown or repeated key or a bad value
   */
  public static OptionValues parseWithModel(List<String> words, List<Option<?>> extra) {
    List<Option<?>> all = new ArrayList<>(Binding.options(MODEL));
    all.addAll(extra);
    return parse(OptionSet.of(all), words);
  }

  /** Sets on {@code builder} every model option {@code values} give. Mutates {@code builder}. */
  public static void applyModel(OptionValues values, ModelConfigBuilder builder) {
    MODEL.forEach(binding -> binding.apply(values, builder));
  }

  /** The usage text: every key with its meaning and default. */
  static String usage() {
    StringBuilder out =
        new StringBuilder(
            "Usage: QualityHarness PATH|synthetic|sparse [csv] [key=value ...]; model keys also as"
                + " the job's option names (model.dim=64)\n");
    for (Option<?> o : OPTIONS.options()) {
      String key = o.aliases().isEmpty() ? o.name() : o.aliases().get(0);
      String def = o.toDoc().defaultValue();
      out.append(
          String.format(
              java.util.Locale.ROOT,
              "  %-24s %s%s%n",
              key,
              o.description(),
              def.isEmpty() ? "" : " (default: " + def + ")"));
    }
    return out.toString();
  }

  /** A model config: the defaults with every model option given in {@code values}. */
  static ModelConfigBuilder model(OptionValues values) {
    ModelConfigBuilder b = ModelConfig.builder();
    MODEL.forEach(binding -> binding.apply(values, b));
    return b;
  }

  private static <T> Binding<ModelConfigBuilder, ModelConfig, T> withHarnessKey(
      Binding<ModelConfigBuilder, ModelConfig, T> binding) {
    String key =
        MODEL_KEYS.entrySet().stream()
            .filter(e -> e.getValue() == binding.option())
            .map(Map.Entry::getKey)
            .findFirst()
            .orElse(null);
    return key == null
        ? binding
        : Binding.bind(binding.option().alias(key), binding.set(), binding.get());
  }
}
