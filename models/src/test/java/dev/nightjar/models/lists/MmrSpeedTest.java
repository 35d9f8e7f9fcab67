package dev.nightjar.models.lists;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.models.lists.ListAssembler.Candidate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link ListAssembler#mmr} with its four-candidates-at-a-time similarity update against the previous
 * one-dot-at-a-time loop (kept here as the reference): the same lists, and how much faster.
 */
class MmrSpeedTest {

  /** The MMR loop as it was before {@link ListAssembler#updateMaxSim}: one serial dot product per candidate. */
  static List<Candidate> referenceMmr(List<Candidate> ordered, int k, double lambda, int categoryCap) {
    List<Candidate> selected = new ArrayList<>();
    Map<String, Integer> perCategory = new HashMap<>();
    double top = ordered.isEmpty() ? 1 : Math.max(Math.abs(ordered.get(0).score()), 1e-12);
    double[] maxSim = new double[ordered.size()];
    boolean[] used = new boolean[ordered.size()];
    while (selected.size() < k) {
      int best = -1;
      double bestValue = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < ordered.size(); i++) {
        Candidate c = ordered.get(i);
        if (used[i] || (c.category() != null && perCategory.getOrDefault(c.category(), 0) >= categoryCap)) {
          continue;
        }
        double value = lambda * (c.score() / top) - (1 - lambda) * maxSim[i];
        if (value > bestValue) {
          bestValue = value;
          best = i;
        }
      }
      if (best < 0) {
        break;
      }
      Candidate chosen = ordered.get(best);
      used[best] = true;
      selected.add(chosen);
      if (chosen.category() != null) {
        perCategory.merge(chosen.category(), 1, Integer::sum);
      }
      if (lambda < 1 && chosen.vector() != null) {
        for (int i = 0; i < ordered.size(); i++) {
          if (!used[i] && ordered.get(i).vector() != null) {
            maxSim[i] = Math.max(maxSim[i], ListAssembler.dot(chosen.vector(), ordered.get(i).vector()));
          }
        }
      }
    }
    return selected;
  }

  /** A user's candidates: unit vectors clustered by category (so MMR has work to do), some without a vector, some shorter. */
  static List<Candidate> pool(SplittableRandom r, int n, int dim, boolean oddVectors) {
    int categories = 12;
    float[][] centres = new float[categories][dim];
    for (float[] c : centres) {
      for (int j = 0; j < dim; j++) {
        c[j] = (float) r.nextGaussian();
      }
    }
    List<Candidate> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int cat = r.nextInt(categories);
      float[] v = null;
      if (!oddVectors || r.nextInt(20) != 0) {
        int len = oddVectors && r.nextInt(25) == 0 ? dim / 2 : dim;
        v = new float[len];
        for (int j = 0; j < len; j++) {
          v[j] = centres[cat][j] + 0.7f * (float) r.nextGaussian();
        }
        ListAssemblerTest.normalise(v);
      }
      // scores with ties, so the tie-breaking order is exercised too
      double score = Math.round(r.nextDouble() * 50) / 50.0;
      out.add(new Candidate(String.format(Locale.ROOT, "I%05d", i), "t" + i, "C" + cat, v, score, "als"));
    }
    out.sort(Comparator.comparingDouble(Candidate::score).reversed().thenComparing(Candidate::itemId));
    return out;
  }

  @Test
  void fourAtATimeGivesTheSameListsAsOneAtATime() {
    SplittableRandom r = new SplittableRandom(7);
    for (int user = 0; user < 60; user++) {
      boolean odd = user % 2 == 0;
      List<Candidate> ordered = pool(r, 5 + r.nextInt(400), user % 3 == 0 ? 7 : 384, odd);
      for (double lambda : new double[] {0.9, 0.5, 0.0}) {
        List<Candidate> expected = referenceMmr(ordered, 50, lambda, 35);
        List<Candidate> actual = ListAssembler.mmr(ordered, 50, lambda, 35);
        assertEquals(expected.stream().map(Candidate::itemId).toList(), actual.stream().map(Candidate::itemId).toList(),
            "user " + user + ", lambda " + lambda);
      }
    }
  }

  /** Timing, side by side on the same pools: run with -Dnightjar.bench=true. */
  @Test
  void benchmark() {
    Assumptions.assumeTrue(Boolean.getBoolean("nightjar.bench"), "timing runs only with -Dnightjar.bench=true");
    SplittableRandom r = new SplittableRandom(11);
    List<List<Candidate>> pools = new ArrayList<>();
    for (int u = 0; u < 400; u++) {
      pools.add(pool(r, 300, 384, false));
    }
    long reference = 0;
    long fast = 0;
    for (int round = 0; round < 6; round++) { // interleaved; the first two rounds are warm-up
      long t0 = System.nanoTime();
      for (List<Candidate> p : pools) {
        referenceMmr(p, 50, 0.9, 35);
      }
      long t1 = System.nanoTime();
      for (List<Candidate> p : pools) {
        ListAssembler.mmr(p, 50, 0.9, 35);
      }
      long t2 = System.nanoTime();
      if (round >= 2) {
        reference += t1 - t0;
        fast += t2 - t1;
      }
    }
    int users = pools.size() * 4;
    System.out.printf(Locale.ROOT, "mmr: one-at-a-time %.2f ms/user, four-at-a-time %.2f ms/user, speedup %.2f"
        + " (300 candidates, 384-d, k 50, lambda 0.9)%n", reference / 1e6 / users, fast / 1e6 / users, (double) reference / fast);
  }
}
