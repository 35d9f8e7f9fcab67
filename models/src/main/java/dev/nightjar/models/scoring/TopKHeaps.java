package dev.nightjar.models.scoring;

import java.util.Arrays;

/**
 * Bounded top-k lists for a block of users, kept as binary min-heaps in one flat array (a slice of
 * {@code k} slots per user). Each entry is one {@code long} whose signed order is the ranking order:
 * the score's bits, made order-preserving, in the high half and the inverted item id in the low
 * half, so a larger key means a higher score or, on equal scores, a lower item id. The root of a
 * user's heap is the worst of its current top-k, and a candidate replaces it only when its key is
 * larger. Hence the final lists do not depend on the order in which items arrive.
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
  private final long[] keys;
  private final int[] sizes;

  /** Empty lists of at most {@code k} items for {@code users} users. */
  public TopKHeaps(int users, int k) {
    if (users < 0 || k < 1) {
      throw new IllegalArgumentException("need users >= 0 and k >= 1, got users=" + users + ", k=" + k);
    }
    this.users = users;
    this.k = k;
    this.keys = new long[Math.multiplyExact(users, k)];
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

  /** The ranking key of a (non-NaN) score and an item id; -0 counts as 0. */
  static long key(float score, int item) {
    int ordered = ordered(Float.floatToRawIntBits(score + 0f));
    return (long) ordered << 32 | ((item ^ Integer.MAX_VALUE) & 0xFFFF_FFFFL);
  }

  /** A score must be at least this to possibly enter {@code user}'s list (-∞ while not full). */
  float threshold(int user) {
    return sizes[user] < k ? Float.NEGATIVE_INFINITY : score(keys[user * k]);
  }

  /** Whether the candidate with this {@link #key} would enter {@code user}'s list. */
  boolean accepts(int user, long key) {
    return sizes[user] < k || key > keys[user * k];
  }

  /** Adds a candidate that {@link #accepts} said yes to, evicting the current worst when full. */
  void add(int user, long key) {
    int base = user * k;
    int size = sizes[user];
    if (size < k) {
      int i = size;
      while (i > 0) {
        int parent = (i - 1) / 2;
        if (keys[base + parent] <= key) {
          break;
        }
        keys[base + i] = keys[base + parent];
        i = parent;
      }
      keys[base + i] = key;
      sizes[user] = size + 1;
    } else {
      siftDown(keys, base, k, key);
    }
  }

  /** {@code user}'s list sorted best first (a copy; the heap is left as it is). */
  public Ranking ranking(int user) {
    int base = user * k;
    int size = sizes[user];
    long[] sorted = Arrays.copyOfRange(keys, base, base + size);
    // Heapsort: moving the worst key to the end each time leaves the best at index 0.
    for (int end = size - 1; end > 0; end--) {
      long last = sorted[end];
      sorted[end] = sorted[0];
      siftDown(sorted, 0, end, last);
    }
    int[] items = new int[size];
    float[] scores = new float[size];
    for (int i = 0; i < size; i++) {
      items[i] = (int) sorted[i] ^ Integer.MAX_VALUE;
      scores[i] = score(sorted[i]);
    }
    return new Ranking(items, scores);
  }

  /** Puts {@code key} at the root of the heap at {@code base} and moves it down to its place. */
  private static void siftDown(long[] heap, int base, int size, long key) {
    int i = 0;
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && heap[base + child + 1] < heap[base + child]) {
        child++;
      }
      if (key <= heap[base + child]) {
        break;
      }
      heap[base + i] = heap[base + child];
      i = child;
    }
    heap[base + i] = key;
  }

  private static float score(long key) {
    return Float.intBitsToFloat(ordered((int) (key >> 32)));
  }

  /** Float bits whose signed int order is the float order (and back: the map is its own inverse). */
  private static int ordered(int bits) {
    return bits ^ ((bits >> 31) & Integer.MAX_VALUE);
  }
}
