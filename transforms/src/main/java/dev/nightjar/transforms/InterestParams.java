package dev.nightjar.transforms;

/**
 * Settings of interest categories and their Beta posteriors.
 *
 * @param priorStrength pseudo-exposures of the population prior: with category conversion rate m,
 *     the prior is Beta(1 + s·m, 1 + s·(1 − m))
 * @param topCategories interest labels kept per user (ranked by posterior mean)
 */
public record InterestParams(double priorStrength, int topCategories) {
  public static final double DEFAULT_PRIOR_STRENGTH = 10.0;
  public static final int DEFAULT_TOP_CATEGORIES = 3;

  public InterestParams {
    if (!(priorStrength >= 0)) {
      throw new IllegalArgumentException("priorStrength must be >= 0, got " + priorStrength);
    }
    if (topCategories < 1) {
      throw new IllegalArgumentException("topCategories must be >= 1, got " + topCategories);
    }
  }

  public static InterestParams defaults() {
    return new InterestParams(DEFAULT_PRIOR_STRENGTH, DEFAULT_TOP_CATEGORIES);
  }
}
