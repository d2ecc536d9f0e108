package io.towerstream.benchmarks.quality;

import io.towerstream.config.OptionValues;
import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.ModelConfigBuilder;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.data.ClickFileFormat;
import io.towerstream.model.data.ClickFileReader;
import io.towerstream.model.data.ItemCatalogueReader;
import io.towerstream.model.eval.Baselines;
import io.towerstream.model.eval.FeatureOverlapScorer;
import io.towerstream.model.eval.ModelScorer;
import io.towerstream.model.eval.NextClickPeers;
import io.towerstream.model.eval.NextClickRun;
import io.towerstream.model.eval.PrequentialEvaluator;
import io.towerstream.model.eval.RandomScorer;
import io.towerstream.model.eval.RankingMetrics;
import io.towerstream.model.eval.TemporalSplit;
import io.towerstream.model.monitor.CollapseMetrics;
import io.towerstream.model.monitor.CollapseMonitor;
import io.towerstream.model.prior.PriorWeightTuner;
import io.towerstream.model.synthetic.LongTailClicks;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import io.towerstream.model.twotower.TwoTowerModel;
import io.towerstream.model.twotower.TwoTowerModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
    if (args.length == 0 || args[0].equals("--help")) {
      System.out.println(HarnessOptions.usage());
      return;
    }
    // "synthetic" instead of a path: the planted-cluster generator (synUsers, synItems,
    // synClusters, synEvents)
    boolean synthetic = args[0].equals("synthetic");
    // "sparse" instead of a path: the long-tail generator (tailUsers, tailItems, tailTopics,
    // tailEvents, tailStay; its own defaults otherwise)
    boolean sparse = args[0].equals("sparse");
    OptionValues o =
        HarnessOptions.parse(HarnessOptions.OPTIONS, Arrays.asList(args).subList(1, args.length));
    LongTailClicks.Builder tail = LongTailClicks.builder();
    o.ifSet(HarnessOptions.TAIL_USERS, tail::users);
    o.ifSet(HarnessOptions.TAIL_ITEMS, tail::items);
    o.ifSet(HarnessOptions.TAIL_TOPICS, tail::topics);
    o.ifSet(HarnessOptions.TAIL_EVENTS, tail::events);
    o.ifSet(HarnessOptions.TAIL_STAY, tail::stayProbability);
    o.ifSet(HarnessOptions.TAIL_ITEM_ZIPF, tail::itemZipf);
    o.ifSet(HarnessOptions.TAIL_EXPLORE, tail::exploreProbability);
    o.ifSet(HarnessOptions.TAIL_INTERESTS, tail::interests);
    int[] syn = {
      o.get(HarnessOptions.SYN_USERS),
      o.get(HarnessOptions.SYN_ITEMS),
      o.get(HarnessOptions.SYN_CLUSTERS),
      o.get(HarnessOptions.SYN_EVENTS)
    };
    int maxTestUsers = o.get(HarnessOptions.MAX_TEST_USERS);
    double prequentialSample = o.get(HarnessOptions.PREQUENTIAL_SAMPLE);
    boolean csv = o.get(HarnessOptions.CSV);
    ModelConfigBuilder b = HarnessOptions.model(o);
    double split = o.get(HarnessOptions.SPLIT);
    int popWindow = o.get(HarnessOptions.POP_WINDOW);
    int epochs = o.get(HarnessOptions.EPOCHS);
    boolean prequential = o.get(HarnessOptions.PREQUENTIAL);
    boolean baselines = o.get(HarnessOptions.BASELINES);
    String itemsPath = o.get(HarnessOptions.ITEMS);
    boolean synFeatures = o.get(HarnessOptions.SYN_FEATURES);
    int coldEvery = o.get(HarnessOptions.COLD_EVERY);
    String protocol =
        o.get(HarnessOptions.PROTOCOL).name().toLowerCase(Locale.ROOT).replace('_', '-');
    int refits = o.get(HarnessOptions.REFITS);
    double easeLambda = o.get(HarnessOptions.EASE_LAMBDA);
    boolean peers = o.get(HarnessOptions.PEERS);
    boolean oracle = o.get(HarnessOptions.ORACLE);
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
   * Applies one {@code key=value} model override to a config builder: the harness's short key
   * ({@code dim}) or the job's option name ({@code model.dim}), read by {@link
   * io.towerstream.model.ModelOptions}' declaration.
   *
   * @throws IllegalArgumentException naming the key, for an unknown key or a malformed value
   */
  public static void configure(ModelConfigBuilder b, String key, String v) {
    OptionValues given = HarnessOptions.parse(HarnessOptions.MODEL_OPTIONS, List.of(key + "=" + v));
    HarnessOptions.MODEL.forEach(binding -> binding.apply(given, b));
  }
}
