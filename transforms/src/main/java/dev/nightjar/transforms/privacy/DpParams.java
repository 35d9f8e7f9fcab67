package dev.nightjar.transforms.privacy;

import java.util.Locale;

/**
 * Settings of the discrete Laplace mechanism ({@link LaplaceNoise}): whether noise is added, the privacy
 * budget ε spent by one release of the counts, and the sensitivity Δ of each count (how much one
 * user can change it, in the count's units). The noise scale is {@code t = Δ / ε}.
 *
 * <p>"Off" is explicit: {@link #off()} (or {@code parse("off")}) gives exact counts. An ε of 0 or
 * below is refused instead of meaning "off", because a small ε means <em>more</em> noise; an ε of
 * {@code +∞} is accepted and, like off, adds no noise (t = 0).
 *
 * <pre>{@code
 * DpParams dp = DpParams.laplace(1.0);                  // ε = 1, sensitivity 1 (distinct-user counts)
 * DpParams fromConfig = DpParams.parse(conf.get("nightjar.privacy.epsilon", "off"));
 * }</pre>
 *
 * @param enabled false for exact counts; epsilon is then stored as {@code +∞}
 * @param epsilon the privacy budget per release, {@code > 0} ({@code +∞} = no noise)
 * @param sensitivity the most one user can change one count, {@code > 0} and finite
 */
public record DpParams(boolean enabled, double epsilon, double sensitivity) {
  /** ε of {@link #defaults()}: a common middle ground between accuracy and privacy. */
  public static final double DEFAULT_EPSILON = 1.0;

  /** Δ for counts of distinct users: adding or removing one user changes each by at most 1. */
  public static final double DEFAULT_SENSITIVITY = 1.0;

  /** The text that {@link #parse(String)} reads as "no noise". */
  public static final String OFF = "off";

  public DpParams {
    if (!(sensitivity > 0) || Double.isInfinite(sensitivity)) {
      throw new IllegalArgumentException(
          "sensitivity must be > 0 and finite (the most one user can change one count), got " + sensitivity);
    }
    if (!enabled) {
      epsilon = Double.POSITIVE_INFINITY;
    } else if (!(epsilon > 0)) {
      throw new IllegalArgumentException(
          "epsilon must be > 0 (a smaller epsilon adds more noise); for exact counts use "
              + "DpParams.off() or epsilon=" + OFF + ", got " + epsilon);
    }
  }

  /** Laplace noise with ε = {@value #DEFAULT_EPSILON} and Δ = {@value #DEFAULT_SENSITIVITY}. */
  public static DpParams defaults() {
    return laplace(DEFAULT_EPSILON);
  }

  /** Exact counts, no noise. */
  public static DpParams off() {
    return new DpParams(false, Double.POSITIVE_INFINITY, DEFAULT_SENSITIVITY);
  }

  /** Laplace noise with budget {@code epsilon} and sensitivity {@value #DEFAULT_SENSITIVITY}. */
  public static DpParams laplace(double epsilon) {
    return laplace(epsilon, DEFAULT_SENSITIVITY);
  }

  /** Laplace noise with budget {@code epsilon} and sensitivity {@code sensitivity}. */
  public static DpParams laplace(double epsilon, double sensitivity) {
    return new DpParams(true, epsilon, sensitivity);
  }

  /**
   * Reads a configured ε: {@value #OFF} (any case) for exact counts, otherwise a number {@code > 0}
   * with sensitivity {@value #DEFAULT_SENSITIVITY}.
   */
  public static DpParams parse(String epsilon) {
    String text = epsilon == null ? "" : epsilon.trim();
    if (text.toLowerCase(Locale.ROOT).equals(OFF)) {
      return off();
    }
    try {
      return laplace(Double.parseDouble(text));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "epsilon must be a number > 0 or '" + OFF + "', got '" + epsilon + "'", e);
    }
  }

  /** The discrete Laplace scale {@code t = sensitivity / epsilon}; 0 when no noise is added. */
  public double scale() {
    return enabled ? sensitivity / epsilon : 0.0;
  }

  /** Whether {@link LaplaceNoise} changes the counts at all (enabled and ε finite). */
  public boolean addsNoise() {
    return scale() > 0;
  }
}
