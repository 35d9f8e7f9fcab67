package dev.nightjar.models.scoring;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Exact fused top-k scoring of a block of users against a block of items: dot products with the
 * JDK Vector API, fed straight into per-user bounded heaps ({@link TopKHeaps}); no score matrix is
 * built, the scores of 4 users × {@link #PANEL} items live in vector registers.
 *
 * <p>Inner step (register blocking): for 4 users and one panel of {@code PANEL} = 2 vectors of
 * items, 8 accumulators are updated with one fused multiply-add per user, feature and item vector
 * (user feature broadcast × item panel row). Afterwards one vector comparison per user against its
 * current heap threshold decides whether any of the panel's scores can enter; only then are the
 * scores looked at one by one (tie-break by item id, excluded items skipped). A user block whose
 * size is not a multiple of 4 ends with a one-user loop that computes bit-identical scores, and the
 * item tail is a zero-padded panel whose padding is never reported, so any {@code d} works.
 *
 * <p>Cosine similarity: {@link #normalizeRows} the users and items once, then score by dot product.
 *
 * <p>Thread-safe: each call works on its arguments only; the heaps must not be shared by
 * concurrent calls.
 *
 * <p>Uses {@link FloatVector#SPECIES_MAX}, the species of MLlib's BLAS ({@code VectorBLAS}): once
 * that BLAS had run in the same JVM, this kernel on {@code SPECIES_PREFERRED} (class
 * {@code Float256Vector} on AVX2, where {@code SPECIES_MAX} is {@code FloatMaxVector} of the same
 * width) fell from ~20 to ~2.4 GFLOP/s, because the shared Vector API call sites then see two
 * vector classes and C2 stops intrinsifying some of them.
 *
 * <pre>{@code
 * ItemBlock items = ItemBlock.pack(itemVectors, itemIds, d);     // m × d, row-major
 * TopKHeaps heaps = new TopKHeaps(n, k);
 * TopKKernel.score(userVectors, excluded, items, heaps);         // n × d, row-major
 * int[] best = heaps.ranking(0).items();
 * }</pre>
 */
public final class TopKKernel {
  static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_MAX;
  static final int LANES = SPECIES.length();
  private static final int[] NONE = new int[0];

  /** Items per packed panel: two vectors' worth. */
  public static final int PANEL = 2 * LANES;

  private TopKKernel() {}

  /**
   * Offers every item of {@code items} to the top-k list of every user of {@code heaps}.
   *
   * @param users {@code heaps.users()} × {@code items.dim()} floats, row-major
   * @param excluded null, or per user (index as in {@code heaps}) null or item ids sorted ascending
   *     that must not be recommended to that user
   */
  public static void score(float[] users, int[][] excluded, ItemBlock items, TopKHeaps heaps) {
    int n = heaps.users();
    int d = items.dim;
    if (users.length != (long) n * d) {
      throw new IllegalArgumentException(
          "users holds " + users.length + " floats, expected heaps.users() × d = " + n + " × " + d);
    }
    int[][] exclusions = checkExclusions(excluded, n);
    float[] tile = new float[4 * PANEL];
    int u = 0;
    for (; u + 4 <= n; u += 4) {
      scoreFourUsers(users, u, exclusions, items, heaps, tile);
    }
    for (; u < n; u++) {
      scoreOneUser(users, u, exclusions[u], items, heaps, tile);
    }
  }

  /** Scales each row of the row-major {@code vectors} (rows of length {@code d}) to unit length; zero rows stay zero. */
  public static void normalizeRows(float[] vectors, int d) {
    if (d < 1 || vectors.length % d != 0) {
      throw new IllegalArgumentException("vectors.length " + vectors.length + " is not a multiple of d " + d);
    }
    for (int row = 0; row < vectors.length; row += d) {
      double sum = 0;
      for (int j = row; j < row + d; j++) {
        sum += (double) vectors[j] * vectors[j];
      }
      if (sum > 0) {
        float scale = (float) (1 / Math.sqrt(sum));
        for (int j = row; j < row + d; j++) {
          vectors[j] *= scale;
        }
      }
    }
  }

  private static void scoreFourUsers(
      float[] users, int u, int[][] excluded, ItemBlock items, TopKHeaps heaps, float[] tile) {
    int d = items.dim;
    float[] packed = items.packed;
    int r0 = u * d;
    int r1 = r0 + d;
    int r2 = r1 + d;
    int r3 = r2 + d;
    for (int start = 0, base = 0; start < items.size(); start += PANEL, base += d * PANEL) {
      FloatVector s00 = FloatVector.zero(SPECIES);
      FloatVector s01 = s00;
      FloatVector s10 = s00;
      FloatVector s11 = s00;
      FloatVector s20 = s00;
      FloatVector s21 = s00;
      FloatVector s30 = s00;
      FloatVector s31 = s00;
      for (int j = 0; j < d; j++) {
        int row = base + j * PANEL;
        FloatVector b0 = FloatVector.fromArray(SPECIES, packed, row);
        FloatVector b1 = FloatVector.fromArray(SPECIES, packed, row + LANES);
        FloatVector a = FloatVector.broadcast(SPECIES, users[r0 + j]);
        s00 = a.fma(b0, s00);
        s01 = a.fma(b1, s01);
        a = FloatVector.broadcast(SPECIES, users[r1 + j]);
        s10 = a.fma(b0, s10);
        s11 = a.fma(b1, s11);
        a = FloatVector.broadcast(SPECIES, users[r2 + j]);
        s20 = a.fma(b0, s20);
        s21 = a.fma(b1, s21);
        a = FloatVector.broadcast(SPECIES, users[r3 + j]);
        s30 = a.fma(b0, s30);
        s31 = a.fma(b1, s31);
      }
      s00.intoArray(tile, 0);
      s01.intoArray(tile, LANES);
      s10.intoArray(tile, PANEL);
      s11.intoArray(tile, PANEL + LANES);
      s20.intoArray(tile, 2 * PANEL);
      s21.intoArray(tile, 2 * PANEL + LANES);
      s30.intoArray(tile, 3 * PANEL);
      s31.intoArray(tile, 3 * PANEL + LANES);
      for (int r = 0; r < 4; r++) {
        offer(heaps, u + r, excluded[u + r], items, start, tile, r * PANEL);
      }
    }
  }

  private static void scoreOneUser(
      float[] users, int u, int[] excluded, ItemBlock items, TopKHeaps heaps, float[] tile) {
    int d = items.dim;
    float[] packed = items.packed;
    int r0 = u * d;
    for (int start = 0, base = 0; start < items.size(); start += PANEL, base += d * PANEL) {
      FloatVector s0 = FloatVector.zero(SPECIES);
      FloatVector s1 = s0;
      for (int j = 0; j < d; j++) {
        int row = base + j * PANEL;
        FloatVector a = FloatVector.broadcast(SPECIES, users[r0 + j]);
        s0 = a.fma(FloatVector.fromArray(SPECIES, packed, row), s0);
        s1 = a.fma(FloatVector.fromArray(SPECIES, packed, row + LANES), s1);
      }
      s0.intoArray(tile, 0);
      s1.intoArray(tile, LANES);
      offer(heaps, u, excluded, items, start, tile, 0);
    }
  }

  /**
   * Offers one user's panel scores ({@code tile[offset]..tile[offset + PANEL - 1]}) to its heap.
   * Fast path: one vector comparison per half against the user's threshold; most panels stop there.
   */
  private static void offer(
      TopKHeaps heaps, int user, int[] excluded, ItemBlock items, int start, float[] tile, int offset) {
    float threshold = heaps.threshold(user);
    if (!FloatVector.fromArray(SPECIES, tile, offset).compare(VectorOperators.GE, threshold)
        .or(FloatVector.fromArray(SPECIES, tile, offset + LANES).compare(VectorOperators.GE, threshold))
        .anyTrue()) {
      return;
    }
    int end = Math.min(PANEL, items.size() - start);
    for (int i = 0; i < end; i++) {
      float score = tile[offset + i];
      if (score < threshold) {
        continue; // the threshold only rises, so this cheap filter is exact
      }
      int item = items.ids[start + i];
      long key = TopKHeaps.key(score, item);
      if (heaps.accepts(user, key) && Arrays.binarySearch(excluded, item) < 0) {
        heaps.add(user, key);
        threshold = heaps.threshold(user);
      }
    }
  }

  /** Replaces missing lists by an empty one and checks that each list is sorted. */
  private static int[][] checkExclusions(int[][] excluded, int n) {
    if (excluded != null && excluded.length < n) {
      throw new IllegalArgumentException("excluded has " + excluded.length + " entries for " + n + " users");
    }
    int[][] lists = new int[n][];
    for (int u = 0; u < n; u++) {
      int[] list = excluded == null || excluded[u] == null ? NONE : excluded[u];
      for (int i = 1; i < list.length; i++) {
        if (list[i - 1] > list[i]) {
          throw new IllegalArgumentException("excluded item ids of user row " + u + " are not sorted ascending");
        }
      }
      lists[u] = list;
    }
    return lists;
  }
}
