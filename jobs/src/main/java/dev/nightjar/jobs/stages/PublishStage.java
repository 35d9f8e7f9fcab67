package dev.nightjar.jobs.stages;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.config.PublishSettings;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.eval.EvalColumns;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promotes night D's lists to what serving reads — {@code published_recommendations}, always exactly
 * one complete night, replaced in one Delta commit so a reader sees the old night or the new one and
 * never a mix — but only when the gate passes: each gate metric ({@code metric@k} of the configured
 * variant on slice {@code all}, from D's {@code metrics}) may be at most {@code tolerance} (relative)
 * below the same metric of the last published night. A refused night fails the run with a message
 * naming the metric, and the previously published lists stay served. Every decision is appended to
 * {@code publications}. The published table keeps Delta's symlink-format manifest, for engines without
 * Delta support (DuckDB, Trino, Athena).
 *
 * <pre>{@code
 * PublishStage.run(ctx, LocalDate.parse("2026-10-31")); // throws GateRefused when a metric dropped too far
 * }</pre>
 */
public final class PublishStage {
  private static final Logger LOG = LoggerFactory.getLogger(PublishStage.class);
  public static final String NAME = "publish";
  public static final String STATUS_PUBLISHED = "published";
  public static final String STATUS_REFUSED = "refused";

  static final StructType PUBLICATIONS_SCHEMA = new StructType()
      .add(Columns.RUN_DATE, DataTypes.DateType)
      .add("status", DataTypes.StringType)
      .add("reason", DataTypes.StringType)
      .add("decided_at", DataTypes.TimestampType);

  /** Tables analysts read with engines without Delta support; they keep symlink-format manifests from the first publication on. */
  public static final java.util.List<String> ANALYST_TABLES = java.util.List.of(
      Tables.PUBLISHED_RECOMMENDATIONS, Tables.RECOMMENDATIONS, Tables.METRICS, Tables.RUN_REPORT, Tables.QUARANTINE);

  private PublishStage() {}

  /** The gate refused the night; the message names the metric, both values and the tolerance. */
  public static final class GateRefused extends IllegalStateException {
    public GateRefused(String message) {
      super(message);
    }
  }

  public static RunReport run(StageContext ctx, LocalDate date) {
    Lakehouse lake = ctx.lake();
    PublishSettings s = ctx.config().publish();
    RunReport report = RunReport.of(NAME, date);
    String day = "run_date = DATE'" + date + "'";
    if (!lake.exists(Tables.RECOMMENDATIONS) || lake.read(Tables.RECOMMENDATIONS).where(day).isEmpty()) {
      String reason = "no lists for " + date + ": run `recommend --date " + date + "` first; the published lists stay as they are";
      LOG.warn("Publish {}: {}", date, reason);
      decide(lake, date, STATUS_REFUSED, reason);
      report.status(RunReport.STATUS_NO_DATA).detail("decision", STATUS_REFUSED).write(lake);
      throw new GateRefused(reason);
    }
    Optional<LocalDate> previous = lastPublished(lake, date);
    List<String> failures = new ArrayList<>();
    for (String gate : s.gate()) {
      String metric = gate.substring(0, gate.indexOf('@'));
      int k = Integer.parseInt(gate.substring(gate.indexOf('@') + 1));
      String split = ctx.config().evaluate().split();
      Double now = metric(lake, date, split, s.variant(), metric, k).orElseThrow(() -> new GateRefused(
          "gate metric " + gate + " of variant " + s.variant() + " is missing for " + date
              + ": run `evaluate --date " + date + "` first (with k " + k + " in nightjar.evaluate.ks)"));
      report.detail("gate_" + gate, now);
      if (previous.isEmpty()) {
        continue;
      }
      Optional<Double> before = metric(lake, previous.get(), split, s.variant(), metric, k);
      if (before.isEmpty()) {
        continue;
      }
      double floor = before.get() * (1 - s.tolerance());
      report.detail("gate_" + gate + "_floor", floor);
      if (now < floor) {
        failures.add(String.format("%s of %s fell to %.4f from %.4f on %s, below the allowed %.4f (nightjar.publish.tolerance %.2f)",
            gate, s.variant(), now, before.get(), previous.get(), floor, s.tolerance()));
      }
    }
    if (!failures.isEmpty()) {
      String reason = "gate refused " + date + ": " + String.join("; ", failures)
          + (previous.isPresent() ? "; the lists of " + previous.get() + " stay published" : "");
      LOG.error("Publish {}: {}", date, reason);
      decide(lake, date, STATUS_REFUSED, reason);
      report.detail("decision", STATUS_REFUSED).write(lake);
      throw new GateRefused(reason);
    }
    Dataset<Row> lists = lake.read(Tables.RECOMMENDATIONS).where(day);
    lake.overwrite(Tables.PUBLISHED_RECOMMENDATIONS, lists);
    for (String table : ANALYST_TABLES) {
      if (lake.exists(table)) {
        lake.enableSymlinkManifest(table); // idempotent; later writes keep the manifest exact
      }
    }
    long rows = lake.read(Tables.PUBLISHED_RECOMMENDATIONS).count();
    String reason = previous.map(p -> "gate passed against " + p).orElse("first publication: no earlier night to compare with");
    decide(lake, date, STATUS_PUBLISHED, reason);
    lake.enableSymlinkManifest(Tables.PUBLICATIONS);
    LOG.info("Publish {}: {} rows now served ({})", date, rows, reason);
    return report.rowsIn(rows).accepted(rows).detail("decision", STATUS_PUBLISHED).detail("rows", rows).write(lake);
  }

  /** The latest night before {@code date} whose publication went through. */
  static Optional<LocalDate> lastPublished(Lakehouse lake, LocalDate date) {
    if (!lake.exists(Tables.PUBLICATIONS)) {
      return Optional.empty();
    }
    Row last = lake.read(Tables.PUBLICATIONS)
        .where(col("status").equalTo(STATUS_PUBLISHED).and(col(Columns.RUN_DATE).lt(lit(Date.valueOf(date)))))
        .agg(max(Columns.RUN_DATE)).head();
    return last.isNullAt(0) ? Optional.empty() : Optional.of(last.getDate(0).toLocalDate());
  }

  private static Optional<Double> metric(Lakehouse lake, LocalDate date, String split, String variant, String metric, int k) {
    if (!lake.exists(Tables.METRICS)) {
      return Optional.empty();
    }
    List<Row> found = lake.read(Tables.METRICS)
        .where(col(Columns.RUN_DATE).equalTo(lit(Date.valueOf(date))).and(col(EvaluateStage.SPLIT).equalTo(split))
            .and(col(EvaluateStage.VARIANT).equalTo(variant))
            .and(col(EvalColumns.SLICE).equalTo(EvalColumns.SLICE_ALL)).and(col(EvalColumns.METRIC).equalTo(metric))
            .and(col(EvalColumns.K).equalTo(k)).and(col(EvalColumns.VALUE).isNotNull()))
        .select(EvalColumns.VALUE).limit(1).collectAsList();
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0).getDouble(0));
  }

  private static void decide(Lakehouse lake, LocalDate date, String status, String reason) {
    Dataset<Row> row = lake.spark().createDataFrame(
        List.of(RowFactory.create(Date.valueOf(date), status, reason, Timestamp.from(Instant.now()))), PUBLICATIONS_SCHEMA);
    lake.upsert(Tables.PUBLICATIONS, row, List.of(Columns.RUN_DATE));
  }
}
