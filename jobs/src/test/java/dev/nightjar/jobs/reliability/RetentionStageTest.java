package dev.nightjar.jobs.reliability;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.config.ConfigException;
import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.jobs.stages.Pipeline;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.testing.SparkTestBase;
import io.delta.tables.DeltaTable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code retention --date D} deletes raw events older than D minus the retention, by event time or else import time. */
class RetentionStageTest extends SparkTestBase {
  static final LocalDate D = LocalDate.of(2026, 10, 31);
  static final Instant RECENT = Instant.parse("2026-10-30T12:00:00Z");
  /** VACUUM lists files in this many tasks (Spark's default of 10000 costs a minute per VACUUM here). */
  static final Map<String, String> FAST_VACUUM = Map.of("spark.sql.sources.parallelPartitionDiscovery.parallelism", "2");

  @Test
  void deletesExactlyTheExpiredRawEventsAndReportsTheCount() {
    Lakehouse lake = new Lakehouse(spark(), tempDir.resolve("retention"));
    // D - 400 days = 2025-09-26: events before 2025-09-26T00:00Z have expired.
    RawFixtures.write(lake, Tables.RAW_EVENTS, RawFixtures.schema(RawSchemaCheck.RAW_EVENTS), List.of(
        RawFixtures.event("old-iso", "U1", "I1", "view", "2025-09-25T23:59:59Z", RECENT),
        RawFixtures.event("boundary", "U1", "I1", "view", "2025-09-26T00:00:00Z", RECENT),
        RawFixtures.event("old-epoch", "U2", "I1", "view", "1577836800", RECENT),
        RawFixtures.event("bad-ts-imported-long-ago", "U2", "I1", "view", "yesterday", Instant.parse("2025-01-01T00:00:00Z")),
        RawFixtures.event("bad-ts-imported-recently", "U3", "I1", "view", "garbage", RECENT),
        RawFixtures.event("recent", "U3", "I1", "view", "2026-10-30 08:00:00", RECENT)));
    StageContext ctx = new StageContext(spark(), lake, NightjarConfig.load(null, List.of("nightjar.privacy.rawRetentionDays=400")));

    RunReport report = withSQLConf(FAST_VACUUM, () -> Pipeline.runStage(RetentionStage.NAME, ctx, D));
    assertEquals(6, report.rowsIn());
    assertEquals(3, report.rowsAccepted());
    assertEquals("3", report.details().get("raw_events_deleted"));
    assertEquals("2025-09-26T00:00:00Z", report.details().get("cutoff"));
    assertEquals(List.of("[bad-ts-imported-recently]", "[boundary]", "[recent]"),
        sortedRows(lake.read(Tables.RAW_EVENTS).select(Columns.RAW_ID)));
    assertEquals(List.of("[retention,2026-10-31,3,3]"),
        sortedRows(lake.read(Tables.RUN_REPORT).selectExpr("stage", "run_date", "rows_accepted", "details['raw_events_deleted']")));

    long version = lake.version(Tables.RAW_EVENTS);
    RunReport again = withSQLConf(FAST_VACUUM, () -> RetentionStage.run(ctx, D));
    assertEquals("0", again.details().get("raw_events_deleted"), "a rerun finds nothing left to delete");
    assertEquals(List.of("[VACUUM END]", "[VACUUM START]"),
        sortedRows(DeltaTable.forPath(spark(), lake.path(Tables.RAW_EVENTS)).history().where("version > " + version).select("operation")),
        "the rerun deletes nothing: its only commits are VACUUM's records");
  }

  @Test
  void aShortVacuumWithDeltasSafetyCheckOnFailsBeforeDeleting() {
    Lakehouse lake = new Lakehouse(spark(), tempDir.resolve("unsafe"));
    RawFixtures.write(lake, Tables.RAW_EVENTS, RawFixtures.schema(RawSchemaCheck.RAW_EVENTS),
        List.of(RawFixtures.event("old", "U1", "I1", "view", "2020-01-01T00:00:00Z", RECENT)));
    StageContext ctx = new StageContext(spark(), lake, NightjarConfig.load(null, List.of("nightjar.privacy.vacuumRetentionHours=0")));
    ConfigException e = withSQLConf(Map.of(Vacuums.RETENTION_CHECK_KEY, "true"),
        () -> assertThrows(ConfigException.class, () -> RetentionStage.run(ctx, D)));
    assertTrue(e.getMessage().startsWith("nightjar.privacy.vacuumRetentionHours = 0 is below Delta's safety threshold of 168 hours: "
        + "also set spark.databricks.delta.retentionDurationCheck.enabled=false"), e.getMessage());
    assertEquals(0, lake.version(Tables.RAW_EVENTS));
    assertEquals(1, lake.read(Tables.RAW_EVENTS).count());
  }
}
