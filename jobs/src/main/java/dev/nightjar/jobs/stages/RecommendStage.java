package dev.nightjar.jobs.stages;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.config.NightjarConfig.RecommendSettings;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.models.lists.SparkListAssembler;
import dev.nightjar.models.scoring.BlockwiseTopKScorer;
import dev.nightjar.models.scoring.TopKParams;
import dev.nightjar.transforms.Blend;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.EventTypes;
import dev.nightjar.transforms.InteractionParams;
import dev.nightjar.transforms.Interactions;
import dev.nightjar.transforms.Interests;
import dev.nightjar.transforms.Ranking;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Night D's lists: candidates from ALS (dot product) and content (profile × item embedding cosine),
 * both exact top-N from the blockwise scorer with excluded items applied inside; trending (decayed
 * recent popularity, overall and per category); repurchase of consumables. Scores are normalised per
 * source and blended with the configured weights; rules (purchased, unavailable, blocklist) apply
 * before the cut; then per user: MMR diversity, a category cap, exploration slots by Thompson
 * sampling, and a reason per row. Writes {@code recommendations} (partition {@code run_date = D}).
 */
public final class RecommendStage {
  private static final Logger LOG = LoggerFactory.getLogger(RecommendStage.class);
  public static final String NAME = "recommend";
  public static final String SOURCE_ALS = "als";
  public static final String SOURCE_CONTENT = "content";
  public static final String SOURCE_TRENDING = "trending";
  public static final String SOURCE_REPURCHASE = "repurchase";
  /** Trending items per category offered to every user, so exploration has something to pick. */
  public static final int TRENDING_PER_CATEGORY = 3;

  private RecommendStage() {}

