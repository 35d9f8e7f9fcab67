package dev.nightjar.models.text;

import java.io.Serializable;

/**
 * Settings of the text encoder and its Spark adapter, validated on construction.
 *
 * <pre>{@code
 * EmbeddingParams defaults = EmbeddingParams.defaults();              // 64, 128, "auto"
 * EmbeddingParams onCpu = new EmbeddingParams(32, 64, DeviceSelection.CPU);
 * }</pre>
 *
 * @param batchSize texts per forward pass, 1 to {@value #MAX_BATCH_SIZE}
 * @param maxLength tokens per text after truncation, counting [CLS] and [SEP], 2 to {@value #MODEL_MAX_LENGTH}
 * @param device {@code auto}, {@code cpu} or {@code gpu} (see {@link DeviceSelection})
 */
public record EmbeddingParams(int batchSize, int maxLength, String device) implements Serializable {
  /** The model behind every vector; store it beside the vectors so a model change re-embeds. */
  public static final String MODEL_VERSION = "all-MiniLM-L6-v2";
  /** Length of the model's vectors. */
  public static final int DIMENSIONS = 384;

  public static final int DEFAULT_BATCH_SIZE = 64;
  public static final int DEFAULT_MAX_LENGTH = 128;
  public static final String DEFAULT_DEVICE = DeviceSelection.AUTO;
  public static final int MAX_BATCH_SIZE = 4096;
  /** The model's position embeddings end here. */
  public static final int MODEL_MAX_LENGTH = 512;

  public EmbeddingParams {
    if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new IllegalArgumentException(
          "batchSize is " + batchSize + "; use 1 to " + MAX_BATCH_SIZE + " (default " + DEFAULT_BATCH_SIZE + ")");
    }
    if (maxLength < 2 || maxLength > MODEL_MAX_LENGTH) {
      throw new IllegalArgumentException(
          "maxLength is " + maxLength + "; use 2 to " + MODEL_MAX_LENGTH + " tokens (default "
              + DEFAULT_MAX_LENGTH + ")");
    }
    device = DeviceSelection.normalise(device);
  }

  /** Batches of {@value #DEFAULT_BATCH_SIZE}, {@value #DEFAULT_MAX_LENGTH} tokens, device {@code auto}. */
  public static EmbeddingParams defaults() {
    return new EmbeddingParams(DEFAULT_BATCH_SIZE, DEFAULT_MAX_LENGTH, DEFAULT_DEVICE);
  }
}
