package dev.nightjar.jobs.stages;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.config.PrivacySettings;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.models.candidates.TrendingPopularity;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.privacy.DpParams;
import dev.nightjar.transforms.privacy.Grid;
import dev.nightjar.transforms.privacy.LaplaceNoise;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Differential privacy on trending popularity (docs/privacy.md), the population aggregate that feeds
 * every user's list. Off ({@code nightjar.privacy.epsilon=off}, the default): popularity is the exact sum
 * of the users' decayed interaction weights per item. On: each user's contribution is first bounded and put
 * on the grid — their {@code itemsPerUser} heaviest items only, each weight rounded to whole grid units
 * ({@link Grid#units}) and clipped to [0, {@code maxUnits}] — so adding or removing one user changes the
 * vector of per-item unit counts by at most {@code itemsPerUser × maxUnits} in L1; then every eligible item
 * (those nobody touched too, so absence is not revealed) gets discrete Laplace noise on its integer unit
 * count ({@link LaplaceNoise#addToCounts}, scale {@code itemsPerUser × maxUnits / ε}) and is released as
 * that many grid units: one night's trending release is ε-differentially private per user, and its
 * floating-point bits carry nothing beyond the noisy integer. The seed is derived from the pseudonym key
 * and the date ({@link LaplaceNoise#secretSeed}), so a rerun of the night releases the same numbers and
 * nobody without the key can subtract the noise.
 *
 * <pre>{@code
 * TrendingNoise noise = TrendingNoise.of(ctx, date, report); // states ε in the run report
 * Dataset<Row> popularity = noise.popularity(contributions, eligible); // item_id, ..., score
 * }</pre>
 *
 * @param dp the mechanism on the unit counts (off, or discrete Laplace with ε and a sensitivity in grid units
 *     of at least {@code itemsPerUser × maxUnits})
 * @param seed the secret per-night seed (unused when off)
 * @param itemsPerUser with noise on: items each user contributes at most
 * @param maxUnits with noise on: the clip of each (user, item) weight, in grid units
 * @param grid with noise on: the grid weights are rounded to and popularity is released on
 */
public record TrendingNoise(DpParams dp, long seed, int itemsPerUser, long maxUnits, Grid grid) implements TrendingPopularity {
  /** Run-report details. */
  public static final String EPSILON = "dp_epsilon";
  public static final String SENSITIVITY = "dp_sensitivity";
  public static final String SCALE = "dp_laplace_scale";
  public static final String GRID = "dp_grid";

  public TrendingNoise {
    if (dp.enabled() && dp.sensitivity() < (double) itemsPerUser * maxUnits) {
      throw new IllegalArgumentException("the sensitivity " + dp.sensitivity() + " (grid units) is below what one user can change, "
          + itemsPerUser + " items × " + maxUnits + " units: the release would not be " + dp.epsilon() + "-DP");
    }
  }

  /** Exact popularity. */
  public static TrendingNoise off() {
    Grid grid = new Grid(PrivacySettings.DEFAULT_TRENDING_GRID);
    return new TrendingNoise(DpParams.off(), 0L, PrivacySettings.DEFAULT_TRENDING_ITEMS_PER_USER,
        grid.units(PrivacySettings.DEFAULT_TRENDING_MAX_WEIGHT), grid);
  }

  /**
   * The configured mechanism for night {@code date}; states ε (or "off") in {@code report} and, when on, the
   * sensitivity and noise scale in weight units (grid units over the grid) and the grid.
   */
  public static TrendingNoise of(StageContext ctx, LocalDate date, RunReport report) {
    PrivacySettings p = ctx.config().privacy();
    DpParams dp = p.trendingNoise();
    report.detail(EPSILON, p.epsilonText());
    if (!dp.enabled()) {
      return off();
    }
    Grid grid = p.trendingGrid();
    report.detail(SENSITIVITY, grid.value(dp.sensitivity())).detail(SCALE, grid.value(dp.scale()))
        .detail(GRID, grid.unitsPerOne());
    long seed = LaplaceNoise.secretSeed(ctx.pseudonymKey(), "trending/" + date);
    return new TrendingNoise(dp, seed, p.trendingItemsPerUser(), p.trendingMaxUnits(), grid);
  }

  /**
   * Popularity per eligible item: {@code eligible}'s columns plus {@code score} (double; with noise on, a
   * multiple of the grid step).
   *
   * @param contributions {@code user_id, item_id, weight}: one row per (user, item)
   * @param eligible the items that may trend, with {@code item_id}
   */
  @Override
  public Dataset<Row> popularity(Dataset<Row> contributions, Dataset<Row> eligible) {
    if (!dp.enabled()) {
      return TrendingPopularity.exact().popularity(contributions, eligible);
    }
    Dataset<Row> bounded = contributions
        .withColumn("_contribution_rank", row_number().over(
            Window.partitionBy(Columns.USER_ID).orderBy(col(Columns.WEIGHT).desc(), col(Columns.ITEM_ID))))
        .where(col("_contribution_rank").leq(itemsPerUser))
        .select(col(Columns.ITEM_ID), greatest(lit(0L), least(grid.units(col(Columns.WEIGHT)), lit(maxUnits))).as(Columns.WEIGHT));
    Dataset<Row> units = bounded.groupBy(Columns.ITEM_ID).agg(sum(Columns.WEIGHT).as(Columns.SCORE));
    Dataset<Row> everyItem = eligible.join(units, new String[] {Columns.ITEM_ID}, "left")
        .withColumn(Columns.SCORE, coalesce(col(Columns.SCORE), lit(0L)));
    return LaplaceNoise.addToCounts(everyItem, Columns.SCORE, dp, seed, Columns.ITEM_ID)
        .withColumn(Columns.SCORE, grid.value(col(Columns.SCORE)));
  }
}
