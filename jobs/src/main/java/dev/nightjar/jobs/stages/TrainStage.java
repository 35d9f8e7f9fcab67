package dev.nightjar.jobs.stages;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.models.cf.AlsParams;
import dev.nightjar.models.cf.AlsTrainer;
import dev.nightjar.models.coldstart.ColdStartProjector;
import dev.nightjar.models.coldstart.ProjectionMetrics;
import dev.nightjar.models.coldstart.ProjectionParams;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.IdIndex;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains implicit ALS on night D's interactions: extends the stable user and item indexes, fits
 * the model with a fixed seed, gives items with text but no interactions factors through the
 * cold-start projection, and writes {@code als_user_factors} and {@code als_item_factors}
 * (partition {@code run_date = D}, keyed by the string ids; projected rows flagged).
 */
public final class TrainStage {
  private static final Logger LOG = LoggerFactory.getLogger(TrainStage.class);
  public static final String NAME = "train";
  /** {@code als_item_factors} column: true for cold items whose factors come from the text projection. */
  public static final String PROJECTED = "projected";

  private TrainStage() {}

  /** {@code model_version} of the factors trained for {@code date} with {@code p}. */
  public static String modelVersion(AlsParams p, LocalDate date) {
    return p.versionTag() + "@" + date;
  }

  public static RunReport run(StageContext ctx, LocalDate date) {
    Lakehouse lake = ctx.lake();
    RunReport report = RunReport.of(NAME, date);
    AlsParams p = ctx.config().als();
    long interactionsVersion = lake.version(Tables.INTERACTIONS);
    report.inputVersion(Tables.INTERACTIONS, interactionsVersion);
    Dataset<Row> interactions =
        lake.readAt(Tables.INTERACTIONS, interactionsVersion).where("run_date = DATE'" + date + "'");

    Dataset<Row> users = extendIndex(lake, Tables.USER_INDEX, interactions.select(col(Columns.USER_ID).as(Columns.ID)), report);
    // Every catalogue item gets an index, so content scoring can rank items nobody has touched yet.
    long itemsVersion = lake.version(Tables.ITEMS);
    report.inputVersion(Tables.ITEMS, itemsVersion);
    Dataset<Row> itemIds = interactions.select(col(Columns.ITEM_ID).as(Columns.ID))
        .union(lake.readAt(Tables.ITEMS, itemsVersion).select(col(Columns.ITEM_ID).as(Columns.ID)));
    Dataset<Row> items = extendIndex(lake, Tables.ITEM_INDEX, itemIds, report);
    Dataset<Row> indexed =
        IdIndex.attach(IdIndex.attach(interactions, users, Columns.USER_ID, Columns.USER_IDX), items, Columns.ITEM_ID, Columns.ITEM_IDX);
    long rows = indexed.count();
    report.rowsIn(rows).accepted(rows);
    if (rows == 0) {
      LOG.warn("No interactions for {}: nothing to train", date);
      return report.status(RunReport.STATUS_NO_DATA).write(lake);
    }

    ALSModel model = AlsTrainer.train(indexed, p);
    String version = modelVersion(p, date);
    Column runDate = lit(Date.valueOf(date)).as(Columns.RUN_DATE);
    Column modelVersion = lit(version).as(Columns.MODEL_VERSION);
    Dataset<Row> userFactors = keyed(model.userFactors(), users, Columns.USER_ID);
    lake.replaceWhere(Tables.ALS_USER_FACTORS, userFactors.select(col("*"), runDate, modelVersion), "run_date = DATE'" + date + "'",
        Columns.RUN_DATE);
    Dataset<Row> itemFactors = keyed(model.itemFactors(), items, Columns.ITEM_ID).withColumn(PROJECTED, lit(false));
    itemFactors = itemFactors.unionByName(coldStart(ctx, itemFactors, items, report));
    lake.replaceWhere(Tables.ALS_ITEM_FACTORS, itemFactors.select(col("*"), runDate, modelVersion), "run_date = DATE'" + date + "'",
        Columns.RUN_DATE);
    LOG.info("Trained {} on {} interactions", version, rows);
    return report.detail(Columns.MODEL_VERSION, version).write(lake);
  }

  /**
   * Factors for items with text but no interactions: the projection from text embeddings to the ALS
   * factor space, trained on this night's warm items (hold-out quality in the report). Empty when
   * there are no embeddings yet.
   */
  private static Dataset<Row> coldStart(StageContext ctx, Dataset<Row> warmFactors, Dataset<Row> index, RunReport report) {
    Lakehouse lake = ctx.lake();
    Dataset<Row> none = warmFactors.limit(0);
    if (!lake.exists(Tables.ITEM_EMBEDDINGS)) {
      return none;
    }
    long v = lake.version(Tables.ITEM_EMBEDDINGS);
    report.inputVersion(Tables.ITEM_EMBEDDINGS, v);
    Dataset<Row> embeddings = lake.readAt(Tables.ITEM_EMBEDDINGS, v).select(Columns.ITEM_ID, ColdStartProjector.VECTOR_COL);
    long warm = warmFactors.join(embeddings.select(Columns.ITEM_ID), Columns.ITEM_ID).count();
    if (warm < ProjectionParams.MIN_TRAINING_ITEMS) {
      LOG.warn("Cold start: only {} warm items have embeddings (need {}); no projected factors", warm, ProjectionParams.MIN_TRAINING_ITEMS);
      return none;
    }
    ColdStartProjector.Result result =
        ColdStartProjector.fitAndProject(embeddings, warmFactors.select(Columns.ITEM_ID, Columns.FEATURES), ctx.config().coldStart());
    Dataset<Row> projected =
        result.coldItemFactors()
            .join(index.select(col(Columns.ID).as(Columns.ITEM_ID), col(Columns.IDX)), Columns.ITEM_ID)
            .select(col(Columns.ITEM_ID), col(Columns.IDX), col(Columns.FEATURES), lit(true).as(PROJECTED))
            .persist(StorageLevel.MEMORY_AND_DISK());
    long cold = projected.count();
    ProjectionMetrics m = result.metrics();
    LOG.info("Cold start: {} items got projected factors; {}", cold, m.summary());
    report.detail("coldstart_items", cold)
        .detail("coldstart_holdout_cosine", String.format(java.util.Locale.ROOT, "%.4f", m.holdoutCosine()))
        .detail("coldstart_baseline_cosine", String.format(java.util.Locale.ROOT, "%.4f", m.baselineCosine()))
        .detail("coldstart_training_items", m.trainingItems());
    return projected;
  }

  private static Dataset<Row> extendIndex(Lakehouse lake, String table, Dataset<Row> ids, RunReport report) {
    Dataset<Row> existing = IdIndex.empty(lake.spark());
    if (lake.exists(table)) {
      long v = lake.version(table);
      report.inputVersion(table, v);
      existing = lake.readAt(table, v);
    }
    long before = existing.count();
    Dataset<Row> extended = IdIndex.extend(existing, ids);
    lake.overwrite(table, extended);
    Dataset<Row> written = lake.read(table);
    long after = written.count();
    report.detail(table + "_new_ids", after - before);
    return written;
  }

  /** Factors keyed by the string id: {@code <idCol>, idx, features}. */
  private static Dataset<Row> keyed(Dataset<Row> factors, Dataset<Row> index, String idCol) {
    return factors
        .join(index.select(col(Columns.IDX).as(Columns.ID), col(Columns.ID).as(idCol)), Columns.ID)
        .select(col(idCol), col(Columns.ID).as(Columns.IDX), col(Columns.FEATURES));
  }
}
