package io.towerstream.model.eval;

import io.towerstream.model.Interaction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The temporal hold-out protocol: the first {@code fraction} of the time-ordered stream trains, the
 * rest tests. The catalogue is every item seen in training (in first-seen order, which is also the
 * tie-break of every ranking). Test users have events in both parts; a test user's relevant items
 * are their test items not among their training items.
 */
public final class TemporalSplit {
  public final List<Interaction> train;
  public final List<Interaction> test;

  /** Catalogue: item id per index, first-seen order in training. */
  public final List<String> items;

  public final Map<String, Integer> itemIndex;

  /** Training items (catalogue indices) per user, in first-seen order. */
  public final Map<String, Set<Integer>> trainItems;

  /** Relevant test items per test user; users with no relevant item are not test users. */
  public final Map<String, Set<String>> relevant;

  public TemporalSplit(List<Interaction> stream, double fraction) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("split must be in (0, 1), was " + fraction);
    }
    int cut = (int) Math.floor(stream.size() * fraction);
    this.train = Collections.unmodifiableList(new ArrayList<>(stream.subList(0, cut)));
    this.test = Collections.unmodifiableList(new ArrayList<>(stream.subList(cut, stream.size())));
    Map<String, Integer> index = new HashMap<>();
    List<String> catalogue = new ArrayList<>();
    Map<String, Set<Integer>> seen = new HashMap<>();
    for (Interaction e : train) {
      Integer ix = index.get(e.itemId());
      if (ix == null) {
        ix = catalogue.size();
        index.put(e.itemId(), ix);
        catalogue.add(e.itemId());
      }
      seen.computeIfAbsent(e.userId(), u -> new LinkedHashSet<>()).add(ix);
    }
    Map<String, Set<String>> rel = new LinkedHashMap<>();
    for (Interaction e : test) {
      Set<Integer> past = seen.get(e.userId());
      if (past == null) {
        continue;
      }
      Integer ix = index.get(e.itemId());
      if (ix != null && past.contains(ix)) {
        continue;
      }
      // Items never seen in training cannot be ranked by anyone but still count as relevant
      // (misses).
      rel.computeIfAbsent(e.userId(), u -> new LinkedHashSet<>()).add(e.itemId());
    }
    this.items = Collections.unmodifiableList(catalogue);
    this.itemIndex = Collections.unmodifiableMap(index);
    this.trainItems = Collections.unmodifiableMap(seen);
    this.relevant = Collections.unmodifiableMap(rel);
  }

  private TemporalSplit(TemporalSplit all, Map<String, Set<String>> relevant) {
    this(all, all.items, all.trainItems, relevant);
  }

  private TemporalSplit(
      TemporalSplit all,
      List<String> items,
      Map<String, Set<Integer>> trainItems,
      Map<String, Set<String>> relevant) {
    this.train = all.train;
    this.test = all.test;
    this.items = Collections.unmodifiableList(items);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      index.put(items.get(i), i);
    }
    this.itemIndex = Collections.unmodifiableMap(index);
    this.trainItems = Collections.unmodifiableMap(trainItems);
    this.relevant = Collections.unmodifiableMap(relevant);
  }

  /**
   * The cold-start protocol: the catalogue grows by the {@code known} items that training never saw
   * (a catalogue that knows an item's features before its first click), and each test user's
   * relevant items are only those cold ones; users without one are dropped. Rankings then cover
   * warm and cold items alike, so a cold item must beat the warm ones on its features alone.
   */
  public TemporalSplit coldStart(Set<String> known) {
    return coldStart(known, false);
  }

  /**
   * As {@link #coldStart(Set)}; with {@code coldOnly} the catalogue is the cold items alone (the
   * protocol of DropoutNet and most cold-start papers: how well the new items are ordered among
   * themselves).
   */
  public TemporalSplit coldStart(Set<String> known, boolean coldOnly) {
    List<String> grown = coldOnly ? new ArrayList<>() : new ArrayList<>(items);
    Set<String> cold = new java.util.LinkedHashSet<>();
    for (String id : known) {
      if (!itemIndex.containsKey(id)) {
        grown.add(id);
        cold.add(id);
      }
    }
    Map<String, Set<String>> coldRelevant = new LinkedHashMap<>();
    for (Map.Entry<String, Set<String>> e : relevant.entrySet()) {
      Set<String> r = new LinkedHashSet<>(e.getValue());
      r.retainAll(cold);
      if (!r.isEmpty()) {
        coldRelevant.put(e.getKey(), r);
      }
    }
    // cold items were in nobody's training part: with the catalogue of cold items alone, no index
    // is a training item
    return new TemporalSplit(
        this, grown, coldOnly ? Collections.emptyMap() : trainItems, coldRelevant);
  }

  /**
   * The same split with only the first {@code max} test users (in order of their first test event):
   * ranking every item for every test user is quadratic, and a large synthetic catalogue does not
   * need all of them.
   */
  public TemporalSplit limitTestUsers(int max) {
    if (relevant.size() <= max) {
      return this;
    }
    Map<String, Set<String>> kept = new LinkedHashMap<>();
    for (Map.Entry<String, Set<String>> e : relevant.entrySet()) {
      if (kept.size() == max) {
        break;
      }
      kept.put(e.getKey(), e.getValue());
    }
    return new TemporalSplit(this, kept);
  }
}