  public static RunReport run(StageContext ctx, LocalDate date) {
    Lakehouse lake = ctx.lake();
    RunReport report = RunReport.of(NAME, date);
    ctx.spark().sparkContext().setJobGroup(NAME, "nightjar recommend " + date, false);
    RecommendSettings s = ctx.config().recommend();
    String day = "run_date = DATE'" + date + "'";
    Inputs in = Inputs.read(lake, report, day);

    // Rules that hold for everyone: available, not blocklisted.
    Dataset<Row> eligible =
        in.items.where(col(Columns.AVAILABLE).and(not(col(Columns.ITEM_ID).isin(s.blocklist().toArray()))))
            .select(Columns.ITEM_ID, Columns.TITLE, Columns.CATEGORY).persist(StorageLevel.MEMORY_AND_DISK());
    // Purchased items are excluded, unless their category is repurchasable and the reorder interval has passed.
    Dataset<Row> purchases = lastPurchases(in.events, in.items, date, ctx.config().interactions());
    Column dueForReorder = lit(false);
    for (Map.Entry<String, Integer> e : s.repurchaseDays().entrySet()) {
      Timestamp due = Timestamp.valueOf(date.plusDays(1).minusDays(e.getValue()).atStartOfDay());
      dueForReorder = dueForReorder.or(col(Columns.CATEGORY).equalTo(e.getKey()).and(col("last_purchase").leq(lit(due))));
    }
    Dataset<Row> reorder = purchases.where(dueForReorder).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> excluded = purchases.where(not(dueForReorder)).select(Columns.USER_ID, Columns.ITEM_ID);
    Dataset<Row> excludedIdx =
        excluded.join(in.userIndex.select(col(Columns.ID).as(Columns.USER_ID), col(Columns.IDX).as(BlockwiseTopKScorer.USER)), Columns.USER_ID)
            .join(in.itemIndex.select(col(Columns.ID).as(Columns.ITEM_ID), col(Columns.IDX).as(BlockwiseTopKScorer.ITEM)), Columns.ITEM_ID)
            .select(BlockwiseTopKScorer.USER, BlockwiseTopKScorer.ITEM);

    Dataset<Row> users = in.userFactors.select(Columns.USER_ID).distinct();
    Dataset<Row> cf = score(in.userFactors, in.itemFactors.join(eligible.select(Columns.ITEM_ID), Columns.ITEM_ID),
        excludedIdx, in, s.candidatesPerSource(), TopKParams.Metric.DOT, SOURCE_ALS);
    Dataset<Row> content = score(
        in.profiles.join(in.userIndex.select(col(Columns.ID).as(Columns.USER_ID), col(Columns.IDX)), Columns.USER_ID)
            .select(col(Columns.USER_ID), col(Columns.IDX), col("vector").as(Columns.FEATURES)),
        in.embeddings.join(eligible.select(Columns.ITEM_ID), Columns.ITEM_ID)
            .join(in.itemIndex.select(col(Columns.ID).as(Columns.ITEM_ID), col(Columns.IDX)), Columns.ITEM_ID)
            .select(col(Columns.ITEM_ID), col(Columns.IDX), col("vector").as(Columns.FEATURES)),
        excludedIdx, in, s.candidatesPerSource(), TopKParams.Metric.COSINE, SOURCE_CONTENT);
    Dataset<Row> trending = trending(in.events, eligible, date, s, ctx.config().interactions(), TrendingNoise.of(ctx, date, report));
    Dataset<Row> trendingCandidates =
        users.crossJoin(trending.select(Columns.ITEM_ID, Columns.SCORE))
            .join(excluded, new String[] {Columns.USER_ID, Columns.ITEM_ID}, "left_anti")
            .withColumn("source", lit(SOURCE_TRENDING));
    Dataset<Row> repurchase =
        reorder.join(users, Columns.USER_ID)
            .select(col(Columns.USER_ID), col(Columns.ITEM_ID), col("days_since").cast(DataTypes.DoubleType).as(Columns.SCORE),
                lit(SOURCE_REPURCHASE).as("source"));

    Dataset<Row> blended =
        Blend.combine(cf.unionByName(content).unionByName(trendingCandidates).unionByName(repurchase), s.weights())
            .join(eligible, Columns.ITEM_ID)
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> history =
        Ranking.topKPerGroup(in.interactions, Columns.USER_ID, Columns.LAST_EVENT_TIME, Columns.ITEM_ID, 20)
            .join(in.items.select(Columns.ITEM_ID, Columns.TITLE), Columns.ITEM_ID)
            .select(col(Columns.USER_ID), col(Columns.ITEM_ID), col(Columns.TITLE), col(Columns.PURCHASES).gt(0).as("purchased"));
    Dataset<Row> beliefs = in.interests.select(Columns.USER_ID, Columns.CATEGORY, Interests.ALPHA, Interests.BETA);

    // Item vectors go to the driver once and are broadcast: bounded by the catalogue, not by events
    // (50k items × 384 floats ≈ 77 MB), like the item factors the scorer broadcasts.
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(ctx.spark().sparkContext());
    Broadcast<Map<String, float[]>> vectors =
        jsc.broadcast(SparkListAssembler.vectorsById(in.embeddings.select(Columns.ITEM_ID, "vector").collectAsList()));
    SparkListAssembler.Settings settings = new SparkListAssembler.Settings(
        s.k(), s.mmrLambda(), s.categoryCap(), s.exploreRanks(), s.propensitySamples(), s.seed());
    Dataset<Row> lists =
        SparkListAssembler.assemble(blended.select(Columns.USER_ID, Columns.ITEM_ID, Columns.TITLE, Columns.CATEGORY, Columns.SCORE, "source"),
                history, beliefs, vectors, settings, date.toEpochDay())
            .join(blended.select(Columns.USER_ID, Columns.ITEM_ID, Blend.COMPONENTS), new String[] {Columns.USER_ID, Columns.ITEM_ID})
            .select(
                col(Columns.USER_ID), col(Columns.RANK), col(Columns.ITEM_ID), col(Columns.SCORE), col("source"),
                col(Columns.REASON), col(SparkListAssembler.REASON_ITEM_IDS), col(SparkListAssembler.PROPENSITY),
                col(Blend.COMPONENTS), lit(Date.valueOf(date)).as(Columns.RUN_DATE), lit(in.modelVersion).as(Columns.MODEL_VERSION));
    lake.replaceWhere(Tables.RECOMMENDATIONS, lists, day, Columns.RUN_DATE);
    blended.unpersist();
    eligible.unpersist();
    reorder.unpersist();
    vectors.destroy();

    Dataset<Row> written = lake.read(Tables.RECOMMENDATIONS).where(day);
    Row counts = written.agg(count(lit(1)), countDistinct(Columns.USER_ID)).head();
    long rows = counts.getLong(0);
    long listed = counts.getLong(1);
    for (Row bySource : written.groupBy("source").count().collectAsList()) {
      report.detail("rows_" + bySource.getString(0), bySource.getLong(1));
    }
    LOG.info("Recommendations {}: {} rows for {} users (k {}, exploration ranks {}, model {})",
        date, rows, listed, s.k(), s.exploreRanks(), in.modelVersion);
    return report.rowsIn(listed).accepted(listed).detail("rows", rows).detail("users", listed).detail("k", s.k())
        .detail(Columns.MODEL_VERSION, in.modelVersion).write(lake);
  }

