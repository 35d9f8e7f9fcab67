package dev.nightjar.jobs.demo;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.privacy.Pseudonyms;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Checks recommendations against the synthetic shop's planted truth: the share of recommended
 * items that fall in the user's latent categories, next to what random lists would give.
 *
 * <pre>{@code
 * PlantedTruth.Result r = PlantedTruth.latentCategoryShare(spark, dataDir, recommendations, items, ctx.pseudonymKey());
 * }</pre>
 */
public final class PlantedTruth {
  private PlantedTruth() {}

  /**
   * @param share share of recommendation rows whose item category is one of the user's latent categories
   * @param chance the share expected from random items: mean over users of (items in their categories ÷ all items)
   * @param rows recommendation rows checked
   */
  public record Result(double share, double chance, long rows) {
    public double lift() {
      return chance > 0 ? share / chance : Double.NaN;
    }
  }

  /** The column of {@link #userCategories} holding the generator's raw user id. */
  public static final String RAW_USER_ID = "raw_user_id";

  /**
   * Users' latent categories from {@code truth_users.csv}, one row per (user_id, category), with
   * {@code user_id} the HMAC pseudonym under {@code key} (as the lakehouse's tables key users) and
   * {@value #RAW_USER_ID} the generator's id.
   */
  public static Dataset<Row> userCategories(SparkSession spark, Path dataDir, byte[] key) {
    return spark
        .read()
        .option("header", "true")
        .csv(dataDir.resolve(SyntheticShop.TRUTH_USERS_FILE).toString())
        .select(Pseudonyms.hmacSha256(col(Columns.USER_ID), key).as(Columns.USER_ID), col(Columns.USER_ID).as(RAW_USER_ID),
            explode(split(col("categories"), "\\|")).as(Columns.CATEGORY));
  }

  /** @param key the pseudonym key the lakehouse's users are keyed with */
  public static Result latentCategoryShare(
      SparkSession spark, Path dataDir, Dataset<Row> recommendations, Dataset<Row> items, byte[] key) {
    Dataset<Row> truth = userCategories(spark, dataDir, key);
    Dataset<Row> recs =
        recommendations
            .select(Columns.USER_ID, Columns.ITEM_ID)
            .join(truth.select(Columns.USER_ID).distinct(), Columns.USER_ID)
            .join(items.select(Columns.ITEM_ID, Columns.CATEGORY), Columns.ITEM_ID);
    Row hits =
        recs.join(truth.withColumn("user_cat_hit", lit(1)), new String[] {Columns.USER_ID, Columns.CATEGORY}, "left")
            .agg(count(lit(1)), sum(when(col("user_cat_hit").isNotNull(), 1).otherwise(0)))
            .head();
    long rows = hits.getLong(0);
    double share = rows == 0 ? 0 : hits.getLong(1) / (double) rows;
    Dataset<Row> categorySizes = items.groupBy(Columns.CATEGORY).agg(count(lit(1)).as("n"));
    long allItems = items.count();
    Row chanceRow =
        truth.join(categorySizes, Columns.CATEGORY)
            .groupBy(Columns.USER_ID)
            .agg(sum("n").divide(allItems).as("p"))
            .agg(avg("p"))
            .head();
    return new Result(share, chanceRow.isNullAt(0) ? 0 : chanceRow.getDouble(0), rows);
  }
}
