package dev.nightjar.jobs.stages;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.config.PrivacySettings;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.models.candidates.TrendingPopularity;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.privacy.DpParams;
import dev.nightjar.transforms.privacy.LaplaceNoise;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Differential privacy on trending popularity (docs/privacy.md), the population aggregate that feeds
 * every user's list. Off ({@code nightjar.privacy.epsilon=off}, the default): popularity is the exact sum
 * of the users' decayed interaction weights per item. On: each user's contribution is first bounded —
 * their {@code itemsPerUser} heaviest items only, each weight clipped to {@code maxWeight} — so adding or
 * removing one user changes the whole popularity vector by at most {@code itemsPerUser × maxWeight} in L1;
 * then every eligible item (those nobody touched too, so absence is not revealed) gets Laplace noise with
 * scale {@code itemsPerUser × maxWeight / ε}: one night's trending release is ε-differentially private per
 * user. The seed is derived from the pseudonym key and the date ({@link LaplaceNoise#secretSeed}), so a
 * rerun of the night releases the same numbers and nobody without the key can subtract the noise.
 *
 * <pre>{@code
 * TrendingNoise noise = TrendingNoise.of(ctx, date, report); // states ε in the run report
 * Dataset<Row> popularity = noise.popularity(contributions, eligible); // item_id, ..., score
 * }</pre>
 *
 * @param dp the mechanism (off, or Laplace with ε and the L1 sensitivity above)
 * @param seed the secret per-night seed (unused when off)
 * @param itemsPerUser with noise on: items each user contributes at most
 * @param maxWeight with noise on: the clip of each (user, item) weight
 */
public record TrendingNoise(DpParams dp, long seed, int itemsPerUser, double maxWeight) implements TrendingPopularity {
  /** Run-report details. */
  public static final String EPSILON = "dp_epsilon";
  public static final String SENSITIVITY = "dp_sensitivity";
  public static final String SCALE = "dp_laplace_scale";

  /** Exact popularity. */
  public static TrendingNoise off() {
    return new TrendingNoise(DpParams.off(), 0L, PrivacySettings.DEFAULT_TRENDING_ITEMS_PER_USER, PrivacySettings.DEFAULT_TRENDING_MAX_WEIGHT);
  }

  /** The configured mechanism for night {@code date}; states ε (or "off") and the noise scale in {@code report}. */
  public static TrendingNoise of(StageContext ctx, LocalDate date, RunReport report) {
    PrivacySettings p = ctx.config().privacy();
    DpParams dp = p.trendingNoise();
    report.detail(EPSILON, p.epsilonText());
    if (!dp.enabled()) {
      return off();
    }
    report.detail(SENSITIVITY, dp.sensitivity()).detail(SCALE, dp.scale());
    long seed = LaplaceNoise.secretSeed(ctx.pseudonymKey(), "trending/" + date);
    return new TrendingNoise(dp, seed, p.trendingItemsPerUser(), p.trendingMaxWeight());
  }

  /**
   * Popularity per eligible item: {@code eligible}'s columns plus {@code score} (double).
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
        .select(col(Columns.ITEM_ID), least(col(Columns.WEIGHT), lit(maxWeight)).as(Columns.WEIGHT));
    Dataset<Row> sums = bounded.groupBy(Columns.ITEM_ID).agg(sum(Columns.WEIGHT).as(Columns.SCORE));
    Dataset<Row> everyItem = eligible.join(sums, new String[] {Columns.ITEM_ID}, "left")
        .withColumn(Columns.SCORE, coalesce(col(Columns.SCORE), lit(0.0)));
    return LaplaceNoise.addToCounts(everyItem, Columns.SCORE, dp, seed, Columns.ITEM_ID);
  }
}
