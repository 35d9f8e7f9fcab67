package dev.nightjar.models.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TopKKernelTest {

  @Test
  void tinyBlockGivesExactListsWithTiesByIdAndExclusions() {
    // d = 2; items 9, 3, 7, 1, 5 tie at score 1 for user 0, item 2 scores 2, item 4 scores 0.5.
    int[] ids = {9, 3, 7, 1, 5, 2, 4};
    float[] items = {1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 2, 0, 0.5f, 0};
    float[] users = {1, 0, 0, 1};
    TopKHeaps heaps = new TopKHeaps(2, 3);

    TopKKernel.score(users, new int[][] {{3}, null}, ItemBlock.pack(items, ids, 2), heaps);

    TopKHeaps.Ranking first = heaps.ranking(0);
    assertArrayEquals(new int[] {2, 1, 5}, first.items());
    assertArrayEquals(new float[] {2, 1, 1}, first.scores());
    // user 1 scores 0 everywhere: the three lowest ids win
    assertArrayEquals(new int[] {1, 2, 3}, heaps.ranking(1).items());
  }

  @Test
  void listsAreShorterThanKWhenTooFewItemsRemain() {
    float[] items = {1, 2, 3, 4};
    TopKHeaps heaps = new TopKHeaps(3, 10);

    TopKKernel.score(
        new float[] {1, -1, 0}, new int[][] {{20}, {10, 20, 30, 40}, null},
        ItemBlock.pack(items, new int[] {10, 20, 30, 40}, 1), heaps);

    assertArrayEquals(new int[] {40, 30, 10}, heaps.ranking(0).items());
    assertEquals(0, heaps.ranking(1).items().length);
    assertArrayEquals(new int[] {10, 20, 30, 40}, heaps.ranking(2).items());
  }

  @Test
  void unsortedExclusionsAreRejected() {
    ItemBlock block = ItemBlock.pack(new float[] {1, 2}, new int[] {1, 2}, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TopKKernel.score(new float[] {1}, new int[][] {{2, 1}}, block, new TopKHeaps(1, 1)));
    assertTrue(e.getMessage().contains("not sorted"), e.getMessage());
  }

  @ParameterizedTest(name = "seed {0}, d {1}, k {2}, cosine {3}")
  @CsvSource({
    "1, 13, 10, false", "2, 13, 1, false", "3, 64, 25, false", "4, 64, 400, false",
    "5, 1, 7, false", "6, 13, 10, true", "7, 64, 25, true", "8, 64, 1, true"
  })
  void matchesDoublePrecisionReference(long seed, int d, int k, boolean cosine) {
    Data data = Data.random(seed, 23, 301, d);
    float[] users = data.users.clone();
    float[] items = data.items.clone();
    if (cosine) {
      TopKKernel.normalizeRows(users, d);
      TopKKernel.normalizeRows(items, d);
    }
    TopKHeaps heaps = new TopKHeaps(data.n, k);

    TopKKernel.score(users, data.excluded, ItemBlock.pack(items, data.ids, d), heaps);

    int shortLists = 0;
    for (int u = 0; u < data.n; u++) {
      TopKHeaps.Ranking ours = heaps.ranking(u);
      Reference.assertAgrees(data, u, k, cosine, ours);
      shortLists += ours.items().length < k ? 1 : 0;
    }
    assertTrue(shortLists > 0 || k == 1, "the data should include users with fewer than k candidates");
  }

  @Test
  void splittingItemsIntoBlocksGivesBitIdenticalLists() {
    Data data = Data.random(11, 9, 257, 13);
    int k = 30;
    TopKHeaps whole = new TopKHeaps(data.n, k);
    TopKKernel.score(data.users, data.excluded, ItemBlock.pack(data.items, data.ids, data.d), whole);

    TopKHeaps split = new TopKHeaps(data.n, k);
    int[] cuts = {0, 5, 40, 41, 200, 257};
    for (int c = 0; c + 1 < cuts.length; c++) {
      float[] vectors = Arrays.copyOfRange(data.items, cuts[c] * data.d, cuts[c + 1] * data.d);
      int[] ids = Arrays.copyOfRange(data.ids, cuts[c], cuts[c + 1]);
      TopKKernel.score(data.users, data.excluded, ItemBlock.pack(vectors, ids, data.d), split);
    }

    for (int u = 0; u < data.n; u++) {
      assertArrayEquals(whole.ranking(u).items(), split.ranking(u).items(), "user row " + u);
      assertArrayEquals(whole.ranking(u).scores(), split.ranking(u).scores(), "user row " + u);
    }
  }

  /**
   * Random factors in [-1, 1) with planted structure: distinct shuffled ids (not positions), about
   * one item in six an exact copy of another (exact score ties), about 10% of items excluded per
   * user, user 0 with all but three items excluded and user 1 with no exclusions.
   */
  record Data(int n, int m, int d, float[] users, float[] items, int[] ids, int[][] excluded) {
    static Data random(long seed, int n, int m, int d) {
      SplittableRandom random = new SplittableRandom(seed);
      float[] users = new float[n * d];
      for (int i = 0; i < users.length; i++) {
        users[i] = (float) random.nextDouble(-1, 1);
      }
      float[] items = new float[m * d];
      for (int i = 0; i < m; i++) {
        if (i > 0 && random.nextInt(6) == 0) {
          System.arraycopy(items, random.nextInt(i) * d, items, i * d, d);
        } else {
          for (int j = 0; j < d; j++) {
            items[i * d + j] = (float) random.nextDouble(-1, 1);
          }
        }
      }
      int[] ids = new int[m];
      for (int i = 0; i < m; i++) {
        ids[i] = 3 + 7 * i;
      }
      for (int i = m - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = ids[i];
        ids[i] = ids[j];
        ids[j] = t;
      }
      int[][] excluded = new int[n][];
      for (int u = 0; u < n; u++) {
        int keep = u == 0 ? m - 3 : u == 1 ? 0 : m / 10;
        excluded[u] = random.ints(0, m).distinct().limit(keep).map(i -> ids[i]).sorted().toArray();
      }
      return new Data(n, m, d, users, items, ids, excluded);
    }
  }

  /**
   * The plain-Java reference: every (user, item) score in double precision from the original float
   * factors, every non-excluded item fully sorted by score desc, id asc. The kernel's float result
   * is compared with it precisely:
   *
   * <ul>
   *   <li>its length is {@code min(k, candidates)}; its ids are distinct, not excluded;
   *   <li>each float score is within {@code tol} of the exact score of that item, where
   *       {@code tol = (d + 4) · 2⁻²³ · Σ|u_j·i_j|} (per unit-length pair for cosine) bounds the
   *       float rounding of a length-d fused multiply-add chain (and of normalising);
   *   <li>float scores never increase down the list; equal float scores are in ascending id order;
   *   <li>at every rank, the item may differ from the reference's only if the two items' exact
   *       scores are within the sum of their tolerances (a near-tie may swap; nothing else);
   *   <li>an item left out with exactly the same exact score as the last item listed (a duplicate
   *       vector) has a larger id: exact ties at the cut-off keep the lower ids.
   * </ul>
   */
  static final class Reference {
    static void assertAgrees(Data data, int u, int k, boolean cosine, TopKHeaps.Ranking ours) {
      int m = data.m;
      int d = data.d;
      double[] exact = new double[m];
      double[] tol = new double[m];
      double userNorm = norm(data.users, u, d);
      for (int i = 0; i < m; i++) {
        double dot = 0;
        double abs = 0;
        for (int j = 0; j < d; j++) {
          double p = (double) data.users[u * d + j] * data.items[i * d + j];
          dot += p;
          abs += Math.abs(p);
        }
        double scale = cosine ? userNorm * norm(data.items, i, d) : 1;
        exact[i] = scale == 0 ? 0 : dot / scale;
        tol[i] = (d + 4) * 0x1p-23 * (scale == 0 ? 0 : abs / scale) + 1e-30;
      }
      Integer[] order = new Integer[m];
      int candidates = 0;
      for (int i = 0; i < m; i++) {
        if (Arrays.binarySearch(data.excluded[u], data.ids[i]) < 0) {
          order[candidates++] = i;
        }
      }
      Integer[] ref = Arrays.copyOf(order, candidates);
      Arrays.sort(ref, (a, b) -> exact[a] != exact[b] ? Double.compare(exact[b], exact[a])
          : Integer.compare(data.ids[a], data.ids[b]));

      int[] ids = ours.items();
      float[] scores = ours.scores();
      String who = "user row " + u;
      assertEquals(Math.min(k, candidates), ids.length, who + ": list length");
      assertEquals(ids.length, Arrays.stream(ids).distinct().count(), who + ": distinct ids");
      int[] position = new int[ids.length];
      for (int r = 0; r < ids.length; r++) {
        int r0 = r;
        position[r] = java.util.stream.IntStream.range(0, m).filter(i -> data.ids[i] == ids[r0]).findFirst()
            .orElseThrow(() -> new AssertionError(who + ": unknown item " + ids[r0]));
        assertTrue(Arrays.binarySearch(data.excluded[u], ids[r]) < 0, who + ": excluded item " + ids[r]);
        int i = position[r];
        assertTrue(Math.abs(scores[r] - exact[i]) <= tol[i],
            who + " rank " + (r + 1) + ": score " + scores[r] + " vs exact " + exact[i]);
        if (r > 0) {
          assertTrue(scores[r] < scores[r - 1] || (scores[r] == scores[r - 1] && ids[r] > ids[r - 1]),
              who + " rank " + (r + 1) + ": order (score desc, id asc)");
        }
        int j = ref[r];
        if (i != j) {
          assertTrue(Math.abs(exact[i] - exact[j]) <= tol[i] + tol[j],
              who + " rank " + (r + 1) + ": item " + ids[r] + " (" + exact[i] + ") instead of "
                  + data.ids[j] + " (" + exact[j] + ") without a near-tie");
        }
      }
      if (ids.length > 0) {
        int last = position[ids.length - 1];
        for (int i : ref) {
          boolean listed = Arrays.stream(position).anyMatch(p -> p == i);
          assertTrue(listed || exact[i] != exact[last] || data.ids[i] > data.ids[last],
              who + ": exact tie at the cut-off must keep the lower id, left out " + data.ids[i]);
        }
      }
    }

    private static double norm(float[] v, int row, int d) {
      double sum = 0;
      for (int j = 0; j < d; j++) {
        sum += (double) v[row * d + j] * v[row * d + j];
      }
      return Math.sqrt(sum);
    }
  }
}
