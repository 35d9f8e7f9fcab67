package dev.nightjar.jobs.config;

import dev.nightjar.transforms.privacy.DpParams;
import dev.nightjar.transforms.privacy.Grid;
import dev.nightjar.transforms.privacy.KAnonymity;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Privacy settings of the stages (docs/privacy.md); keys in {@link ConfigKeys.Privacy}.
 *
 * <pre>{@code
 * PrivacySettings p = NightjarConfig.load(null, List.of("nightjar.privacy.epsilon=0.5")).privacy();
 * p.trendingMaxUnits();      // 500: the clip 5.0 on the grid of hundredths
 * p.trendingNoise().scale(); // 20000.0 grid units (200.0 in weight): sensitivity 20 × 500 over ε 0.5
 * }</pre>
 *
 * @param pseudonymKeyFile a secret file holding the pseudonym key as hex (never the key itself); empty = the
 *     environment ({@code NIGHTJAR_PSEUDONYM_KEY}, {@code NIGHTJAR_PSEUDONYM_KEY_FILE}), or an embedded run's local key
 * @param epsilon ε of the discrete Laplace noise on trending popularity, or {@value DpParams#OFF} (exact, the default)
 * @param trendingItemsPerUser with noise on: each user's contribution to trending is capped to this many items
 * @param trendingMaxWeight with noise on: each (user, item) weight is clipped to at most this
 * @param trendingGrid with noise on: the grid weights are rounded to and popularity is released on
 * @param kAnonymity per-group outputs for analysts ({@code segment_summary}, {@code category_summary}) drop
 *     groups with fewer than this many distinct users
 */
public record PrivacySettings(
    Optional<Path> pseudonymKeyFile, DpParams epsilon, int trendingItemsPerUser, double trendingMaxWeight, Grid trendingGrid,
    int kAnonymity) {
  public static final String DEFAULT_EPSILON = DpParams.OFF;
  public static final int DEFAULT_TRENDING_ITEMS_PER_USER = 20;
  public static final double DEFAULT_TRENDING_MAX_WEIGHT = 5.0;
  /** Hundredths: rounding a weight moves it by at most 0.005, far below the noise at any useful ε. */
  public static final int DEFAULT_TRENDING_GRID = 100;
  public static final int DEFAULT_K_ANONYMITY = KAnonymity.DEFAULT_K;

  public PrivacySettings {
    if (trendingGrid.units(trendingMaxWeight) < 1) {
      throw new ConfigException("nightjar.privacy.trendingMaxWeight = " + trendingMaxWeight
          + " rounds to 0 units of the grid nightjar.privacy.trendingGrid = " + trendingGrid.unitsPerOne()
          + ": every weight would be clipped to 0. Fix: raise trendingGrid to at least " + (long) Math.ceil(0.5 / trendingMaxWeight));
    }
  }

  /** The clip of each (user, item) weight in whole grid units: {@code trendingMaxWeight} rounded to the grid. */
  public long trendingMaxUnits() {
    return trendingGrid.units(trendingMaxWeight);
  }

  /**
   * The mechanism on trending popularity, counted in grid units: off, or discrete Laplace with ε and the L1
   * sensitivity of the whole popularity vector, {@code trendingItemsPerUser × trendingMaxUnits()} (what one
   * user can change in total).
   */
  public DpParams trendingNoise() {
    return epsilon.enabled() ? DpParams.laplace(epsilon.epsilon(), trendingItemsPerUser * trendingMaxUnits()) : DpParams.off();
  }

  /** ε as the run report states it: a number, or {@value DpParams#OFF}. */
  public String epsilonText() {
    return epsilon.enabled() ? Double.toString(epsilon.epsilon()) : DpParams.OFF;
  }
}
