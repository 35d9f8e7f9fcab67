package dev.nightjar.jobs.report;

import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.transforms.eval.EvalColumns;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Tables the run report and the notebooks read, written by hand with the schemas of the stages that will
 * write them ({@code evaluate}: metrics; {@code publish}: publications, published_recommendations), and
 * small stand-ins for the pipeline's own tables. The metric values have a planted shape: NDCG falls and
 * coverage rises with the number of exploration slots E, and both drift up a little each night.
 */
public final class ReportFixtures {
  private ReportFixtures() {}

  /** The evaluate stage's default split (nightjar.evaluate.split), which the publish gate reads. */
  public static final String SPLIT = "temporal";
  public static final List<Integer> EXPLORE_SLOTS = List.of(1, 2, 4);
  public static final List<String> VARIANTS = List.of("popular", "item_knn", "als", "content", "blend", "blend_explore_1", "blend_explore_2", "blend_explore_4");
  public static final List<String> SLICES = List.of(EvalColumns.SLICE_ALL, EvalColumns.SLICE_COLD_ITEMS, EvalColumns.SLICE_NEW_USERS,
      EvalColumns.SLICE_LIGHT_USERS, EvalColumns.SLICE_HEAVY_USERS);
  public static final List<String> METRICS = List.of(EvalColumns.PRECISION, EvalColumns.RECALL, EvalColumns.NDCG, EvalColumns.MAP,
      EvalColumns.HIT_RATE, EvalColumns.MRR, EvalColumns.COVERAGE, EvalColumns.NOVELTY, EvalColumns.INTRA_LIST_DIVERSITY, EvalColumns.PERSONALISATION);

  public static final StructType METRICS_SCHEMA = new StructType()
      .add("run_date", DataTypes.DateType, false)
      .add("split", DataTypes.StringType, false)
      .add("variant", DataTypes.StringType, false)
      .add("slice", DataTypes.StringType, false)
      .add("metric", DataTypes.StringType, false)
      .add("k", DataTypes.IntegerType, false)
      .add("value", DataTypes.DoubleType, true);

  public static final StructType PUBLICATIONS_SCHEMA = new StructType()
      .add("run_date", DataTypes.DateType, false)
      .add("status", DataTypes.StringType, false)
      .add("reason", DataTypes.StringType, true)
      .add("decided_at", DataTypes.TimestampType, false);

  static final StructType QUARANTINE_SCHEMA = new StructType()
      .add("source_table", DataTypes.StringType, false)
      .add("raw_id", DataTypes.StringType, true)
      .add("source", DataTypes.StringType, true)
      .add("reason", DataTypes.StringType, false)
      .add("original", DataTypes.StringType, true)
      .add("ingest_date", DataTypes.DateType, false);

  static final StructType RECOMMENDATIONS_SCHEMA = new StructType()
      .add("user_id", DataTypes.StringType, false)
      .add("rank", DataTypes.IntegerType, false)
      .add("item_id", DataTypes.StringType, false)
      .add("score", DataTypes.DoubleType, false)
      .add("source", DataTypes.StringType, false)
      .add("reason", DataTypes.StringType, true)
      .add("propensity", DataTypes.DoubleType, false)
      .add("run_date", DataTypes.DateType, false);

  /** The planted value of one metric row. */
  public static double value(int night, String variant, String slice, String metric, int k) {
    Integer e = RunHtmlReport.explorationSlots(variant);
    int slots = e == null ? 0 : e;
    double base = 0.10 + 0.01 * (e == null ? VARIANTS.indexOf(variant) : VARIANTS.indexOf("blend")) + 0.005 * night + 0.002 * SLICES.indexOf(slice) + 0.001 * k;
    return switch (metric) {
      case EvalColumns.NDCG -> base - 0.01 * slots;
      case EvalColumns.COVERAGE -> 0.20 + 0.05 * slots + 0.01 * night;
      default -> base + 0.001 * METRICS.indexOf(metric);
    };
  }

