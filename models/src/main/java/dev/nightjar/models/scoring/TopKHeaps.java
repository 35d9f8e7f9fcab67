package dev.nightjar.models.scoring;

import java.util.Arrays;

/**
 * Bounded top-k lists for a block of users, kept as binary min-heaps in flat arrays (one slice of
 * {@code k} slots per user). The root of a user's heap is the worst of its current top-k: the lowest
 * score, and among equal scores the highest item id. A candidate replaces the root only when it is
 * better: a higher score, or an equal score and a lower item id. Hence the final lists do not depend
 * on the order in which items arrive.
 *
 * <p>Not thread-safe: one instance belongs to one caller (one user block in one task).
 *
 * <pre>{@code
 * TopKHeaps heaps = new TopKHeaps(users, 100);
 * TopKKernel.score(userVectors, excluded, itemBlock, heaps); // once per item block
 * TopKHeaps.Ranking best = heaps.ranking(0);                 // user 0: best first
 * }</pre>
 */
public final class TopKHeaps {
  /** One user's list, best first: {@code scores} descending, ties by {@code items} ascending. */
  public record Ranking(int[] items, float[] scores) {}

  private final int users;
  private final int k;
  private final float[] scores;
  private final int[] items;
  private final int[] sizes;

  /** Empty lists of at most {@code k} items for {@code users} users. */
  public TopKHeaps(int users, int k) {
    if (users < 0 || k < 1) {
      throw new IllegalArgumentException("need users >= 0 and k >= 1, got users=" + users + ", k=" + k);
    }
    int slots = Math.multiplyExact(users, k);
    this.users = users;
    this.k = k;
    this.scores = new float[slots];
    this.items = new int[slots];
    this.sizes = new int[users];
  }

  /** Number of users in the block. */
  public int users() {
    return users;
  }

  /** The bound on each list. */
  public int k() {
    return k;
  }

  /** A score must be at least this to possibly enter {@code user}'s list (-∞ while not full). */
  float threshold(int user) {
    return sizes[user] < k ? Float.NEGATIVE_INFINITY : scores[user * k];
  }

  /** Whether {@code (score, item)} would enter {@code user}'s list. */
  boolean accepts(int user, float score, int item) {
    int root = user * k;
    return sizes[user] < k || better(score, item, scores[root], items[root]);
  }

  /** Adds a candidate that {@link #accepts} said yes to, evicting the current worst when full. */
  void add(int user, float score, int item) {
    int base = user * k;
    int size = sizes[user];
    if (size < k) {
      int i = size;
      while (i > 0) {
        int parent = (i - 1) / 2;
        if (!better(scores[base + parent], items[base + parent], score, item)) {
          break;
        }
        scores[base + i] = scores[base + parent];
        items[base + i] = items[base + parent];
        i = parent;
      }
      scores[base + i] = score;
      items[base + i] = item;
      sizes[user] = size + 1;
    } else {
      scores[base] = score;
      items[base] = item;
      siftDown(scores, items, base, k, 0);
    }
  }

  /** {@code user}'s list sorted best first (a copy; the heap is left as it is). */
  public Ranking ranking(int user) {
    int base = user * k;
    int size = sizes[user];
    float[] s = Arrays.copyOfRange(scores, base, base + size);
    int[] ids = Arrays.copyOfRange(items, base, base + size);
    // Heapsort: moving the worst element to the end each time leaves the best at index 0.
    for (int end = size - 1; end > 0; end--) {
      float score = s[end];
      int item = ids[end];
      s[end] = s[0];
      ids[end] = ids[0];
      s[0] = score;
      ids[0] = item;
      siftDown(s, ids, 0, end, 0);
    }
    return new Ranking(ids, s);
  }

  private static boolean better(float score, int item, float otherScore, int otherItem) {
    return score > otherScore || (score == otherScore && item < otherItem);
  }

  /** Restores the worst-at-root order below slot {@code i} of the heap at {@code base}. */
  private static void siftDown(float[] s, int[] ids, int base, int size, int i) {
    float score = s[base + i];
    int item = ids[base + i];
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      int right = child + 1;
      if (right < size && better(s[base + child], ids[base + child], s[base + right], ids[base + right])) {
        child = right;
      }
      if (!better(score, item, s[base + child], ids[base + child])) {
        break;
      }
      s[base + i] = s[base + child];
      ids[base + i] = ids[base + child];
      i = child;
    }
    s[base + i] = score;
    ids[base + i] = item;
  }
}
