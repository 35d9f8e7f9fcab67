package dev.nightjar.models.text;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Encodes texts in batches of similar length, so little of each batch is padding (DESIGN measured ~1.6× over
 * batches in arrival order on short product descriptions), and returns the vectors in the texts' order.
 *
 * <pre>{@code
 * try (Predictor<List<String>, float[][]> predictor = TextEncoderModel.get("auto").newPredictor(128)) {
 *   float[][] vectors = LengthSortedBatches.encode(predictor, texts, 64);   // vectors[i] is texts.get(i)'s
 * }
 * }</pre>
 */
public final class LengthSortedBatches {
  private LengthSortedBatches() {}

  /** The vectors of {@code texts}, in their order, predicted {@code batchSize} texts of similar length at a time. */
  public static float[][] encode(Predictor<List<String>, float[][]> predictor, List<String> texts, int batchSize)
      throws TranslateException {
    // character length stands in for token count: cheap, and close enough to group texts
    int[] byLength = IntStream.range(0, texts.size()).boxed()
        .sorted(Comparator.comparingInt(i -> texts.get(i).length()))
        .mapToInt(Integer::intValue)
        .toArray();
    float[][] vectors = new float[texts.size()][];
    for (int start = 0; start < byLength.length; start += batchSize) {
      int end = Math.min(start + batchSize, byLength.length);
      List<String> batch = new ArrayList<>(end - start);
      for (int k = start; k < end; k++) {
        batch.add(texts.get(byLength[k]));
      }
      float[][] batchVectors = predictor.predict(batch);
      for (int k = start; k < end; k++) {
        vectors[byLength[k]] = batchVectors[k - start];
      }
    }
    return vectors;
  }
}
