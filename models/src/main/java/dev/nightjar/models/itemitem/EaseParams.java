package dev.nightjar.models.itemitem;

import java.io.Serializable;
import java.util.Locale;

/**
 * Settings of {@link Ease} (Steck 2019, "Embarrassingly Shallow Autoencoders"), validated on
 * construction. The config keys these are meant to be read from are named in each parameter.
 *
 * <pre>{@code
 * EaseParams params = EaseParams.defaults();                       // λ 250, 3000 items, 512 MiB
 * EaseParams small = new EaseParams(100.0, 500, 64L << 20, true);   // a test or a small shop
 * }</pre>
 *
 * @param lambda L2 regularisation λ added to the Gram matrix's diagonal, {@code > 0}
 *     ({@code nightjar.ease.lambda}). Steck's optima were 200–500 on ML-20M, Netflix and MSD; it
 *     acts against item counts (the Gram's diagonal), so a small shop wants a smaller one
 * @param maxItems the most items EASE covers ({@code nightjar.ease.maxItems}): above this many
 *     distinct items, the {@code maxItems} with most users (ties by lower item index) are covered
 *     and the others are left to ALS/content; 1..{@value #MAX_ITEMS}
 * @param driverBudgetBytes the driver memory EASE may use for its dense matrices
 *     ({@code nightjar.ease.driverBudgetBytes}), estimated as {@link #driverBytes(int)}; a fit whose
 *     covered items would need more is refused
 * @param binarize {@code true}: X holds 1 for every interaction (the paper's setting; λ's usual
 *     range assumes it); {@code false}: X holds the decayed interaction weight
 *     ({@code nightjar.ease.binarize})
 */
public record EaseParams(double lambda, int maxItems, long driverBudgetBytes, boolean binarize)
    implements Serializable {
  public static final double DEFAULT_LAMBDA = 250.0;
  public static final int DEFAULT_MAX_ITEMS = 3000;
  public static final long DEFAULT_DRIVER_BUDGET_BYTES = 512L << 20;
  public static final boolean DEFAULT_BINARIZE = true;

  /** Largest catalogue a dense N × N float array can hold (N² ≤ 2³¹ − 1). */
  public static final int MAX_ITEMS = 46_340;

  /**
   * Driver bytes per covered item pair: the double inverse during the fit (8), the float weights
   * kept by the model (4), their broadcast's serialized blocks (4) and the top-k scorer's item
   * chunk with its packing buffer (8).
   */
  public static final long DRIVER_BYTES_PER_ITEM_PAIR = 24;

  private static final long serialVersionUID = 1L;

  public EaseParams {
    if (!(lambda > 0) || Double.isInfinite(lambda)) {
      throw new IllegalArgumentException("lambda (nightjar.ease.lambda) must be a finite number > 0, got " + lambda);
    }
    if (maxItems < 1 || maxItems > MAX_ITEMS) {
      throw new IllegalArgumentException(
          "maxItems (nightjar.ease.maxItems) must be in 1.." + MAX_ITEMS + ", got " + maxItems);
    }
    if (driverBudgetBytes < 1) {
      throw new IllegalArgumentException(
          "driverBudgetBytes (nightjar.ease.driverBudgetBytes) must be > 0, got " + driverBudgetBytes);
    }
  }

  public static EaseParams defaults() {
    return new EaseParams(DEFAULT_LAMBDA, DEFAULT_MAX_ITEMS, DEFAULT_DRIVER_BUDGET_BYTES, DEFAULT_BINARIZE);
  }

  /** Estimated driver bytes for EASE over {@code items} items: {@code items² × 24}. */
  public static long driverBytes(int items) {
    return (long) items * items * DRIVER_BYTES_PER_ITEM_PAIR;
  }

  /** The most items {@link #driverBudgetBytes} allows. */
  public int itemsWithinBudget() {
    long items = Math.min(MAX_ITEMS, (long) Math.sqrt((double) driverBudgetBytes / DRIVER_BYTES_PER_ITEM_PAIR) + 1);
    while (items > 0 && driverBytes((int) items) > driverBudgetBytes) {
      items--;
    }
    return (int) items;
  }

  /** A short, stable name of these settings, usable as a {@code model_version} prefix. */
  public String versionTag() {
    return String.format(Locale.ROOT, "ease-l%s-n%d-%s", lambda, maxItems, binarize ? "bin" : "w");
  }
}
