package dev.nightjar.jobs.stages;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.config.NightjarConfig.ProfileSettings;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.models.content.ContentNeighbours;
import dev.nightjar.models.content.ContentProfiles;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.Interactions;
import dev.nightjar.transforms.Interests;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Night D's user profiles: the content vector (weighted mean of item embeddings), interest
 * categories with exposure/positive counts and Beta posteriors (the exploration policy's inputs),
 * the population prior per category, interest labels (top categories) and k-means segments; and the
 * content neighbours: {@code similar_items} (item → most similar items) and {@code item_audiences}
 * (new item → users whose profile is closest). Writes {@code user_profiles}, {@code user_interests},
 * {@code category_priors}, {@code similar_items} and {@code item_audiences} (partition D).
 */
public final class ProfilesStage {
  private static final Logger LOG = LoggerFactory.getLogger(ProfilesStage.class);
  public static final String NAME = "profiles";

  private ProfilesStage() {}

  public static RunReport run(StageContext ctx, LocalDate date) {
    Lakehouse lake = ctx.lake();
    RunReport report = RunReport.of(NAME, date);
    ctx.spark().sparkContext().setJobGroup(NAME, "nightjar profiles " + date, false);
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
    Dataset<Row> windowEvents = Interactions.window(lake.readAt(Tables.EVENTS, eventsVersion), date, ctx.config().interactions());
    Dataset<Row> counts = Interests.counts(windowEvents, lake.readAt(Tables.ITEMS, itemsVersion))
        .join(users, Columns.USER_ID).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> priors = Interests.priors(counts, p.interests());
    lake.replaceWhere(Tables.CATEGORY_PRIORS, priors.withColumn(Columns.RUN_DATE, runDate), day, Columns.RUN_DATE);
    Dataset<Row> storedPriors = lake.read(Tables.CATEGORY_PRIORS).where(day);
    lake.replaceWhere(Tables.USER_INTERESTS,
        Interests.posteriors(counts, storedPriors, users).withColumn(Columns.RUN_DATE, runDate), day, Columns.RUN_DATE);
    counts.unpersist();

    // Content vectors, interest labels and segments.
    Dataset<Row> vectors = ContentProfiles.profiles(interactions, lake.readAt(Tables.ITEM_EMBEDDINGS, embeddingsVersion))
        .persist(StorageLevel.MEMORY_AND_DISK());
    long profiles = vectors.count();
    Dataset<Row> labels = lake.read(Tables.USER_INTERESTS).where(day).where(col(Columns.RANK).leq(p.interests().topCategories()))
        .groupBy(Columns.USER_ID)
        .agg(transform(sort_array(collect_list(struct(col(Columns.RANK), col(Columns.CATEGORY)))), s -> s.getField(Columns.CATEGORY))
            .as("top_categories"));
    Dataset<Row> withSegments = profiles >= p.segments()
        ? vectors.join(ContentProfiles.segments(vectors, p.segments(), p.seed()), Columns.USER_ID)
        : vectors.withColumn(ContentProfiles.SEGMENT, lit(0));
    lake.replaceWhere(Tables.USER_PROFILES,
        withSegments.join(labels, new String[] {Columns.USER_ID}, "left").withColumn(Columns.RUN_DATE, runDate), day, Columns.RUN_DATE);

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
    vectors.unpersist();
    long categories = storedPriors.count();
    LOG.info("profiles {}: {} users with a content vector, {} categories, {} segments", date, profiles, categories, p.segments());
    report.rowsIn(profiles).accepted(profiles).detail("users", profiles).detail("categories", categories).detail("segments", p.segments());
    return report.status(profiles == 0 ? RunReport.STATUS_NO_DATA : RunReport.STATUS_OK).write(lake);
  }
}