  /** Metric rows of one night (every variant, slice, metric; k = 10 and 20), replacing that night's partition. */
  public static void writeMetrics(Lakehouse lake, LocalDate night, int nightIndex) {
    List<Row> rows = new ArrayList<>();
    for (String variant : VARIANTS) {
      for (String slice : SLICES) {
        for (String metric : METRICS) {
          for (int k : List.of(10, 20)) {
            rows.add(RowFactory.create(Date.valueOf(night), SPLIT, variant, slice, metric, k, value(nightIndex, variant, slice, metric, k)));
          }
        }
      }
    }
    lake.replaceWhere(Tables.METRICS, lake.spark().createDataFrame(rows, METRICS_SCHEMA), "run_date = DATE'" + night + "'", "run_date");
  }

  /** A publish decision of {@code night} as PublishStage records it; when published, {@code published_recommendations} becomes that night's lists. */
  public static void writePublication(Lakehouse lake, LocalDate night, String status, String reason) {
    Row decision = RowFactory.create(Date.valueOf(night), status, reason, Timestamp.valueOf(night.plusDays(1).atTime(3, 0)));
    lake.upsert(Tables.PUBLICATIONS, lake.spark().createDataFrame(List.of(decision), PUBLICATIONS_SCHEMA), List.of("run_date"));
    if ("published".equals(status)) {
      Dataset<Row> lists = lake.read(Tables.RECOMMENDATIONS).where("run_date = DATE'" + night + "'");
      lake.overwrite(Tables.PUBLISHED_RECOMMENDATIONS, lists); // unpartitioned, as PublishStage writes it
    }
  }

  /** Quarantine rows of {@code night}: {@code reasons[i]} quarantined {@code counts[i]} times (events), plus one items row. */
  static void writeQuarantine(Lakehouse lake, LocalDate night, List<String> reasons, List<Integer> counts) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < reasons.size(); i++) {
      for (int j = 0; j < counts.get(i); j++) {
        rows.add(RowFactory.create("events", "r" + i + "_" + j, "csv", reasons.get(i), "{\"user_id\":\"u" + j + "\"}", Date.valueOf(night)));
      }
    }
    rows.add(RowFactory.create("items", "ri", "csv", "missing_title", "{\"item_id\":\"I1\"}", Date.valueOf(night)));
    lake.replaceWhere(Tables.QUARANTINE, lake.spark().createDataFrame(rows, QUARANTINE_SCHEMA), "ingest_date = DATE'" + night + "'", "ingest_date");
  }

  /** Lists of {@code users} users, k rows each: ranks 10 and 20 explore, the rest alternate between als, content and trending. */
  static void writeRecommendations(Lakehouse lake, LocalDate night, int users, int k) {
    List<Row> rows = new ArrayList<>();
    String[] sources = {"als", "als", "content", "trending"};
    for (int u = 0; u < users; u++) {
      for (int rank = 1; rank <= k; rank++) {
        String source = rank % 10 == 0 ? "explore" : sources[(u + rank) % sources.length];
        rows.add(RowFactory.create("U" + u, rank, "I" + ((u * 7 + rank) % 50), 1.0 - rank / (double) (k + 1), source,
            "explore".equals(source) ? "exploring: Garden" : "similar to I1 you viewed", "explore".equals(source) ? 0.25 : 1.0,
            Date.valueOf(night)));
      }
    }
    lake.replaceWhere(Tables.RECOMMENDATIONS, lake.spark().createDataFrame(rows, RECOMMENDATIONS_SCHEMA), "run_date = DATE'" + night + "'", "run_date");
  }

  /** run_report rows of {@code night}: ingest with its quarantine, and recommend. */
  static void writeRunReport(Lakehouse lake, LocalDate night, long quarantined) {
    RunReport.of("recommend", night).rowsIn(40).accepted(400).detail("users", 40).write(lake);
    RunReport.of("ingest", night).rowsIn(1000 + quarantined).accepted(1000).quarantined("duplicate", quarantined).write(lake);
  }
}
