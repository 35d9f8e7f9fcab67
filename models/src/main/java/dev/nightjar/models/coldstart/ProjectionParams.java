package dev.nightjar.models.coldstart;

import dev.nightjar.models.text.DeviceSelection;
import java.io.Serializable;
import java.util.Locale;

/**
 * Settings of the cold-start projection (text embedding → CF item factors), validated on construction;
 * every message names the field, the value and the allowed range.
 *
 * <pre>{@code
 * ProjectionParams defaults = ProjectionParams.defaults();   // 256 hidden, 40 epochs, batch 256, lr 1e-3, ...
 * ProjectionParams quick = new ProjectionParams(128, 20, 128, 2e-3, 0.2, 7L, DeviceSelection.CPU, 50_000);
 * }</pre>
 *
 * @param hiddenSize units of the hidden ReLU layer, 1 to {@value #MAX_HIDDEN_SIZE}
 * @param epochs passes over the training items at most (training stops earlier when the loss stalls),
 *     1 to {@value #MAX_EPOCHS}
 * @param batchSize items per optimiser step, 1 to {@value #MAX_BATCH_SIZE}
 * @param learningRate Adam's step size, in (0, 1]
 * @param holdoutShare share of the warm items kept out of training to measure the projection, 0 to
 *     {@value #MAX_HOLDOUT_SHARE} (0: no measurement, the metrics are NaN)
 * @param seed seed of the hold-out split, the weight initialisation and the batch order
 * @param device {@code auto}, {@code cpu} or {@code gpu}: where training runs (see {@link DeviceSelection})
 * @param maxTrainingItems warm items collected to the driver at most; above it a seeded hash sample of this
 *     size is taken. Bounds the driver's memory: about {@code 4 × (384 + rank)} bytes per item, held a few
 *     times over while collecting
 */
public record ProjectionParams(
    int hiddenSize,
    int epochs,
    int batchSize,
    double learningRate,
    double holdoutShare,
    long seed,
    String device,
    int maxTrainingItems)
    implements Serializable {
  public static final int DEFAULT_HIDDEN_SIZE = 256;
  public static final int DEFAULT_EPOCHS = 40;
  public static final int DEFAULT_BATCH_SIZE = 256;
  public static final double DEFAULT_LEARNING_RATE = 1e-3;
  public static final double DEFAULT_HOLDOUT_SHARE = 0.2;
  public static final long DEFAULT_SEED = 42L;
  public static final String DEFAULT_DEVICE = DeviceSelection.AUTO;
  public static final int DEFAULT_MAX_TRAINING_ITEMS = 200_000;

  public static final int MAX_HIDDEN_SIZE = 8192;
  public static final int MAX_EPOCHS = 10_000;
  public static final int MAX_BATCH_SIZE = 65_536;
  public static final double MAX_HOLDOUT_SHARE = 0.5;
  /** Fewer warm items than this cannot train a projection worth using. */
  public static final int MIN_TRAINING_ITEMS = 10;
  public static final int MAX_TRAINING_ITEMS = 10_000_000;

  public ProjectionParams {
    requireInRange("hiddenSize", hiddenSize, 1, MAX_HIDDEN_SIZE, DEFAULT_HIDDEN_SIZE);
    requireInRange("epochs", epochs, 1, MAX_EPOCHS, DEFAULT_EPOCHS);
    requireInRange("batchSize", batchSize, 1, MAX_BATCH_SIZE, DEFAULT_BATCH_SIZE);
    if (!(learningRate > 0 && learningRate <= 1)) {
      throw new IllegalArgumentException(
          "learningRate is " + learningRate + "; use a value in (0, 1] (default " + DEFAULT_LEARNING_RATE + ")");
    }
    if (!(holdoutShare >= 0 && holdoutShare <= MAX_HOLDOUT_SHARE)) {
      throw new IllegalArgumentException("holdoutShare is " + holdoutShare + "; use 0 to " + MAX_HOLDOUT_SHARE
          + " (default " + DEFAULT_HOLDOUT_SHARE + ")");
    }
    requireInRange("maxTrainingItems", maxTrainingItems, MIN_TRAINING_ITEMS, MAX_TRAINING_ITEMS,
        DEFAULT_MAX_TRAINING_ITEMS);
    String normalised = device == null ? "" : device.trim().toLowerCase(Locale.ROOT);
    if (!DeviceSelection.ALLOWED.contains(normalised)) {
      throw new IllegalArgumentException(
          "device is '" + device + "'; allowed values are " + DeviceSelection.ALLOWED + " (default " + DEFAULT_DEVICE
              + ")");
    }
    device = normalised;
  }

  /** The defaults: 256 hidden units, 40 epochs, batches of 256, learning rate 1e-3, 20% hold-out, seed 42. */
  public static ProjectionParams defaults() {
    return new ProjectionParams(DEFAULT_HIDDEN_SIZE, DEFAULT_EPOCHS, DEFAULT_BATCH_SIZE, DEFAULT_LEARNING_RATE,
        DEFAULT_HOLDOUT_SHARE, DEFAULT_SEED, DEFAULT_DEVICE, DEFAULT_MAX_TRAINING_ITEMS);
  }

  private static void requireInRange(String field, int value, int min, int max, int defaultValue) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          field + " is " + value + "; use " + min + " to " + max + " (default " + defaultValue + ")");
    }
  }
}
