package io.towerstream.model.eval;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.TwoTowerModels;
import io.towerstream.model.data.ClickFileFormat;
import io.towerstream.model.data.ClickFileReader;
import io.towerstream.model.data.ItemCatalogueReader;
import io.towerstream.model.monitor.CollapseMetrics;
import io.towerstream.model.monitor.CollapseMonitor;
import io.towerstream.model.prior.PriorWeightTuner;
import io.towerstream.model.synthetic.LongTailClicks;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import io.towerstream.model.twotower.TwoTowerModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The offline quality harness: the temporal split, the baselines (global popularity, recent
 * popularity, EASE) and towerstream's model trained single-pass, then the prequential run over the
 * whole stream. Prints a table. Usage: {@code QualityHarness PATH|synthetic [csv] [key=value …]},
 * keys as in {@link #configure} and {@code main}.
 */
public final class QualityHarness {
  static final int[] KS = {10, 20, 50};

  private QualityHarness() {}

  public static void main(String[] args) {
    // "synthetic" instead of a path: the planted-cluster generator (synUsers, synItems,
    // synClusters, synEvents)
    boolean synthetic = args[0].equals("synthetic");
    // "sparse" instead of a path: the long-tail generator (tailUsers, tailItems, tailTopics,
    // tailEvents, tailStay; its own defaults otherwise)
    boolean sparse = args[0].equals("sparse");
    LongTailClicks.Builder tail = LongTailClicks.builder();
    int[] syn = {100_000, 50_000, 100, 1_000_000};
    int maxTestUsers = Integer.MAX_VALUE;
    double prequentialSample = 1.0;
    boolean csv = false;
    ModelConfig.Builder b = ModelConfig.builder();
    double split = 0.8;
    int popWindow = 1000;
    int epochs = 1;
    boolean prequential = true;
    boolean baselines = true;
    String itemsPath = null; // u.item: side features for every catalogue item, before training
    boolean synFeatures = false; // synthetic: each item's planted cluster as its one category
    int coldEvery = 0; // synthetic: every n-th item's clicks leave the training part (cold items)
    String protocol = "frozen"; // frozen (80/20 holdout), next-click, or both
    int refits = 10; // next-click: EASE fits across the window
    double easeLambda = Double.NaN; // next-click: EASE's lambda, NaN = tuned once
    boolean peers = true; // next-click: run the peers (they do not depend on the model's seed)
    boolean oracle = false; // next-click, synthetic streams: the generator's own probabilities
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("csv")) {
        csv = true;
        continue;
      }
      String[] kv = args[i].split("=", 2);
      switch (kv[0]) {
        case "split" -> split = Double.parseDouble(kv[1]);
        case "popWindow" -> popWindow = Integer.parseInt(kv[1]);
        case "epochs" ->
            epochs = Integer.parseInt(kv[1]); // diagnosis only: the product is single-pass
        case "prequential" -> prequential = Boolean.parseBoolean(kv[1]);
        case "baselines" -> baselines = Boolean.parseBoolean(kv[1]);
        case "maxTestUsers" -> maxTestUsers = Integer.parseInt(kv[1]);
        case "prequentialSample" -> prequentialSample = Double.parseDouble(kv[1]);
        case "synUsers" -> syn[0] = Integer.parseInt(kv[1]);
        case "synItems" -> syn[1] = Integer.parseInt(kv[1]);
        case "synClusters" -> syn[2] = Integer.parseInt(kv[1]);
        case "synEvents" -> syn[3] = Integer.parseInt(kv[1]);
        case "items" -> itemsPath = kv[1];
        case "synFeatures" -> synFeatures = Boolean.parseBoolean(kv[1]);
        case "coldEvery" -> coldEvery = Integer.parseInt(kv[1]);
        case "tailUsers" -> tail.users(Integer.parseInt(kv[1]));
        case "tailItems" -> tail.items(Integer.parseInt(kv[1]));
        case "tailTopics" -> tail.topics(Integer.parseInt(kv[1]));
        case "tailEvents" -> tail.events(Long.parseLong(kv[1]));
        case "tailStay" -> tail.stayProbability(Double.parseDouble(kv[1]));
        case "tailItemZipf" -> tail.itemZipf(Double.parseDouble(kv[1]));
        case "tailExplore" -> tail.exploreProbability(Double.parseDouble(kv[1]));
        case "tailInterests" -> tail.interests(Integer.parseInt(kv[1]));
        case "protocol" -> protocol = kv[1];
        case "refits" -> refits = Integer.parseInt(kv[1]);
        case "easeLambda" ->
            easeLambda = kv[1].equals("tune") ? Double.NaN : Double.parseDouble(kv[1]);
        case "peers" -> peers = Boolean.parseBoolean(kv[1]);
        case "oracle" -> oracle = Boolean.parseBoolean(kv[1]);
        default -> configure(b, kv[0], kv[1]);
      }
    }
    ModelConfig config = b.build();
    List<Interaction> stream = new ArrayList<>();
    Map<String, List<String>> features = new LinkedHashMap<>();
    if (sparse) {
      tail.build().forEach(stream::add);
    } else if (synthetic) {
      PlantedClusterClicks planted = planted(syn);
      planted.forEach(stream::add);
      for (int i = 0; synFeatures && i < planted.items(); i++) {
        features.put(
            PlantedClusterClicks.itemId(i), List.of("c:cluster-" + planted.clusterOfItem(i)));
      }
    } else {
      try {
        stream =
            ClickFileReader.readInteractions(
                Path.of(args[0]), csv ? ClickFileFormat.CSV : ClickFileFormat.MOVIELENS);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot read " + args[0], e);
      }
    }
    if (itemsPath != null) {
      io.towerstream.model.features.FeatureTokens tokens = config.featureTokens();
      try {
        for (ItemCatalogueReader.CatalogueItem item :
            ItemCatalogueReader.readMovieLens(Path.of(itemsPath))) {
          features.put(item.itemId(), tokens.of(item.categories(), List.of(), item.numeric()));
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot read " + itemsPath, e);
      }
    }
    if (coldEvery > 0) {
      // The catalogue's new arrivals: these items' clicks before the split point are dropped, so
      // that they are first seen in the test part (the planted generator has none of its own).
      int cut = (int) Math.floor(stream.size() * split);
      List<Interaction> kept = new ArrayList<>(stream.size());
      for (int i = 0; i < stream.size(); i++) {
        Interaction x = stream.get(i);
        if (i >= cut || PlantedClusterClicks.indexOf(x.itemId()) % coldEvery != 0) {
          kept.add(x);
        }
      }
      int testEvents = stream.size() - cut;
      int trainEvents = kept.size() - testEvents;
      stream = kept;
      split = (trainEvents + 0.5) / kept.size(); // the same test part, the shorter training part
    }
    if (!protocol.equals("frozen")) {
      nextClick(
          stream,
          features,
          config,
          split,
          popWindow,
          peers
              ? new NextClickPeers.Options(
                  config.batchSize(), popWindow, refits, easeLambda, Baselines.EASE_MAX_ITEMS * 3)
              : null,
          oracle
              ? oracle(sparse ? tail.build() : null, synthetic ? planted(syn) : null)
              : Map.of());
      if (protocol.equals("next-click")) {
        return;
      }
    }
    TemporalSplit s = new TemporalSplit(stream, split).limitTestUsers(maxTestUsers);
    System.out.printf(
        "events %d, train %d, test %d, catalogue %d, test users %d%n",
        stream.size(), s.train.size(), s.test.size(), s.items.size(), s.relevant.size());
    System.out.println("config " + config);
    Map<String, Map<String, Double>> rows = new LinkedHashMap<>();
    if (baselines) {
      Baselines.Result base = Baselines.evaluate(s, KS);
      rows.put("popularity", base.popularity());
      rows.put("recentPopularity", base.recentPopularity());
      if (base.ease() != null) {
        rows.put("ease(λ=" + (int) base.easeLambda() + ")", base.ease());
      } else {
        System.out.println("EASE skipped: " + base.easeSkipped());
      }
    }
    OnlineModel model = TwoTowerModels.create(config);
    features.forEach(model::setItemFeatures);
    for (int e = 0; e < epochs; e++) {
      ModelScorer.trainSinglePass(model, s.train, config.batchSize());
    }
    printPriorTuning("single pass", model);
    CollapseMonitor monitor =
        new CollapseMonitor(256); // as the job measures: its last trained pairs
    monitor.observe(s.train.subList(Math.max(0, s.train.size() - 256), s.train.size()));
    CollapseMetrics collapse = monitor.measure(model);
    System.out.printf(
        "collapse: alignment %.4f uniformity %.4f effectiveRank %.2f meanCosine %.4f (%d items)%n",
        collapse.alignment(),
        collapse.uniformity(),
        collapse.effectiveRank(),
        collapse.meanCosine(),
        collapse.items());
    rows.put("towerstream", RankingMetrics.evaluate(s, new ModelScorer(s, model, true), KS));
    rows.put(
        "towerstream(no prior)", RankingMetrics.evaluate(s, new ModelScorer(s, model, false), KS));
    if (!features.isEmpty()) {
      TemporalSplit cold = s.coldStart(features.keySet());
      System.out.printf(
          "cold start: %d items first seen in the test part have features; %d test users click"
              + " them; ranked among %d items (chance Recall@20 about %.4f)%n",
          cold.items.size() - s.items.size(),
          cold.relevant.size(),
          cold.items.size(),
          20.0 / cold.items.size());
      rows.put(
          "cold start: towerstream",
          RankingMetrics.evaluate(cold, new ModelScorer(cold, model, true), KS));
      rows.put(
          "cold start: towers alone",
          RankingMetrics.evaluate(cold, new ModelScorer(cold, model, false), KS));
      TemporalSplit coldOnly = s.coldStart(features.keySet(), true);
      rows.put(
          "cold start among cold: towers",
          RankingMetrics.evaluate(coldOnly, new ModelScorer(coldOnly, model, false), KS));
      rows.put(
          "cold start among cold: feature overlap",
          RankingMetrics.evaluate(coldOnly, new FeatureOverlapScorer(s, coldOnly, features), KS));
      rows.put(
          "cold start among cold: random",
          RankingMetrics.evaluate(coldOnly, new RandomScorer(coldOnly.items.size(), 7), KS));
    }
    System.out.printf("%-36s", "holdout");
    rows.values().iterator().next().keySet().forEach(k -> System.out.printf("%10s", k));
    System.out.println();
    rows.forEach(
        (name, m) -> {
          System.out.printf("%-36s", name);
          m.values().forEach(v -> System.out.printf("%10.4f", v));
          System.out.println();
        });
    if (prequential) {
      PrequentialEvaluator pe = new PrequentialEvaluator(10_000, popWindow, prequentialSample);
      OnlineModel fresh = TwoTowerModels.create(config);
      features.forEach(fresh::setItemFeatures);
      for (int i = 0; i < stream.size(); i += config.batchSize()) {
        pe.scoreThenTrain(
            fresh, stream.subList(i, Math.min(stream.size(), i + config.batchSize())));
      }
      System.out.printf(
          "%-36s%10s%10s%10s%10s  (whole stream; popWindow %d)%n",
          "prequential", "hr@10", "recall@20", "ndcg@20", "mrr", popWindow);
      pe.metrics()
          .forEach(
              (name, m) -> {
                System.out.printf("%-36s", name);
                m.whole().values().forEach(v -> System.out.printf("%10.4f", v));
                System.out.print("   last 10k:");
                m.windowed().values().forEach(v -> System.out.printf("%8.4f", v));
                System.out.println();
              });
      printPriorTuning("prequential", fresh);
    }
  }

  private static PlantedClusterClicks planted(int[] syn) {
    return PlantedClusterClicks.builder()
        .users(syn[0])
        .items(syn[1])
        .clusters(syn[2])
        .events(syn[3])
        .seed(7)
        .build();
  }

  /**
   * The generator's own next-click probabilities as a peer: the ceiling of any ranking on a
   * synthetic stream. Null generators give none.
   */
  private static Map<String, NextClickPeers.ExtraPeer> oracle(
      LongTailClicks tail, PlantedClusterClicks planted) {
    if (planted != null) {
      return Map.of(
          "oracle",
          (user, items, history) -> {
            int u = PlantedClusterClicks.indexOf(user);
            float[] s = new float[items.size()];
            for (int j = 0; j < s.length; j++) {
              s[j] =
                  (float)
                      planted.nextClickProbability(u, PlantedClusterClicks.indexOf(items.get(j)));
            }
            return s;
          });
    }
    if (tail != null) {
      return Map.of(
          "oracle",
          (user, items, history) -> {
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            int last = -1;
            if (history != null) {
              for (int j : history) {
                last = PlantedClusterClicks.indexOf(items.get(j));
                seen.add(last);
              }
            }
            double[] p =
                tail.nextClickProbabilities(
                    PlantedClusterClicks.indexOf(user), last, seen::contains);
            float[] s = new float[items.size()];
            for (int j = 0; j < s.length; j++) {
              s[j] = (float) p[PlantedClusterClicks.indexOf(items.get(j))];
            }
            return s;
          });
    }
    return Map.of();
  }

  /**
   * The next-click protocol: the model scored then trained over the whole stream, and its peers
   * (null: skipped), both judged on the events after {@code split}.
   */
  private static void nextClick(
      List<Interaction> stream,
      Map<String, List<String>> features,
      ModelConfig config,
      double split,
      int popWindow,
      NextClickPeers.Options peers,
      Map<String, NextClickPeers.ExtraPeer> extra) {
    int windowStart = (int) Math.floor(stream.size() * split);
    Map<String, Integer> perItem = new java.util.HashMap<>();
    Map<String, Integer> perUser = new java.util.HashMap<>();
    for (Interaction e : stream) {
      perItem.merge(e.itemId(), 1, Integer::sum);
      perUser.merge(e.userId(), 1, Integer::sum);
    }
    int[] itemCounts = perItem.values().stream().mapToInt(Integer::intValue).sorted().toArray();
    System.out.printf(
        "%d users, %d items; clicks per item mean %.2f, median %d, max %d; per user mean %.2f%n",
        perUser.size(),
        perItem.size(),
        stream.size() / (double) perItem.size(),
        itemCounts[itemCounts.length / 2],
        itemCounts[itemCounts.length - 1],
        stream.size() / (double) perUser.size());
    System.out.printf(
        "next-click: %d events, the last %d judged%n", stream.size(), stream.size() - windowStart);
    long t = System.nanoTime();
    OnlineModel model = TwoTowerModels.create(config);
    features.forEach(model::setItemFeatures);
    Map<String, Map<String, Double>> rows =
        NextClickRun.run(model, stream, windowStart, config.batchSize(), popWindow, u -> {});
    System.out.printf("model run %.1f s%n", (System.nanoTime() - t) / 1e9);
    printPriorTuning("next-click", model);
    if (peers != null) {
      t = System.nanoTime();
      NextClickPeers.Result r = NextClickPeers.run(stream, windowStart, peers, extra, u -> {});
      System.out.printf(
          "peers %.1f s (EASE %.1f s, lambda %s%s)%n",
          (System.nanoTime() - t) / 1e9,
          r.easeSeconds(),
          r.easeLambda(),
          r.easeSkipped() == null ? "" : ", skipped: " + r.easeSkipped());
      if (!r.lambdaHitRates().isEmpty()) {
        System.out.println("  lambda tuning HR@10: " + r.lambdaHitRates());
      }
      r.metrics().forEach((name, m) -> rows.put("peer " + name, m.whole()));
    }
    System.out.printf(
        "%-36s%10s%10s%10s%10s%n", "next-click", "hr@10", "recall@20", "ndcg@20", "mrr");
    rows.forEach(
        (name, m) -> {
          System.out.printf("%-36s", name);
          m.values().forEach(v -> System.out.printf("%10.4f", v));
          System.out.println();
        });
  }

  /** The prior weight served at the end and, when tuned, each candidate weight's recent HR@10. */
  private static void printPriorTuning(String run, OnlineModel model) {
    System.out.printf("prior weight after the %s run: %s%n", run, model.stats().priorWeight());
    if (model instanceof TwoTowerModel t && t.priorTuningHitRates() != null) {
      double[] hr = t.priorTuningHitRates();
      StringBuilder line = new StringBuilder("  tuner's recent HR@10 by weight:");
      for (int k = 0; k < hr.length; k++) {
        line.append(String.format(" %s=%.4f", PriorWeightTuner.GRID[k], hr[k]));
      }
      System.out.println(line);
    }
    if (model instanceof TwoTowerModel t) {
      float[] a = t.historyWeights(HISTORY_WEIGHTS_SHOWN);
      StringBuilder line =
          new StringBuilder(
              "  history weights of " + HISTORY_WEIGHTS_SHOWN + " items, newest first:");
      for (int j = a.length - 1; j >= 0; j--) {
        line.append(String.format(" %.3f", a[j]));
      }
      System.out.println(line);
    }
  }

  /** The length of the history whose pooling weights the harness prints. */
  private static final int HISTORY_WEIGHTS_SHOWN = 10;

  /**
   * Applies one {@code key=value} override to a config builder (the ModelConfig names, camelCase).
   */
  public static void configure(ModelConfig.Builder b, String key, String v) {
    switch (key) {
      case "dim" -> b.dim(Integer.parseInt(v));
      case "batchSize" -> b.batchSize(Integer.parseInt(v));
      case "temperature" -> b.temperature(Float.parseFloat(v));
      case "learningRate" -> b.learningRate(Float.parseFloat(v));
      case "towerProjection" -> b.towerProjection(Boolean.parseBoolean(v));
      case "towerMlpHidden" -> b.towerMlpHidden(Integer.parseInt(v));
      case "logQCorrection" -> b.logQCorrection(Boolean.parseBoolean(v));
      case "reservoirCapacity" -> b.reservoirCapacity(Integer.parseInt(v));
      case "reservoirNegatives" -> b.reservoirNegatives(Integer.parseInt(v));
      case "reservoirAlpha" -> b.reservoirAlpha(Double.parseDouble(v));
      case "initScale" -> b.initScale(Float.parseFloat(v));
      case "seed" -> b.seed(Long.parseLong(v));
      case "historyLength" -> b.historyLength(Integer.parseInt(v));
      case "priorWeight" -> b.priorWeight(Float.parseFloat(v));
      case "priorTuningInterval" -> b.priorTuningInterval(Integer.parseInt(v));
      case "priorHalfLifeEvents" -> b.priorHalfLifeEvents(Double.parseDouble(v));
      case "gradientClipNorm" -> b.gradientClipNorm(Double.parseDouble(v));
      case "itemBias" -> b.itemBias(Boolean.parseBoolean(v));
      case "towerLearningRate" -> b.towerLearningRate(Float.parseFloat(v));
      case "loss" -> b.loss(ModelConfig.Loss.parse(v));
      case "hardNegativeBeta" -> b.hardNegativeBeta(Double.parseDouble(v));
      case "positivePrior" -> b.positivePrior(Double.parseDouble(v));
      case "tripletMargin" -> b.tripletMargin(Double.parseDouble(v));
      case "learnedTemperature" -> b.learnedTemperature(Boolean.parseBoolean(v));
      case "queueSize" -> b.queueSize(Integer.parseInt(v));
      case "queueMomentum" -> b.queueMomentum(Double.parseDouble(v));
      case "admissionMinCount" -> b.admissionMinCount(Integer.parseInt(v));
      case "rowTtlEvents" -> b.rowTtlEvents(Long.parseLong(v));
      case "tableOptimizer" -> b.tableOptimizer(ModelConfig.TableOptimizer.parse(v));
      case "augmentViews" -> b.augmentViews(Integer.parseInt(v));
      case "augmentMask" -> b.augmentMaskProbability(Double.parseDouble(v));
      case "augmentCrop" -> b.augmentCropFraction(Double.parseDouble(v));
      case "dinoPrototypes" -> b.dinoPrototypes(Integer.parseInt(v));
      case "dinoTeacherTemperature" -> b.dinoTeacherTemperature(Double.parseDouble(v));
      case "dinoMomentum" -> b.dinoMomentum(Double.parseDouble(v));
      case "historyDecay" -> b.historyRecencyDecay(Double.parseDouble(v));
      case "recencyLearningRate" -> b.historyRecencyLearningRate(Double.parseDouble(v));
      case "featureTokens" -> b.itemFeatureTokens(Integer.parseInt(v));
      case "bucketWidths" -> b.itemFeatureBucketWidths(v);
      case "idDropout" -> b.itemFeatureIdDropout(Double.parseDouble(v));
      case "replayRatio" -> b.replayRatio(Double.parseDouble(v));
      case "idWeight" -> b.historyIdWeight(Double.parseDouble(v));
      case "replayCapacity" -> b.replayCapacity(Integer.parseInt(v));
      case "itemPairs" -> b.itemPairsWeight(Double.parseDouble(v));
      case "itemPairsTemperature" -> b.itemPairsTemperature(Double.parseDouble(v));
      case "itemPairsWindow" -> b.itemPairsWindow(Integer.parseInt(v));
      default -> throw new IllegalArgumentException("unknown option " + key);
    }
  }
}
