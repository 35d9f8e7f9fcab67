package dev.nightjar.models.itemitem;

import java.io.Serializable;
import java.util.Arrays;

/**
 * EASE's item-item weight matrix B over the covered items, as it is broadcast to the executors:
 * the covered item indexes in ascending order ({@code items}; an item's position in this array is
 * its row and column in B) and B as {@code n × n} floats in column-major order, so that
 * {@code weights[j·n + i] = B[i][j]}, the weight item {@code i} gives item {@code j}, and column
 * {@code j} (what {@code j} receives from every item) is contiguous.
 *
 * <pre>{@code
 * EaseWeights w = model.weights();
 * int i = w.position(42), j = w.position(7);
 * double b = w.weightAt(i, j); // B[42 → 7]; 0 on the diagonal
 * }</pre>
 */
public final class EaseWeights implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int[] items;
  private final float[] weights;

  EaseWeights(int[] items, float[] weights) {
    if ((long) items.length * items.length != weights.length) {
      throw new IllegalArgumentException(
          "weights hold " + weights.length + " values, expected " + items.length + "² for " + items.length + " items");
    }
    for (int p = 1; p < items.length; p++) {
      if (items[p - 1] >= items[p]) {
        throw new IllegalArgumentException("item indexes must be strictly ascending, got " + items[p - 1] + ", " + items[p]);
      }
    }
    this.items = items;
    this.weights = weights;
  }

  /** Number of covered items (the side of B). */
  public int size() {
    return items.length;
  }

  /** The item index at {@code position}. */
  public int item(int position) {
    return items[position];
  }

  /** The covered item indexes, ascending (a copy). */
  public int[] items() {
    return items.clone();
  }

  /** The position of item index {@code item} in B, or −1 when EASE does not cover it. */
  public int position(int item) {
    int p = Arrays.binarySearch(items, item);
    return p >= 0 ? p : -1;
  }

  /** B[i][j] by positions: how much having item {@code i} adds to item {@code j}'s score. */
  public float weightAt(int fromPosition, int toPosition) {
    return weights[toPosition * items.length + fromPosition];
  }

  /** Column {@code j} of B (a copy): the weight every covered item gives item {@code j}. */
  public float[] column(int toPosition) {
    int n = items.length;
    return Arrays.copyOfRange(weights, toPosition * n, toPosition * n + n);
  }
}
