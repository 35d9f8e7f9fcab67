package dev.nightjar.models.scoring;

import java.io.Serializable;
import java.util.Objects;

/**
 * Settings of {@link BlockwiseTopKScorer#topK}, validated on construction.
 *
 * <pre>{@code
 * TopKParams params = TopKParams.of(100, TopKParams.Metric.DOT);   // defaults for the rest
 * TopKParams tuned = new TopKParams(50, TopKParams.Metric.COSINE, 512, 1024, 64L << 20, 8);
 * }</pre>
 *
 * @param k list length per user, 1..{@value #MAX_K}
 * @param metric {@link Metric#DOT} (CF factors) or {@link Metric#COSINE} (content vectors)
 * @param userBlockSize users scored together in one task step; their heaps take
 *     {@code userBlockSize × k × 8} bytes, at most {@value #MAX_HEAP_SLOTS} slots
 * @param itemBlockSize items scored in one kernel call; pick it so {@code itemBlockSize × d × 4}
 *     bytes stay in the core's L2 cache (1024 for d = 64, 256 for d = 384)
 * @param broadcastBudgetBytes the largest item chunk broadcast at once (about
 *     {@code items × (4·d + 4)} bytes); more items are scored in several passes whose partial
 *     lists are merged
 * @param userPartitions tasks the users are spread over; 0 means Spark's default parallelism
 */
public record TopKParams(
    int k, Metric metric, int userBlockSize, int itemBlockSize, long broadcastBudgetBytes, int userPartitions)
    implements Serializable {

  /** How a user vector and an item vector are compared. */
  public enum Metric {
    /** Dot product, as ALS predicts a rating. */
    DOT,
    /** Cosine similarity: vectors are normalised to unit length, then dotted. */
    COSINE
  }

  public static final int DEFAULT_K = 100;
  public static final Metric DEFAULT_METRIC = Metric.DOT;
  public static final int DEFAULT_USER_BLOCK_SIZE = 512;
  public static final int DEFAULT_ITEM_BLOCK_SIZE = 1024;
  public static final long DEFAULT_BROADCAST_BUDGET_BYTES = 256L << 20;
  public static final int DEFAULT_USER_PARTITIONS = 0;

  public static final int MAX_K = 10_000;
  public static final long MAX_HEAP_SLOTS = 1L << 24;
  public static final long MIN_BROADCAST_BUDGET_BYTES = 1L << 10;

  public TopKParams {
    Objects.requireNonNull(metric, "metric must be DOT or COSINE, got null");
    if (k < 1 || k > MAX_K) {
      throw new IllegalArgumentException("k must be between 1 and " + MAX_K + ", got " + k);
    }
    if (userBlockSize < 1) {
      throw new IllegalArgumentException("userBlockSize must be at least 1, got " + userBlockSize);
    }
    if ((long) userBlockSize * k > MAX_HEAP_SLOTS) {
      throw new IllegalArgumentException("userBlockSize × k = " + userBlockSize + " × " + k
          + " exceeds " + MAX_HEAP_SLOTS + " heap slots (8 bytes each); lower userBlockSize");
    }
    if (itemBlockSize < 1) {
      throw new IllegalArgumentException("itemBlockSize must be at least 1, got " + itemBlockSize);
    }
    if (broadcastBudgetBytes < MIN_BROADCAST_BUDGET_BYTES) {
      throw new IllegalArgumentException("broadcastBudgetBytes must be at least "
          + MIN_BROADCAST_BUDGET_BYTES + ", got " + broadcastBudgetBytes);
    }
    if (userPartitions < 0) {
      throw new IllegalArgumentException(
          "userPartitions must be 0 (Spark's default parallelism) or more, got " + userPartitions);
    }
  }

  /** {@code k} and {@code metric} with the default block sizes, budget and partitions. */
  public static TopKParams of(int k, Metric metric) {
    return new TopKParams(k, metric, DEFAULT_USER_BLOCK_SIZE, DEFAULT_ITEM_BLOCK_SIZE,
        DEFAULT_BROADCAST_BUDGET_BYTES, DEFAULT_USER_PARTITIONS);
  }

  /** All defaults: top-{@value #DEFAULT_K} by dot product. */
  public static TopKParams defaults() {
    return of(DEFAULT_K, DEFAULT_METRIC);
  }
}
