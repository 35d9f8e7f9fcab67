package dev.nightjar.jobs.stages;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.config.RecommendSettings;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.models.lists.SparkListAssembler;
import dev.nightjar.models.scoring.BlockwiseTopKScorer;
import dev.nightjar.models.scoring.TopKParams;
import dev.nightjar.transforms.Blend;
import dev.nightjar.models.itemitem.Ease;
import dev.nightjar.models.itemitem.EaseModel;
import dev.nightjar.transforms.CoOccurrence;
import dev.nightjar.transforms.CoOccurrenceParams;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.EventTypes;
import dev.nightjar.transforms.InteractionParams;
import dev.nightjar.transforms.Interactions;
import dev.nightjar.transforms.Interests;
import dev.nightjar.transforms.Ranking;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Night D's lists: candidates from ALS (dot product) and content (profile × item embedding cosine),
 * both exact top-N from the blockwise scorer with excluded items applied inside; EASE (closed-form
 * item-item, blockwise too) and co-occurrence (SAR-style, in SQL), both naming the history item behind
 * each candidate; trending (decayed recent popularity, overall and per category); repurchase of
 * consumables. A source weighted 0 is not computed. Scores are normalised per
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
  public static final String SOURCE_COOCCURRENCE = CoOccurrence.SOURCE;
  public static final String SOURCE_EASE = Ease.SOURCE;
  /** Trending items per category offered to every user, so exploration has something to pick. */
  public static final int TRENDING_PER_CATEGORY = 3;

  private RecommendStage() {}

  public static RunReport run(StageContext ctx, LocalDate date) {
    Lakehouse lake = ctx.lake();
    RunReport report = RunReport.of(NAME, date).detail(RunReport.CONFIG, ctx.config().describe());
    ctx.spark().sparkContext().setJobGroup(NAME, "nightjar recommend " + date, false);
    RecommendSettings s = ctx.config().recommend();
    String day = "run_date = DATE'" + date + "'";
    try (Candidates candidates = Candidates.build(
        ctx, date, s.candidatesPerSource(), Candidates.weighted(s), false, !s.exploreRanks().isEmpty(), report)) {
      lake.replaceWhere(Tables.RECOMMENDATIONS, candidates.lists(s), day, Columns.RUN_DATE);
      report.detail(Columns.MODEL_VERSION, candidates.modelVersion());
    }
    Dataset<Row> written = lake.read(Tables.RECOMMENDATIONS).where(day);
    Row counts = written.agg(count(lit(1)), countDistinct(Columns.USER_ID)).head();
    long rows = counts.getLong(0);
    long listed = counts.getLong(1);
    for (Row bySource : written.groupBy("source").count().collectAsList()) {
      report.detail("rows_" + bySource.getString(0), bySource.getLong(1));
    }
    LOG.info("Recommendations {}: {} rows for {} users (k {}, exploration ranks {})", date, rows, listed, s.k(), s.exploreRanks());
    return report.rowsIn(listed).accepted(listed).detail("rows", rows).detail("users", listed).detail("k", s.k()).write(lake);
  }

  /**
   * Night D's candidates from every source, computed once and kept (persisted) until closed, so that
   * several list settings (the evaluation's variants) can be assembled from them without scoring again.
   *
   * <pre>{@code
   * try (Candidates c = Candidates.build(ctx, date, 100, report)) {
   *   Dataset<Row> lists = c.lists(ctx.config().recommend());
   * }
   * }</pre>
   */
  public static final class Candidates implements AutoCloseable {
    private final Inputs in;
    private final LocalDate date;
    private final Dataset<Row> eligible;
    private final Dataset<Row> reorder;
    private final Dataset<Row> pool;
    private final Dataset<Row> history;
    private final Dataset<Row> beliefs;
    private final Broadcast<Map<String, float[]>> vectors;
    /** Null when EASE is not a source; its broadcast weights live until {@link #close}. */
    private final EaseModel ease;

    private Candidates(Inputs in, LocalDate date, Dataset<Row> eligible, Dataset<Row> reorder, Dataset<Row> pool, Dataset<Row> history,
        Dataset<Row> beliefs, Broadcast<Map<String, float[]>> vectors, EaseModel ease) {
      this.ease = ease;
      this.in = in;
      this.date = date;
      this.eligible = eligible;
      this.reorder = reorder;
      this.pool = pool;
      this.history = history;
      this.beliefs = beliefs;
      this.vectors = vectors;
    }

    /** The sources these settings weight above 0. */
    public static java.util.Set<String> weighted(RecommendSettings s) {
      return s.weights().entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey)
          .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }

    /**
     * Candidates of the given sources, {@code n} per source and user, business rules applied (only
     * available, not blocklisted items; no purchased item unless repurchasable and due).
     *
     * @param excludeSeen also leave out every item the user interacted with in the look-back window (the
     *     evaluation protocol, which never counts such an item as a hit); the nightly lists keep viewed but
     *     unbought items, which are often bought later
     * @param explorePool also the user's best {@value #EXPLORE_ITEMS_PER_CATEGORY} items by content in each
     *     of the {@code nightjar.recommend.exploreCategories} largest categories, so an exploration slot
     *     draws from the user's own items of a category their top-N does not reach (without them, only
     *     trending items, the same for everyone, represent such a category)
     */
    public static Candidates build(StageContext ctx, LocalDate date, int n, java.util.Set<String> sources, boolean excludeSeen,
        boolean explorePool, RunReport report) {
      Lakehouse lake = ctx.lake();
      RecommendSettings s = ctx.config().recommend();
      Inputs in = Inputs.read(lake, report, "run_date = DATE'" + date + "'");
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
      if (excludeSeen) {
        excluded = excluded.union(in.interactions.select(Columns.USER_ID, Columns.ITEM_ID)).distinct();
      }
      Dataset<Row> excludedIdx =
          excluded.join(in.userIndex.select(col(Columns.ID).as(Columns.USER_ID), col(Columns.IDX).as(BlockwiseTopKScorer.USER)), Columns.USER_ID)
              .join(in.itemIndex.select(col(Columns.ID).as(Columns.ITEM_ID), col(Columns.IDX).as(BlockwiseTopKScorer.ITEM)), Columns.ITEM_ID)
              .select(BlockwiseTopKScorer.USER, BlockwiseTopKScorer.ITEM);

      Dataset<Row> users = in.userFactors.select(Columns.USER_ID).distinct();
      Column noAnchor = lit(null).cast(DataTypes.StringType).as(Blend.ANCHOR_ITEM_ID);
      Dataset<Row> all = ctx.spark().createDataFrame(List.of(), new StructType()
          .add(Columns.USER_ID, DataTypes.StringType).add(Columns.ITEM_ID, DataTypes.StringType).add(Columns.SCORE, DataTypes.DoubleType)
          .add("source", DataTypes.StringType).add(Blend.ANCHOR_ITEM_ID, DataTypes.StringType));
      if (sources.contains(SOURCE_ALS)) {
        all = all.unionByName(score(in.userFactors, in.itemFactors.join(eligible.select(Columns.ITEM_ID), Columns.ITEM_ID),
            excludedIdx, in, n, TopKParams.Metric.DOT, SOURCE_ALS).withColumn(Blend.ANCHOR_ITEM_ID, noAnchor));
      }
      if (explorePool) {
        all = all.unionByName(bestPerCategory(ctx, in, eligible, excludedIdx, s).withColumn(Blend.ANCHOR_ITEM_ID, noAnchor));
      }
      if (sources.contains(SOURCE_CONTENT)) {
        all = all.unionByName(score(profileVectors(in), itemVectors(in, eligible), excludedIdx, in, n, TopKParams.Metric.COSINE, SOURCE_CONTENT).withColumn(Blend.ANCHOR_ITEM_ID, noAnchor));
      }
      if (sources.contains(SOURCE_TRENDING)) {
        Dataset<Row> trending = trending(in.events, eligible, date, s, ctx.config().interactions(), TrendingNoise.of(ctx, date, report));
        all = all.unionByName(users.crossJoin(trending.select(Columns.ITEM_ID, Columns.SCORE))
            .join(excluded, new String[] {Columns.USER_ID, Columns.ITEM_ID}, "left_anti")
            .withColumn("source", lit(SOURCE_TRENDING)).withColumn(Blend.ANCHOR_ITEM_ID, noAnchor));
      }
      if (sources.contains(SOURCE_REPURCHASE)) {
        all = all.unionByName(reorder.join(users, Columns.USER_ID)
            .select(col(Columns.USER_ID), col(Columns.ITEM_ID), col("days_since").cast(DataTypes.DoubleType).as(Columns.SCORE),
                lit(SOURCE_REPURCHASE).as("source"), col(Columns.ITEM_ID).as(Blend.ANCHOR_ITEM_ID)));
      }
      if (sources.contains(SOURCE_COOCCURRENCE)) {
        CoOccurrenceParams p = ctx.config().cooccurrence();
        all = all.unionByName(CoOccurrence.recommend(in.interactions,
                new CoOccurrenceParams(p.similarity(), p.minCoCount(), p.maxItemsPerUser(), p.neighboursPerItem(), n, p.weightedAffinity()))
            .join(eligible.select(Columns.ITEM_ID), Columns.ITEM_ID)
            .join(excluded, new String[] {Columns.USER_ID, Columns.ITEM_ID}, "left_anti")
            .select(col(Columns.USER_ID), col(Columns.ITEM_ID), col(Columns.SCORE), lit(SOURCE_COOCCURRENCE).as("source"),
                col(Columns.BECAUSE_ITEM_ID).as(Blend.ANCHOR_ITEM_ID)));
      }
      EaseModel ease = null;
      if (sources.contains(SOURCE_EASE)) {
        Dataset<Row> indexed = in.interactions
            .join(in.userIndex.select(col(Columns.ID).as(Columns.USER_ID), col(Columns.IDX).as(Columns.USER_IDX)), Columns.USER_ID)
            .join(in.itemIndex.select(col(Columns.ID).as(Columns.ITEM_ID), col(Columns.IDX).as(Columns.ITEM_IDX)), Columns.ITEM_ID)
            .select(Columns.USER_IDX, Columns.ITEM_IDX, Columns.WEIGHT)
            .persist(StorageLevel.MEMORY_AND_DISK());
        ease = Ease.fit(indexed, ctx.config().ease());
        LOG.info("Candidates {}: {}", date, ease.coverage().message());
        Dataset<Row> unavailable = in.itemIndex.select(col(Columns.ID).as(Columns.ITEM_ID), col(Columns.IDX).as(Columns.ITEM_IDX))
            .join(eligible.select(Columns.ITEM_ID), new String[] {Columns.ITEM_ID}, "left_anti");
        Dataset<Row> easeExclusions = excludedIdx.select(col(BlockwiseTopKScorer.USER).as(Columns.USER_IDX), col(BlockwiseTopKScorer.ITEM).as(Columns.ITEM_IDX))
            .unionByName(indexed.select(Columns.USER_IDX).distinct().crossJoin(unavailable.select(Columns.ITEM_IDX)));
        Dataset<Row> ids = in.itemIndex.select(col(Columns.IDX), col(Columns.ID));
        all = all.unionByName(ease.recommend(indexed, easeExclusions, n)
            .join(in.userIndex.select(col(Columns.IDX).as(Columns.USER_IDX), col(Columns.ID).as(Columns.USER_ID)), Columns.USER_IDX)
            .join(ids.select(col(Columns.IDX).as(Columns.ITEM_IDX), col(Columns.ID).as(Columns.ITEM_ID)), Columns.ITEM_IDX)
            .join(ids.select(col(Columns.IDX).as(Columns.BECAUSE_ITEM_IDX), col(Columns.ID).as(Blend.ANCHOR_ITEM_ID)),
                new String[] {Columns.BECAUSE_ITEM_IDX}, "left")
            .select(col(Columns.USER_ID), col(Columns.ITEM_ID), col(Columns.SCORE), lit(SOURCE_EASE).as("source"), col(Blend.ANCHOR_ITEM_ID)));
        report.detail("ease_items", ease.coverage().coveredItems());
      }
      // Only eligible items; the pool keeps each source's raw score, the blend happens per list setting.
      Dataset<Row> pool = all.join(eligible.select(Columns.ITEM_ID), Columns.ITEM_ID)
          .groupBy(Columns.USER_ID, Columns.ITEM_ID, "source") // an item both in a top-N and a category's best: once
          .agg(max(Columns.SCORE).as(Columns.SCORE), max(Blend.ANCHOR_ITEM_ID).as(Blend.ANCHOR_ITEM_ID))
          .persist(StorageLevel.MEMORY_AND_DISK());
      long poolRows = pool.count();
      report.detail("candidate_rows", poolRows);
      LOG.info("Candidates {}: {} rows ({} per source and user at most)", date, poolRows, n);
      Dataset<Row> history =
          Ranking.topKPerGroup(in.interactions, Columns.USER_ID, Columns.LAST_EVENT_TIME, Columns.ITEM_ID, 20)
              .join(in.items.select(Columns.ITEM_ID, Columns.TITLE), Columns.ITEM_ID)
              .select(col(Columns.USER_ID), col(Columns.ITEM_ID), col(Columns.TITLE), col(Columns.PURCHASES).gt(0).as("purchased"))
              .persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> beliefs = in.interests.select(Columns.USER_ID, Columns.CATEGORY, Interests.ALPHA, Interests.BETA);
      // Item vectors go to the driver once and are broadcast: bounded by the catalogue, not by events
      // (50k items × 384 floats ≈ 77 MB), like the item factors the scorer broadcasts.
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(ctx.spark().sparkContext());
      Broadcast<Map<String, float[]>> vectors =
          jsc.broadcast(SparkListAssembler.vectorsById(in.embeddings.select(Columns.ITEM_ID, "vector").collectAsList()));
      return new Candidates(in, date, eligible, reorder, pool, history, beliefs, vectors, ease);
    }

    /** The model version the lists name: the ALS model's, plus the embedding stage. */
    public String modelVersion() {
      return in.modelVersion;
    }

    /**
     * The lists for these settings: the blend with {@code s.weights()} (a source weighted 0 adds
     * nothing), then per user MMR, the category cap, exploration at {@code s.exploreRanks()} and reasons.
     * Columns as the {@code recommendations} table.
     */
    public Dataset<Row> lists(RecommendSettings s) {
      return lists(s, null);
    }

    /**
     * {@link #lists(RecommendSettings)} for {@code users} only (a {@code user_id} column; null = everyone): the
     * same rows for them, since every step (per-user normalisation, MMR, cap) works per user, assembled for
     * those users only — what tuning scores its validation users with.
     */
    public Dataset<Row> lists(RecommendSettings s, Dataset<Row> users) {
      Dataset<Row> weighted = pool.where(col("source").isin(s.weights().entrySet().stream()
          .filter(e -> e.getValue() > 0).map(Map.Entry::getKey).toArray()));
      if (users != null) {
        weighted = weighted.join(users.select(Columns.USER_ID), new String[] {Columns.USER_ID}, "left_semi");
      }
      Dataset<Row> blended = Blend.combine(weighted.select(Columns.USER_ID, Columns.ITEM_ID, "source", Columns.SCORE, Blend.ANCHOR_ITEM_ID),
              s.weights())
          .join(eligible, Columns.ITEM_ID);
      SparkListAssembler.Settings settings = new SparkListAssembler.Settings(
          s.k(), s.mmrLambda(), s.categoryCap(), s.exploreRanks(), s.propensitySamples(), s.seed());
      return SparkListAssembler.assemble(
              blended.select(Columns.USER_ID, Columns.ITEM_ID, Columns.TITLE, Columns.CATEGORY, Columns.SCORE, "source", Blend.ANCHOR_ITEM_ID),
              history, beliefs, vectors, settings, date.toEpochDay())
          .join(blended.select(Columns.USER_ID, Columns.ITEM_ID, Blend.COMPONENTS), new String[] {Columns.USER_ID, Columns.ITEM_ID})
          .select(
              col(Columns.USER_ID), col(Columns.RANK), col(Columns.ITEM_ID), col(Columns.SCORE), col("source"),
              col(Columns.REASON), col(SparkListAssembler.REASON_ITEM_IDS), col(SparkListAssembler.PROPENSITY),
              col(Blend.COMPONENTS), lit(Date.valueOf(date)).as(Columns.RUN_DATE), lit(in.modelVersion).as(Columns.MODEL_VERSION));
    }

    @Override
    public void close() {
      pool.unpersist();
      history.unpersist();
      eligible.unpersist();
      reorder.unpersist();
      vectors.destroy();
      if (ease != null) {
        ease.close();
      }
    }
  }

  /** Items per user and category offered to exploration (see {@link Candidates#build}). */
  public static final int EXPLORE_ITEMS_PER_CATEGORY = 3;

  /**
   * Each user's best {@value #EXPLORE_ITEMS_PER_CATEGORY} eligible items within each of the largest
   * {@code exploreCategories} categories by content: cosine between the user's profile vector and the
   * items' text embeddings. One blockwise scorer pass per category, over that category's items only, so
   * together they cost one pass over the catalogue. Content rather than ALS: for a category the user has
   * not touched, ALS ranks by the category's popularity (the same few items for everyone), while the
   * user's own profile picks the items of that category closest to what they do like.
   */
  private static Dataset<Row> bestPerCategory(
      StageContext ctx, Inputs in, Dataset<Row> eligible, Dataset<Row> excludedIdx, RecommendSettings s) {
    List<String> categories = eligible.where(col(Columns.CATEGORY).isNotNull()).groupBy(Columns.CATEGORY).count()
        .orderBy(col("count").desc(), col(Columns.CATEGORY)).limit(s.exploreCategories())
        .select(Columns.CATEGORY).as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    LOG.info("Exploration pool: each user's best {} items by content in each of {} categories", EXPLORE_ITEMS_PER_CATEGORY, categories.size());
    Dataset<Row> profiles = profileVectors(in);
    Dataset<Row> out = null;
    for (String category : categories) {
      Dataset<Row> best = score(profiles, itemVectors(in, eligible.where(col(Columns.CATEGORY).equalTo(category))), excludedIdx, in,
          EXPLORE_ITEMS_PER_CATEGORY, TopKParams.Metric.COSINE, SOURCE_CONTENT);
      out = out == null ? best : out.unionByName(best);
    }
    return out != null ? out : ctx.spark().createDataFrame(List.of(), new StructType()
        .add(Columns.USER_ID, DataTypes.StringType).add(Columns.ITEM_ID, DataTypes.StringType)
        .add(Columns.SCORE, DataTypes.DoubleType).add("source", DataTypes.StringType));
  }

  /** Users' profile vectors as scorer input: {@code user_id, idx, features}. */
  private static Dataset<Row> profileVectors(Inputs in) {
    return in.profiles.join(in.userIndex.select(col(Columns.ID).as(Columns.USER_ID), col(Columns.IDX)), Columns.USER_ID)
        .select(col(Columns.USER_ID), col(Columns.IDX), col("vector").as(Columns.FEATURES));
  }

  /** The text embeddings of {@code items} (with an item_id column) as scorer input: {@code item_id, idx, features}. */
  private static Dataset<Row> itemVectors(Inputs in, Dataset<Row> items) {
    return in.embeddings.join(items.select(Columns.ITEM_ID), Columns.ITEM_ID)
        .join(in.itemIndex.select(col(Columns.ID).as(Columns.ITEM_ID), col(Columns.IDX)), Columns.ITEM_ID)
        .select(col(Columns.ITEM_ID), col(Columns.IDX), col("vector").as(Columns.FEATURES));
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
