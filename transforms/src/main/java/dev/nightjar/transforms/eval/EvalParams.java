package dev.nightjar.transforms.eval;

import java.util.Arrays;
import java.util.List;

/**
 * Settings of the {@code evaluate} stage's measurements.
 *
 * <pre>{@code
 * EvalParams p = EvalParams.defaults();
 * Dataset<Row> metrics = RankingMetrics.compute(recommendations, split.truth(), p.ksArray());
 * Dataset<Row> sliced = Slices.truth(split, p.newUserMaxTrainInteractions());
 * }</pre>
 *
 * @param ks the cut-offs at which every metric is reported; stored sorted and without repeats
 * @param newUserMaxTrainInteractions users with at most this many train rows form the {@code
 *     new_users} slice
 */
public record EvalParams(List<Integer> ks, int newUserMaxTrainInteractions) {
  public static final List<Integer> DEFAULT_KS = List.of(5, 10, 20);
  public static final int DEFAULT_NEW_USER_MAX_TRAIN_INTERACTIONS = 2;
  /** Largest allowed cut-off (the ideal-DCG table has one row per position up to the largest k). */
  public static final int MAX_K = 10_000;

  public EvalParams {
    if (ks == null) {
      throw new IllegalArgumentException("ks must not be null");
    }
    ks = Arrays.stream(checkKs(ks.stream().mapToInt(Integer::intValue).toArray())).boxed().toList();
    if (newUserMaxTrainInteractions < 0) {
      throw new IllegalArgumentException(
          "newUserMaxTrainInteractions must be >= 0, got " + newUserMaxTrainInteractions);
    }
  }

  public static EvalParams defaults() {
    return new EvalParams(DEFAULT_KS, DEFAULT_NEW_USER_MAX_TRAIN_INTERACTIONS);
  }

  /** The cut-offs as the array the metric functions take. */
  public int[] ksArray() {
    return ks.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Validates cut-offs: at least one, each in {@code 1..MAX_K}.
   *
   * @return a sorted copy without repeats
   */
  public static int[] checkKs(int[] ks) {
    if (ks == null || ks.length == 0) {
      throw new IllegalArgumentException("at least one k is required, e.g. " + DEFAULT_KS);
    }
    for (int k : ks) {
      if (k < 1 || k > MAX_K) {
        throw new IllegalArgumentException("every k must be in 1.." + MAX_K + ", got " + k);
      }
    }
    return Arrays.stream(ks).sorted().distinct().toArray();
  }
}
