package dev.nightjar.jobs.lake;

import dev.nightjar.transforms.Columns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What one stage did for one date: rows in, accepted, quarantined by reason, the input table
 * versions it read, and how long it took. Written to {@code run_report} (one row per stage and
 * date; a rerun replaces it).
 *
 * <pre>{@code
 * RunReport report = RunReport.of("ingest", date).rowsIn(100).accepted(97).quarantined("duplicate", 3);
 * report.write(lake);
 * }</pre>
 */
public final class RunReport {
  public static final String STATUS_OK = "ok";
  public static final String STATUS_NO_DATA = "no_data";
  /** Detail: the Nightjar settings the stage ran with ({@code NightjarConfig.describe()}), where a stage records them. */
  public static final String CONFIG = "config";

  public static final StructType SCHEMA =
      new StructType()
          .add("stage", DataTypes.StringType, false)
          .add(Columns.RUN_DATE, DataTypes.DateType, false)
          .add("status", DataTypes.StringType, false)
          .add("rows_in", DataTypes.LongType, false)
          .add("rows_accepted", DataTypes.LongType, false)
          .add("rows_quarantined", DataTypes.LongType, false)
          .add("quarantined_by_reason", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), false)
          .add("input_versions", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), false)
          .add("details", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), false)
          .add("duration_ms", DataTypes.LongType, false);

  private final String stage;
  private final LocalDate runDate;
  private final long startNanos = System.nanoTime();
  private String status = STATUS_OK;
  private long rowsIn;
  private long rowsAccepted;
  private final Map<String, Long> quarantinedByReason = new TreeMap<>();
  private final Map<String, Long> inputVersions = new TreeMap<>();
  private final Map<String, String> details = new LinkedHashMap<>();
  private long durationMs = -1;

  private RunReport(String stage, LocalDate runDate) {
    this.stage = stage;
    this.runDate = runDate;
  }

  public static RunReport of(String stage, LocalDate runDate) {
    return new RunReport(stage, runDate);
  }

  public RunReport rowsIn(long n) {
    rowsIn = n;
    return this;
  }

  public RunReport accepted(long n) {
    rowsAccepted = n;
    return this;
  }

  public RunReport quarantined(String reason, long n) {
    quarantinedByReason.merge(reason, n, Long::sum);
    return this;
  }

  public RunReport inputVersion(String table, long version) {
    inputVersions.put(table, version);
    return this;
  }

  public RunReport detail(String key, Object value) {
    details.put(key, String.valueOf(value));
    return this;
  }

  public RunReport status(String value) {
    status = value;
    return this;
  }

  public String stage() {
    return stage;
  }

  public LocalDate runDate() {
    return runDate;
  }

  public String status() {
    return status;
  }

  public long rowsIn() {
    return rowsIn;
  }

  public long rowsAccepted() {
    return rowsAccepted;
  }

  public long rowsQuarantined() {
    return quarantinedByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  public Map<String, Long> quarantinedByReason() {
    return Map.copyOf(quarantinedByReason);
  }

  public Map<String, Long> inputVersions() {
    return Map.copyOf(inputVersions);
  }

  public Map<String, String> details() {
    return new LinkedHashMap<>(details);
  }

  public long durationMs() {
    return durationMs >= 0 ? durationMs : (System.nanoTime() - startNanos) / 1_000_000;
  }

  /**
   * Fails unless rows in = accepted + quarantined — the invariant that nothing is lost silently.
   */
  public RunReport requireBalanced() {
    if (rowsIn != rowsAccepted + rowsQuarantined()) {
      throw new IllegalStateException(
          String.format(
              "%s %s lost rows: %d in, but %d accepted + %d quarantined %s",
              stage, runDate, rowsIn, rowsAccepted, rowsQuarantined(), quarantinedByReason));
    }
    return this;
  }

  /** Stops the clock and upserts this report into {@code run_report}. */
  public RunReport write(Lakehouse lake) {
    durationMs = durationMs();
    Row row =
        RowFactory.create(
            stage,
            Date.valueOf(runDate),
            status,
            rowsIn,
            rowsAccepted,
            rowsQuarantined(),
            scala(quarantinedByReason),
            scala(inputVersions),
            scala(details),
            durationMs);
    Dataset<Row> df = lake.spark().createDataFrame(List.of(row), SCHEMA);
    lake.upsert(Tables.RUN_REPORT, df, List.of("stage", Columns.RUN_DATE));
    return this;
  }

  private static <V> scala.collection.immutable.Map<String, V> scala(Map<String, V> map) {
    return scala.collection.immutable.Map.from(scala.jdk.javaapi.CollectionConverters.asScala(map));
  }
}