  /** Exact top-N by the blockwise scorer, mapped back to string ids: {@code user_id, item_id, score, source}. */
  private static Dataset<Row> score(
      Dataset<Row> users, Dataset<Row> items, Dataset<Row> excludedIdx, Inputs in, int n, TopKParams.Metric metric, String source) {
    Dataset<Row> top =
        BlockwiseTopKScorer.topK(
            users.select(col(Columns.IDX).as(BlockwiseTopKScorer.ID), col(Columns.FEATURES).as(BlockwiseTopKScorer.FEATURES)),
            items.select(col(Columns.IDX).as(BlockwiseTopKScorer.ID), col(Columns.FEATURES).as(BlockwiseTopKScorer.FEATURES)),
            excludedIdx, TopKParams.of(n, metric));
    return top
        .join(in.userIndex.select(col(Columns.IDX).as(BlockwiseTopKScorer.USER), col(Columns.ID).as(Columns.USER_ID)), BlockwiseTopKScorer.USER)
        .join(in.itemIndex.select(col(Columns.IDX).as(BlockwiseTopKScorer.ITEM), col(Columns.ID).as(Columns.ITEM_ID)), BlockwiseTopKScorer.ITEM)
        .select(col(Columns.USER_ID), col(Columns.ITEM_ID), col(BlockwiseTopKScorer.SCORE).cast(DataTypes.DoubleType).as(Columns.SCORE),
            lit(source).as("source"));
  }

  /** Each user's purchased items with their category, last purchase time and days since. */
  static Dataset<Row> lastPurchases(Dataset<Row> events, Dataset<Row> items, LocalDate date, InteractionParams p) {
    Timestamp end = Timestamp.valueOf(date.plusDays(1).atStartOfDay());
    return Interactions.window(events, date, p)
        .where(col(Columns.EVENT_TYPE).equalTo(EventTypes.PURCHASE))
        .groupBy(Columns.USER_ID, Columns.ITEM_ID)
        .agg(max(Columns.EVENT_TIME).as("last_purchase"))
        .join(items.select(Columns.ITEM_ID, Columns.CATEGORY), Columns.ITEM_ID)
        .withColumn("days_since", datediff(lit(end), col("last_purchase")));
  }

  /**
   * Trending items: interaction weight summed over users in the last {@code trendingDays} days with
   * a short half-life — exact, or bounded per user and Laplace-noised ({@link TrendingNoise},
   * {@code nightjar.privacy.epsilon}); the overall top N plus the top {@value #TRENDING_PER_CATEGORY} of each category.
   */
  static Dataset<Row> trending(
      Dataset<Row> events, Dataset<Row> eligible, LocalDate date, RecommendSettings s, InteractionParams base, TrendingNoise noise) {
    InteractionParams recent = new InteractionParams(
        s.trendingDays(), s.trendingHalfLifeDays(), base.eventWeights(), base.botMaxEventsPerDay());
    Dataset<Row> popularity =
        noise.popularity(Interactions.compute(events, date, recent), eligible)
            .withColumn("all", lit("all"));
    Dataset<Row> overall = Ranking.topKPerGroup(popularity, "all", Columns.SCORE, Columns.ITEM_ID, s.candidatesPerSource());
    Dataset<Row> perCategory =
        Ranking.topKPerGroup(popularity.where(col(Columns.CATEGORY).isNotNull()), Columns.CATEGORY, Columns.SCORE, Columns.ITEM_ID,
            TRENDING_PER_CATEGORY);
    return overall.select(Columns.ITEM_ID, Columns.SCORE).union(perCategory.select(Columns.ITEM_ID, Columns.SCORE)).distinct();
  }

  /** The stage's inputs, each read at the version recorded in the report. */
  private record Inputs(
      Dataset<Row> userFactors, Dataset<Row> itemFactors, Dataset<Row> interactions, Dataset<Row> items, Dataset<Row> events,
      Dataset<Row> embeddings, Dataset<Row> profiles, Dataset<Row> interests, Dataset<Row> userIndex, Dataset<Row> itemIndex,
      String modelVersion) {

    static Inputs read(Lakehouse lake, RunReport report, String day) {
      Dataset<Row> userFactors = pinned(lake, report, Tables.ALS_USER_FACTORS).where(day);
      java.util.List<Row> first = userFactors.select(Columns.MODEL_VERSION).limit(1).collectAsList();
      if (first.isEmpty()) {
        throw new IllegalStateException("no ALS factors for " + day + ": run `train` for that date first");
      }
      return new Inputs(
          userFactors,
          pinned(lake, report, Tables.ALS_ITEM_FACTORS).where(day),
          pinned(lake, report, Tables.INTERACTIONS).where(day),
          pinned(lake, report, Tables.ITEMS),
          pinned(lake, report, Tables.EVENTS),
          pinned(lake, report, Tables.ITEM_EMBEDDINGS),
          pinned(lake, report, Tables.USER_PROFILES).where(day),
          pinned(lake, report, Tables.USER_INTERESTS).where(day),
          pinned(lake, report, Tables.USER_INDEX),
          pinned(lake, report, Tables.ITEM_INDEX),
          first.get(0).getString(0) + "+" + EmbedItemsStage.NAME);
    }

    private static Dataset<Row> pinned(Lakehouse lake, RunReport report, String table) {
      long version = lake.version(table);
      report.inputVersion(table, version);
      return lake.readAt(table, version);
    }
  }
}
