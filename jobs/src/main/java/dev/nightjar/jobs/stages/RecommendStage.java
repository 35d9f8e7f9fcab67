package dev.nightjar.jobs.stages;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.models.cf.CfRecommender;
import dev.nightjar.transforms.Columns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.UUID;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Night D's top-k lists from the ALS factors of D, excluding items the user already purchased,
 * written to {@code recommendations} (partition {@code run_date = D}).
 */
public final class RecommendStage {
  private static final Logger LOG = LoggerFactory.getLogger(RecommendStage.class);
  public static final String NAME = "recommend";
  public static final String SOURCE_ALS = "als";

  private RecommendStage() {}

  public static RunReport run(StageContext ctx, LocalDate date) {
    Lakehouse lake = ctx.lake();
    RunReport report = RunReport.of(NAME, date);
    ctx.spark().sparkContext().setJobGroup(NAME, "nightjar recommend " + date, false);
    int k = ctx.config().recommend().k();
    String day = "run_date = DATE'" + date + "'";
    long userFactorsVersion = lake.version(Tables.ALS_USER_FACTORS);
    long itemFactorsVersion = lake.version(Tables.ALS_ITEM_FACTORS);
    long interactionsVersion = lake.version(Tables.INTERACTIONS);
    report
        .inputVersion(Tables.ALS_USER_FACTORS, userFactorsVersion)
        .inputVersion(Tables.ALS_ITEM_FACTORS, itemFactorsVersion)
        .inputVersion(Tables.INTERACTIONS, interactionsVersion);
    Dataset<Row> userFactors = lake.readAt(Tables.ALS_USER_FACTORS, userFactorsVersion).where(day);
    Dataset<Row> itemFactors = lake.readAt(Tables.ALS_ITEM_FACTORS, itemFactorsVersion).where(day);
    java.util.List<Row> firstRows = userFactors.select(Columns.MODEL_VERSION, Columns.FEATURES).limit(1).collectAsList();
    if (firstRows.isEmpty()) {
      throw new IllegalStateException("no ALS factors for " + date + ": run `train --date " + date + "` first");
    }
    Row first = firstRows.get(0);
    String modelVersion = first.getString(0);
    int rank = first.getList(1).size();

    ALSModel model =
        new ALSModel(
            "als-" + UUID.nameUUIDFromBytes(modelVersion.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            rank,
            userFactors.select(col(Columns.IDX).as(Columns.ID), col(Columns.FEATURES)),
            itemFactors.select(col(Columns.IDX).as(Columns.ID), col(Columns.FEATURES)));
    Dataset<Row> purchased =
        lake.readAt(Tables.INTERACTIONS, interactionsVersion)
            .where(col(Columns.PURCHASES).gt(0).and(expr(day)))
            .join(userFactors.select(col(Columns.USER_ID), col(Columns.IDX).as(Columns.USER_IDX)), Columns.USER_ID)
            .join(itemFactors.select(col(Columns.ITEM_ID), col(Columns.IDX).as(Columns.ITEM_IDX)), Columns.ITEM_ID)
            .select(Columns.USER_IDX, Columns.ITEM_IDX);

    Dataset<Row> top = CfRecommender.recommend(model, purchased, k);
    Dataset<Row> lists =
        top.join(userFactors.select(col(Columns.IDX).as(Columns.USER_IDX), col(Columns.USER_ID)), Columns.USER_IDX)
            .join(itemFactors.select(col(Columns.IDX).as(Columns.ITEM_IDX), col(Columns.ITEM_ID)), Columns.ITEM_IDX)
            .select(
                col(Columns.USER_ID),
                col(Columns.RANK),
                col(Columns.ITEM_ID),
                col(Columns.SCORE).cast(DataTypes.DoubleType).as(Columns.SCORE),
                lit(SOURCE_ALS).as("source"),
                lit(Date.valueOf(date)).as(Columns.RUN_DATE),
                lit(modelVersion).as(Columns.MODEL_VERSION));
    lake.replaceWhere(Tables.RECOMMENDATIONS, lists, day, Columns.RUN_DATE);
    Dataset<Row> written = lake.read(Tables.RECOMMENDATIONS).where(day);
    long rows = written.count();
    long users = written.select(Columns.USER_ID).distinct().count();
    LOG.info("Recommendations {}: {} rows for {} users (k {}, model {})", date, rows, users, k, modelVersion);
    return report.rowsIn(users).accepted(users).detail("rows", rows).detail("users", users).detail("k", k)
        .detail(Columns.MODEL_VERSION, modelVersion).write(lake);
  }
}
