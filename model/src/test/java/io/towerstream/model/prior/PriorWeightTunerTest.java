package io.towerstream.model.prior;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PriorWeightTunerTest {
  private static final int ITEMS = 200;

  /**
   * Events where the towers' score ranks the clicked item first when {@code towersRight}, and
   * otherwise says nothing; the clicked item is popular (high log-mass) when {@code popularRight},
   * and otherwise unpopular.
   */
  private static void feed(
      PriorWeightTuner t, int events, boolean towersRight, boolean popularRight, long seed) {
    Random r = new Random(seed);
    for (int e = 0; e < events; e++) {
      float[] scores = new float[ITEMS];
      double[] logMass = new double[ITEMS];
      for (int j = 0; j < ITEMS; j++) {
        scores[j] = (float) (r.nextGaussian() * 0.1);
        logMass[j] = 1 + 4 * r.nextDouble();
      }
      int target = r.nextInt(ITEMS);
      if (towersRight) {
        scores[target] = 0.5f;
      }
      logMass[target] = popularRight ? 6 : 0.5;
      t.observe(scores, logMass, target, null);
    }
  }

  @Test
  void choosesNoPriorWhenTheTowersAloneFindTheClickAndPopularityMisleads() {
    PriorWeightTuner t = new PriorWeightTuner(1f, 5000);
    feed(t, 1000, true, false, 1);
    assertTrue(t.reselect());
    assertTrue(t.weight() <= 1f / 16, "weight " + t.weight());
    assertEquals(1, t.switches());
  }

  @Test
  void choosesALargeWeightWhenOnlyPopularityFindsTheClick() {
    PriorWeightTuner t = new PriorWeightTuner(0f, 5000);
    feed(t, 1000, false, true, 2);
    assertTrue(t.reselect());
    // the clicked item's log-mass leads the others' by at least 1, the towers' noise spans about
    // 0.6
    assertTrue(t.weight() >= 0.5f, "weight " + t.weight());
    assertTrue(t.hitRates()[0] < 0.2, "without the prior the click is found by chance only");
    assertEquals(1.0, t.hitRates()[PriorWeightTuner.GRID.length - 1], 1e-9);
  }

  @Test
  void keepsTheInitialWeightUntilEnoughEventsWereScored() {
    PriorWeightTuner t = new PriorWeightTuner(1f, 5000);
    feed(t, (int) PriorWeightTuner.MIN_EVENTS - 1, true, false, 3);
    assertFalse(t.reselect());
    assertEquals(1f, t.weight());
  }

  @Test
  void doesNotSwitchForATieOrALeadBelowTheMargin() {
    PriorWeightTuner t = new PriorWeightTuner(1f, 5000);
    // towers and popularity both right: every weight hits, none leads
    feed(t, 1000, true, true, 4);
    assertFalse(t.reselect());
    assertEquals(1f, t.weight());
  }

  /**
   * One event's hits per weight: weight 0 hits when {@code zero}, every other when {@code rest}.
   */
  private static boolean[] hits(boolean zero, boolean rest) {
    boolean[] h = new boolean[PriorWeightTuner.GRID.length];
    java.util.Arrays.fill(h, rest);
    h[0] = zero;
    return h;
  }

  @Test
  void aLeadNoBiggerThanNoiseDoesNotSwitchOnTheSameEvents() {
    // weight 0 and the rest disagree on a fifth of the events, each winning half of those at
    // random: no weight gets the clear lead that brings a prior in
    PriorWeightTuner t = new PriorWeightTuner(0f, 1_000);
    Random r = new Random(11);
    for (int e = 0; e < 5_000; e++) {
      boolean disagree = r.nextInt(5) == 0;
      boolean zeroWins = r.nextBoolean();
      t.record(disagree ? hits(zeroWins, !zeroWins) : hits(true, true));
      t.reselect();
    }
    assertEquals(0f, t.weight(), "switches " + t.switches());
  }

  @Test
  void aPriorGoesOnASmallerLeadThanItNeedsToComeIn() {
    // of 100 events where weight 0 and the rest disagree, 0 wins 56: a lead of 1.2 standard
    // deviations, short of what any prior needs to come in, enough to send one out
    PriorWeightTuner in = new PriorWeightTuner(0f, 1e9);
    PriorWeightTuner out = new PriorWeightTuner(1f, 1e9);
    for (int e = 0; e < 1_000; e++) {
      boolean[] hit = e % 10 != 0 ? hits(false, false) : hits(e / 10 < 56, e / 10 >= 56);
      in.record(hit);
      out.record(hit);
    }
    assertEquals(1.2, out.lead(0, 7), 1e-5); // GRID[7] = 1
    assertFalse(in.reselect());
    assertEquals(0f, in.weight());
    assertTrue(out.reselect());
    assertEquals(0f, out.weight());
  }

  @Test
  void aSmallLeadOnTheSameEventsIsEnoughWhenItIsConsistent() {
    // weight 0 finds the click on 3% more events and never on fewer: a small hit-rate gap, but
    // every disagreement goes its way
    PriorWeightTuner t = new PriorWeightTuner(1f, 1_000);
    Random r = new Random(12);
    for (int e = 0; e < 1_000; e++) {
      boolean hitsBoth = r.nextInt(10) == 0;
      t.record(r.nextInt(100) < 3 ? hits(true, false) : hits(hitsBoth, hitsBoth));
    }
    assertTrue(t.reselect());
    assertEquals(0f, t.weight());
  }

  @Test
  void followsTheStreamWhenItChanges() {
    PriorWeightTuner t = new PriorWeightTuner(0f, 500);
    feed(t, 1000, false, true, 5);
    assertTrue(t.reselect());
    float popularityWeight = t.weight();
    feed(t, 5000, true, false, 6); // the half-life of 500 events lets the old events fade
    assertTrue(t.reselect());
    assertTrue(t.weight() < popularityWeight, t.weight() + " after " + popularityWeight);
  }

  @Test
  void rankCountsHigherScoresUnderTheWeightAndSkipsExcludedItems() {
    float[] scores = {0.9f, 0.1f, 0.5f, 0.3f};
    double[] logMass = {0, 2, 1, Double.NEGATIVE_INFINITY};
    // w = 0: order 0, 2, 3, 1
    assertEquals(3, PriorWeightTuner.rankOf(scores, logMass, 0f, 1, null));
    // w = 1: 0.9, 2.1, 1.5, 0.3 (no clicks counts as 0) → item 1 first
    assertEquals(0, PriorWeightTuner.rankOf(scores, logMass, 1f, 1, null));
    assertEquals(2, PriorWeightTuner.rankOf(scores, logMass, 1f, 0, null));
    assertEquals(1, PriorWeightTuner.rankOf(scores, logMass, 1f, 0, new int[] {1}));
    assertEquals(
        2,
        PriorWeightTuner.rankOf(scores, logMass, 1f, 0, new int[] {0, 3}),
        "the target is never excluded");
  }

  @Test
  void rankMatchesABruteForceCount() {
    Random r = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + r.nextInt(30);
      float[] s = new float[n];
      double[] l = new double[n];
      for (int j = 0; j < n; j++) {
        s[j] = r.nextInt(5) / 4f; // ties on purpose
        l[j] = r.nextInt(4) == 0 ? Double.NEGATIVE_INFINITY : r.nextInt(3);
      }
      int target = r.nextInt(n);
      int[] excluded = r.ints(r.nextInt(4), 0, n).distinct().toArray();
      float w = PriorWeightTuner.GRID[r.nextInt(PriorWeightTuner.GRID.length)];
      int expected = 0;
      for (int j = 0; j < n; j++) {
        final int jj = j;
        boolean skip = j == target || java.util.Arrays.stream(excluded).anyMatch(x -> x == jj);
        double sj = s[j] + (l[j] == Double.NEGATIVE_INFINITY ? 0 : (float) (w * l[j]));
        double st =
            s[target] + (l[target] == Double.NEGATIVE_INFINITY ? 0 : (float) (w * l[target]));
        if (!skip && (sj > st || (sj == st && j < target))) {
          expected++;
        }
      }
      assertEquals(expected, PriorWeightTuner.rankOf(s, l, w, target, excluded));
    }
  }

  @Test
  void hitsAreTheRanksBelowTheCutoffUnderEveryWeight() {
    // the one-pass, early-stopping count against each weight's full rank
    Random r = new Random(8);
    for (int trial = 0; trial < 300; trial++) {
      int n = 1 + r.nextInt(60);
      float[] s = new float[n];
      double[] l = new double[n];
      for (int j = 0; j < n; j++) {
        s[j] = r.nextInt(6) / 5f;
        l[j] = r.nextInt(4) == 0 ? Double.NEGATIVE_INFINITY : r.nextInt(4);
      }
      if (r.nextBoolean()) {
        s[r.nextInt(n)] = Float.NEGATIVE_INFINITY; // a free slot
      }
      int target = r.nextInt(n);
      int[] excluded = r.ints(r.nextInt(6), 0, n).distinct().toArray();
      boolean[] hits = PriorWeightTuner.hits(s, l, target, excluded);
      for (int k = 0; k < PriorWeightTuner.GRID.length; k++) {
        int rank = PriorWeightTuner.rankOf(s, l, PriorWeightTuner.GRID[k], target, excluded);
        assertEquals(rank < PriorWeightTuner.CUTOFF, hits[k], "weight " + k + ", rank " + rank);
      }
    }
  }

  @Test
  void snapshotRoundTripKeepsTheWeightAndTheTallies() {
    PriorWeightTuner t = new PriorWeightTuner(1f, 5000);
    feed(t, 700, true, false, 8);
    t.reselect();
    SnapshotWriter out = new SnapshotWriter();
    t.writeTo(out);
    byte[] bytes = out.toByteArrayWithChecksum();
    PriorWeightTuner back =
        PriorWeightTuner.readFrom(SnapshotReader.over(bytes, 0, bytes.length - 8), 5000);
    assertEquals(t.weight(), back.weight());
    assertEquals(t.switches(), back.switches());
    assertEquals(t.events(), back.events());
    assertArrayEquals(t.hitRates(), back.hitRates());
  }

  @Test
  void rejectsAHalfLifeBelowOneEvent() {
    assertThrows(IllegalArgumentException.class, () -> new PriorWeightTuner(1f, 0.5));
  }
}
