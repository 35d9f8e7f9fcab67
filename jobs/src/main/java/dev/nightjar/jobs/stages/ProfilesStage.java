package dev.nightjar.jobs.stages;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.config.ProfileSettings;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.models.content.ContentNeighbours;
import dev.nightjar.models.content.ContentProfiles;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.Interactions;
import dev.nightjar.transforms.Interests;
import dev.nightjar.transforms.privacy.KAnonymity;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Night D's user profiles: the content vector (weighted mean of item embeddings), interest
 * categories with exposure/positive counts and Beta posteriors (the exploration policy's inputs),
 * the population prior per category, interest labels (top categories) and k-means segments; and the
 * content neighbours: {@code similar_items} (item → most similar items) and {@code item_audiences}
 * (new item → users whose profile is closest); and for analysts, per-segment and per-category summaries
 * with groups of fewer than k users suppressed ({@code nightjar.privacy.kAnonymity}). Writes
 * {@code user_profiles}, {@code user_interests}, {@code category_priors}, {@code similar_items},
 * {@code item_audiences}, {@code segment_summary} and {@code category_summary} (partition D).
 *
 * <p>Offline workspaces (evaluation, tuning) need only what candidates are built from, so they run
 * {@link #runForScoring}: the same {@code user_profiles} vectors, {@code user_interests} and
 * {@code category_priors}, without k-means segments (all 0), the content neighbours and the analyst summaries.
 *
 * <pre>{@code
 * RunReport nightly = ProfilesStage.run(ctx, LocalDate.parse("2026-10-31"));
 * RunReport workspace = ProfilesStage.runForScoring(workCtx, LocalDate.parse("2026-10-28"));
 * }</pre>
 */
public final class ProfilesStage {
  private static final Logger LOG = LoggerFactory.getLogger(ProfilesStage.class);
  public static final String NAME = "profiles";
  /** The report detail: whether exploration can run on these profiles (some interest category exists). */
  public static final String EXPLORATION_POSSIBLE = "exploration_possible";

  /** Run-report details of the k-anonymity threshold on the analyst summaries. */
  public static final String K_ANONYMITY = "k_anonymity";
  public static final String SEGMENTS_SUPPRESSED = "segments_suppressed";
  public static final String CATEGORIES_SUPPRESSED = "categories_suppressed";
  /** Interest labels listed per segment in {@code segment_summary}. */
  public static final int SUMMARY_TOP_CATEGORIES = 3;
  public static final String USERS = "users";
  public static final String TOP_CATEGORIES = "top_categories";

  private ProfilesStage() {}

  /**
   * {@code segment_summary}: per segment, its distinct {@code users} and its {@value #SUMMARY_TOP_CATEGORIES}
   * most common interest labels ({@code top_categories}, by users holding the label, then name); segments
   * with fewer than {@code k} distinct users are suppressed.
   *
   * @param profiles {@code user_id, segment, top_categories} (the stored {@code user_profiles} of one night)
   */
  public static KAnonymity.Result segmentSummary(Dataset<Row> profiles, int k) {
    String segment = ContentProfiles.SEGMENT;
    Dataset<Row> sizes = profiles.groupBy(segment).agg(countDistinct(Columns.USER_ID).as(USERS));
    Dataset<Row> labels = profiles.select(col(segment), col(Columns.USER_ID), explode(col(TOP_CATEGORIES)).as(Columns.CATEGORY))
        .groupBy(segment, Columns.CATEGORY).agg(countDistinct(Columns.USER_ID).as("holders"))
        .withColumn(Columns.RANK, row_number().over(
            Window.partitionBy(segment).orderBy(col("holders").desc(), col(Columns.CATEGORY))))
        .where(col(Columns.RANK).leq(SUMMARY_TOP_CATEGORIES))
        .groupBy(segment)
        .agg(transform(sort_array(collect_list(struct(col(Columns.RANK), col(Columns.CATEGORY)))), x -> x.getField(Columns.CATEGORY))
            .as(TOP_CATEGORIES));
    Dataset<Row> summary = sizes.join(labels, new String[] {segment}, "left")
        .withColumn(TOP_CATEGORIES, coalesce(col(TOP_CATEGORIES), array().cast("array<string>")))
        .select(segment, USERS, TOP_CATEGORIES);
    return KAnonymity.suppressSmallGroups(summary, profiles.select(segment, Columns.USER_ID), k, segment);
  }

  /**
   * {@code category_summary}: per category, its distinct {@code users}, {@code exposures} and {@code positives};
   * categories with fewer than {@code k} distinct users are suppressed. ({@code category_priors} holds the same
   * counts unsuppressed because every category's prior feeds the posteriors: it is a model input, not a report.)
   *
   * @param counts {@code user_id, category, exposures, positives} (per user and category)
   */
  public static KAnonymity.Result categorySummary(Dataset<Row> counts, int k) {
    Dataset<Row> summary = counts.groupBy(Columns.CATEGORY)
        .agg(countDistinct(Columns.USER_ID).as(USERS), sum(Interests.EXPOSURES).as(Interests.EXPOSURES),
            sum(Interests.POSITIVES).as(Interests.POSITIVES));
    return KAnonymity.suppressSmallGroups(summary, counts.select(Columns.CATEGORY, Columns.USER_ID), k, Columns.CATEGORY);
  }

  /** Every output of the stage, as the nightly run writes it. */
  public static RunReport run(StageContext ctx, LocalDate date) {
    return run(ctx, date, true);
  }

  /**
   * Only the outputs candidates are built from ({@code user_profiles} with segment 0, {@code user_interests},
   * {@code category_priors}): what evaluation and tuning workspaces train on. Skips k-means, the content
   * neighbours and the analyst summaries, which no candidate source reads.
   */
  public static RunReport runForScoring(StageContext ctx, LocalDate date) {
    return run(ctx, date, false);
  }

  private static RunReport run(StageContext ctx, LocalDate date, boolean everyOutput) {
    Lakehouse lake = ctx.lake();
    RunReport report = RunReport.of(NAME, date);
    ProfileSettings p = ctx.config().profiles();
    String day = "run_date = DATE'" + date + "'";
    Column runDate = lit(Date.valueOf(date)).as(Columns.RUN_DATE);
    long interactionsVersion = lake.version(Tables.INTERACTIONS);
    long embeddingsVersion = lake.version(Tables.ITEM_EMBEDDINGS);
    long eventsVersion = lake.version(Tables.EVENTS);
    long itemsVersion = lake.version(Tables.ITEMS);
    report.inputVersion(Tables.INTERACTIONS, interactionsVersion).inputVersion(Tables.ITEM_EMBEDDINGS, embeddingsVersion)
        .inputVersion(Tables.EVENTS, eventsVersion).inputVersion(Tables.ITEMS, itemsVersion);
    Dataset<Row> interactions = lake.readAt(Tables.INTERACTIONS, interactionsVersion).where(day);
    Dataset<Row> users = interactions.select(Columns.USER_ID).distinct();

    // Interest categories (bots are not in interactions, so they drop out here too).
    Dataset<Row> counted = Interactions.counted(lake.readAt(Tables.EVENTS, eventsVersion), date, ctx.config().interactions());
    Dataset<Row> counts = Interests.counts(counted, lake.readAt(Tables.ITEMS, itemsVersion))
        .join(users, Columns.USER_ID).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> priors = Interests.priors(counts, p.interests());
    lake.replaceWhere(Tables.CATEGORY_PRIORS, priors.withColumn(Columns.RUN_DATE, runDate), day, Columns.RUN_DATE);
    Dataset<Row> storedPriors = lake.read(Tables.CATEGORY_PRIORS).where(day);
    lake.replaceWhere(Tables.USER_INTERESTS,
        Interests.posteriors(counts, storedPriors, users).withColumn(Columns.RUN_DATE, runDate), day, Columns.RUN_DATE);
    // Per-group outputs for analysts keep only groups of at least k distinct users (k-anonymity threshold).
    int k = ctx.config().privacy().kAnonymity();
    if (everyOutput) {
      KAnonymity.Result categorySummary = categorySummary(counts, k);
      lake.replaceWhere(Tables.CATEGORY_SUMMARY, categorySummary.kept().withColumn(Columns.RUN_DATE, runDate), day, Columns.RUN_DATE);
      report.detail(CATEGORIES_SUPPRESSED, categorySummary.suppressedGroupCount());
    }
    counts.unpersist();

    // Content vectors, interest labels and segments.
    Dataset<Row> vectors = ContentProfiles.profiles(interactions, lake.readAt(Tables.ITEM_EMBEDDINGS, embeddingsVersion))
        .persist(StorageLevel.MEMORY_AND_DISK());
    long profiles = vectors.count();
    Dataset<Row> labels = lake.read(Tables.USER_INTERESTS).where(day).where(col(Columns.RANK).leq(p.interests().topCategories()))
        .groupBy(Columns.USER_ID)
        .agg(transform(sort_array(collect_list(struct(col(Columns.RANK), col(Columns.CATEGORY)))), s -> s.getField(Columns.CATEGORY))
            .as("top_categories"));
    Dataset<Row> withSegments = everyOutput && profiles >= p.segments()
        ? vectors.join(ContentProfiles.segments(vectors, p.segments(), p.seed()), Columns.USER_ID)
        : vectors.withColumn(ContentProfiles.SEGMENT, lit(0));
    lake.replaceWhere(Tables.USER_PROFILES,
        withSegments.join(labels, new String[] {Columns.USER_ID}, "left").withColumn(Columns.RUN_DATE, runDate), day, Columns.RUN_DATE);
    if (everyOutput) {
      writeNeighboursAndSegmentSummary(lake, date, p, k, interactions, vectors, embeddingsVersion, itemsVersion, report);
    }
    vectors.unpersist();
    long categories = storedPriors.count();
    LOG.info("profiles {}: {} users with a content vector, {} categories, {} segments{}", date, profiles, categories,
        everyOutput ? p.segments() : 1, everyOutput ? "" : " (for scoring only: no neighbours, segments or summaries)");
    // Exploration samples interest categories: with none (no item has a category) it cannot run, and says so.
    boolean explorable = categories > 0;
    if (!explorable) {
      LOG.warn("profiles {}: no interest category (no counted event is on an item with a category): exploration slots "
          + "cannot run and lists will have none; give items a category", date);
    }
    report.rowsIn(profiles).accepted(profiles).detail("users", profiles).detail("categories", categories)
        .detail("segments", everyOutput ? p.segments() : 1).detail(EXPLORATION_POSSIBLE, explorable);
    return report.status(profiles == 0 ? RunReport.STATUS_NO_DATA : RunReport.STATUS_OK).write(lake);
  }

  /** Content neighbours ({@code similar_items}, {@code item_audiences}) and the k-anonymous {@code segment_summary}. */
  private static void writeNeighboursAndSegmentSummary(Lakehouse lake, LocalDate date, ProfileSettings p, int k, Dataset<Row> interactions,
      Dataset<Row> vectors, long embeddingsVersion, long itemsVersion, RunReport report) {
    String day = "run_date = DATE'" + date + "'";
    Column runDate = lit(Date.valueOf(date)).as(Columns.RUN_DATE);

    // Content neighbours: similar items, and the audience of each new item (for new-product promotion).
    Dataset<Row> embeddings = lake.readAt(Tables.ITEM_EMBEDDINGS, embeddingsVersion).select(Columns.ITEM_ID, ContentProfiles.VECTOR);
    lake.replaceWhere(Tables.SIMILAR_ITEMS,
        ContentNeighbours.similarItems(embeddings, p.similarItems()).withColumn(Columns.RUN_DATE, runDate), day, Columns.RUN_DATE);
    Dataset<Row> newItems = lake.readAt(Tables.ITEMS, itemsVersion)
        .where(col(Columns.CREATED_AT).geq(lit(Date.valueOf(date.minusDays(p.newItemDays())))))
        .select(Columns.ITEM_ID)
        .union(embeddings.select(Columns.ITEM_ID).join(interactions.select(Columns.ITEM_ID), new String[] {Columns.ITEM_ID}, "left_anti"))
        .distinct();
    Dataset<Row> audiences = ContentNeighbours.audiences(embeddings.join(newItems, Columns.ITEM_ID), vectors, p.audienceSize());
    lake.replaceWhere(Tables.ITEM_AUDIENCES, audiences.withColumn(Columns.RUN_DATE, runDate), day, Columns.RUN_DATE);

    Dataset<Row> storedProfiles = lake.read(Tables.USER_PROFILES).where(day);
    KAnonymity.Result segments = segmentSummary(storedProfiles, k);
    lake.replaceWhere(Tables.SEGMENT_SUMMARY, segments.kept().withColumn(Columns.RUN_DATE, runDate), day, Columns.RUN_DATE);
    long segmentsSuppressed = segments.suppressedGroupCount();
    LOG.info("profiles {}: k-anonymity k = {}: {} segments and {} categories suppressed from the analyst summaries",
        date, k, segmentsSuppressed, report.details().get(CATEGORIES_SUPPRESSED));
    report.detail(K_ANONYMITY, k).detail(SEGMENTS_SUPPRESSED, segmentsSuppressed);
  }
}
