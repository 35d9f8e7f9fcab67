package dev.nightjar.jobs.reliability;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.config.RetentionSettings;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.Ingest;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raw-data retention for night D: deletes the {@code raw_events} rows whose event time (parsed as
 * ingest parses it) is before 00:00 UTC of D minus {@code nightjar.privacy.rawRetentionDays}; rows
 * whose timestamp does not parse are judged by their {@code imported_at}. Then VACUUMs
 * {@code raw_events} with {@code nightjar.privacy.vacuumRetentionHours}, so the deleted rows leave
 * the disk once that many hours have passed since an earlier run deleted them. The count deleted is
 * in {@code run_report} ({@code details.raw_events_deleted}).
 *
 * <pre>{@code
 * RunReport r = RetentionStage.run(ctx, LocalDate.parse("2026-10-31")); // bin/nightjar retention --date 2026-10-31
 * r.details().get("raw_events_deleted");
 * }</pre>
 */
public final class RetentionStage {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionStage.class);
  public static final String NAME = "retention";

  private RetentionStage() {}

  /** Midnight UTC starting day D minus {@code days}: raw events before it have expired. */
  public static Instant cutoff(LocalDate date, int days) {
    return date.minusDays(days).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** True for raw events older than {@code cutoff}: by parsed event time, else by import time. */
  public static Column expired(Instant cutoff) {
    return coalesce(Ingest.parseTimestamp(col(Columns.TS)), col(Columns.IMPORTED_AT)).lt(lit(Timestamp.from(cutoff)));
  }

  public static RunReport run(StageContext ctx, LocalDate date) {
    Lakehouse lake = ctx.lake();
    RetentionSettings s = ctx.config().retention();
    RunReport report = RunReport.of(NAME, date);
    ctx.spark().sparkContext().setJobGroup(NAME, "nightjar retention " + date, false);
    Vacuums.requireAllowed(ctx.spark(), s.vacuumRetentionHours());
    long version = lake.version(Tables.RAW_EVENTS);
    report.inputVersion(Tables.RAW_EVENTS, version);
    Instant cutoff = cutoff(date, s.rawRetentionDays());
    Column expired = expired(cutoff);
    Row counts = lake.readAt(Tables.RAW_EVENTS, version).agg(count(lit(1)), count(when(expired, lit(1)))).head();
    long rows = counts.getLong(0);
    long deleted = counts.getLong(1);
    if (deleted > 0) {
      DeltaTable.forPath(ctx.spark(), lake.path(Tables.RAW_EVENTS)).delete(expired);
    }
    Vacuums.vacuum(lake, Tables.RAW_EVENTS, s.vacuumRetentionHours());
    LOG.info("Retention {}: {} of {} raw events older than {} ({} days) deleted", date, deleted, rows, cutoff, s.rawRetentionDays());
    return report
        .rowsIn(rows)
        .accepted(rows - deleted)
        .detail("raw_events_deleted", deleted)
        .detail("cutoff", cutoff)
        .detail("raw_retention_days", s.rawRetentionDays())
        .detail("vacuum_retention_hours", s.vacuumRetentionHours())
        .write(lake);
  }
}
