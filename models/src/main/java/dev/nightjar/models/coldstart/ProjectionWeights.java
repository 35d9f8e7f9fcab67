package dev.nightjar.models.coldstart;

import java.io.Serializable;

/**
 * The trained projection's weights as plain arrays, with a plain-Java forward pass: what Spark executors
 * need to project cold items without loading PyTorch. Immutable and serialisable (about
 * {@code 4 × (in × hidden + hidden × out)} bytes, ~430 KB for 384 → 256 → 32), so broadcast it.
 *
 * <pre>{@code
 * try (FactorProjection.Trained trained = FactorProjection.train(embeddings, factors, ProjectionParams.defaults())) {
 *   ProjectionWeights weights = trained.weights();
 *   float[] itemFactors = weights.apply(embedding);   // same values as trained.predict, to float rounding
 * }
 * }</pre>
 *
 * <p>The network is {@code out = W2 · relu(W1 · x + b1) + b2}; matrices are row-major with one row per
 * output unit (DJL's {@code Linear} layout).
 */
public final class ProjectionWeights implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int inputSize;
  private final int hiddenSize;
  private final int outputSize;
  private final float[] hiddenWeight;
  private final float[] hiddenBias;
  private final float[] outputWeight;
  private final float[] outputBias;

  ProjectionWeights(int inputSize, float[] hiddenWeight, float[] hiddenBias, float[] outputWeight, float[] outputBias) {
    this.inputSize = inputSize;
    this.hiddenSize = hiddenBias.length;
    this.outputSize = outputBias.length;
    if (hiddenWeight.length != hiddenSize * inputSize || outputWeight.length != outputSize * hiddenSize) {
      throw new IllegalArgumentException("weight shapes do not match: hidden " + hiddenWeight.length + " for "
          + hiddenSize + "×" + inputSize + ", output " + outputWeight.length + " for " + outputSize + "×" + hiddenSize);
    }
    this.hiddenWeight = hiddenWeight.clone();
    this.hiddenBias = hiddenBias.clone();
    this.outputWeight = outputWeight.clone();
    this.outputBias = outputBias.clone();
  }

  /** Length of the embeddings it takes. */
  public int inputSize() {
    return inputSize;
  }

  /** Units of the hidden layer. */
  public int hiddenSize() {
    return hiddenSize;
  }

  /** Length of the factor vectors it gives (the CF rank). */
  public int outputSize() {
    return outputSize;
  }

  /**
   * The projected factor vector of one embedding.
   *
   * @throws IllegalArgumentException when the embedding's length is not {@link #inputSize()}
   */
  public float[] apply(float[] embedding) {
    if (embedding.length != inputSize) {
      throw new IllegalArgumentException(
          "embedding has " + embedding.length + " values; the projection takes " + inputSize);
    }
    float[] hidden = new float[hiddenSize];
    for (int h = 0; h < hiddenSize; h++) {
      float sum = hiddenBias[h];
      int row = h * inputSize;
      for (int i = 0; i < inputSize; i++) {
        sum += hiddenWeight[row + i] * embedding[i];
      }
      hidden[h] = Math.max(0f, sum);
    }
    float[] out = new float[outputSize];
    for (int o = 0; o < outputSize; o++) {
      float sum = outputBias[o];
      int row = o * hiddenSize;
      for (int h = 0; h < hiddenSize; h++) {
        sum += outputWeight[row + h] * hidden[h];
      }
      out[o] = sum;
    }
    return out;
  }
}
