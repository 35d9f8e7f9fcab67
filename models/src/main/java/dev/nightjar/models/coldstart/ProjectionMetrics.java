package dev.nightjar.models.coldstart;

import java.io.Serializable;
import java.util.Locale;

/**
 * How a trained projection did, measured on warm items kept out of training.
 *
 * <pre>{@code
 * ProjectionMetrics m = trained.metrics();
 * if (m.holdoutCosine() <= m.baselineCosine()) {
 *   LOG.warn("projection no better than the mean factor vector: {}", m.summary());
 * }
 * }</pre>
 *
 * @param trainingItems warm items the projection was trained on
 * @param holdoutItems warm items kept out of training and measured on (0 when the hold-out share is 0)
 * @param epochsRun epochs actually run (fewer than configured when the training loss stalled)
 * @param finalTrainingLoss mean squared error per factor value over the last epoch, halved (DJL's L2 loss)
 * @param holdoutCosine mean cosine between projected and true factors on the hold-out; NaN without hold-out
 * @param baselineCosine the same for the baseline that predicts the mean training factor vector for every item
 * @param holdoutNormRatio mean length of the projected vectors over mean length of the true ones, on the
 *     hold-out: below 1 means projected items score lower than warm ones under a dot product
 * @param device the device training ran on, e.g. {@code cpu()} or {@code gpu(0)}
 * @param trainingMillis wall time of training and measuring (not counting the engine's start)
 */
public record ProjectionMetrics(
    int trainingItems,
    int holdoutItems,
    int epochsRun,
    double finalTrainingLoss,
    double holdoutCosine,
    double baselineCosine,
    double holdoutNormRatio,
    String device,
    long trainingMillis)
    implements Serializable {

  /** One line for logs and job output. */
  public String summary() {
    return String.format(Locale.ROOT,
        "hold-out cosine %.4f vs mean-vector baseline %.4f (norm ratio %.3f) on %d items; trained on %d items,"
            + " %d epochs, final loss %.6f, %s, %d ms",
        holdoutCosine, baselineCosine, holdoutNormRatio, holdoutItems, trainingItems, epochsRun, finalTrainingLoss,
        device, trainingMillis);
  }
}
