package dev.nightjar.jobs.stages;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.models.cf.AlsParams;
import dev.nightjar.models.cf.AlsTrainer;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.IdIndex;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains implicit ALS on night D's interactions: extends the stable user and item indexes, fits
 * the model with a fixed seed, and writes the factors to {@code als_user_factors} and
 * {@code als_item_factors} (partition {@code run_date = D}, keyed by the string ids).
 */
public final class TrainStage {
  private static final Logger LOG = LoggerFactory.getLogger(TrainStage.class);
  public static final String NAME = "train";

  private TrainStage() {}

  /** {@code model_version} of the factors trained for {@code date} with {@code p}. */
  public static String modelVersion(AlsParams p, LocalDate date) {
    return p.versionTag() + "@" + date;
  }

  public static RunReport run(StageContext ctx, LocalDate date) {
    Lakehouse lake = ctx.lake();
    RunReport report = RunReport.of(NAME, date);
    ctx.spark().sparkContext().setJobGroup(NAME, "nightjar train " + date, false);
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
    Column[] dateAndVersion = {lit(Date.valueOf(date)).as(Columns.RUN_DATE), lit(version).as(Columns.MODEL_VERSION)};
    writeFactors(lake, Tables.ALS_USER_FACTORS, model.userFactors(), users, Columns.USER_ID, dateAndVersion, date);
    writeFactors(lake, Tables.ALS_ITEM_FACTORS, model.itemFactors(), items, Columns.ITEM_ID, dateAndVersion, date);
    LOG.info("Trained {} on {} interactions", version, rows);
    return report.detail(Columns.MODEL_VERSION, version).write(lake);
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

  private static void writeFactors(
      Lakehouse lake, String table, Dataset<Row> factors, Dataset<Row> index, String idCol, Column[] extra, LocalDate date) {
    Dataset<Row> keyed =
        factors
            .join(index.select(col(Columns.IDX).as(Columns.ID), col(Columns.ID).as(idCol)), Columns.ID)
            .select(col(idCol), col(Columns.ID).as(Columns.IDX), col(Columns.FEATURES), extra[0], extra[1]);
    lake.replaceWhere(table, keyed, "run_date = DATE'" + date + "'", Columns.RUN_DATE);
  }
}
