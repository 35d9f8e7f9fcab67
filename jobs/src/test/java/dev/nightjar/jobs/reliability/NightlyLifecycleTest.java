package dev.nightjar.jobs.reliability;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.jobs.privacy.PseudonymKey;
import dev.nightjar.jobs.stages.IngestStage;
import dev.nightjar.jobs.stages.Pipeline;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.jobs.testing.SmallNight;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.privacy.Pseudonyms;
import dev.nightjar.transforms.testing.SparkTestBase;
import io.delta.tables.DeltaTable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A tiny shop through the whole nightly pipeline, then the day after (no new events) and a
 * right-to-be-forgotten request: the empty night leaves the previous lists as they were; forget
 * leaves no trace of the users in any table, in any version time travel can still read.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NightlyLifecycleTest extends SparkTestBase {
  static final LocalDate D = SmallNight.D;
  static final Instant FORGOTTEN_AT = Instant.parse("2026-11-02T09:30:00Z");
  /** Stands in for a table a later stage adds, keyed by pseudonym like every derived table; it uses deletion vectors, which forget must purge. */
  static final String PSEUDONYMOUS = "pseudonymous_scores";
  static final String RECOMMENDATIONS_OF_D = "run_date = DATE'" + D + "'";
  static final Map<String, String> FORGET_SETTINGS = Map.of(
      Vacuums.RETENTION_CHECK_KEY, "false",
      "spark.sql.sources.parallelPartitionDiscovery.parallelism", "2");

  static StageContext ctx;

  @BeforeAll
  static void firstNight() {
    Lakehouse lake = SmallNight.copyTo(tempDir.resolve("lake"));
    ctx = new StageContext(spark(), lake, SmallNight.config("nightjar.privacy.vacuumRetentionHours=0"));
  }

  @Test
  @Order(1)
  void aNightWithoutNewEventsReportsNoDataAndLeavesThePreviousListsInPlace() {
    Lakehouse lake = ctx.lake();
    List<String> lists = sortedRows(lake.read(Tables.RECOMMENDATIONS).where(RECOMMENDATIONS_OF_D));
    List<String> events = sortedRows(lake.read(Tables.EVENTS));
    assertFalse(lists.isEmpty());

    List<RunReport> next = Pipeline.nightly(ctx, D.plusDays(1));
    RunReport ingest = next.get(0);
    assertEquals(IngestStage.NAME, ingest.stage());
    assertEquals(RunReport.STATUS_NO_DATA, ingest.status());
    assertEquals(0, ingest.rowsIn());
    assertEquals(List.of("[no_data,0]"), sortedRows(lake.read(Tables.RUN_REPORT)
        .where("stage = 'ingest' AND run_date = DATE'" + D.plusDays(1) + "'").select("status", "rows_in")));
    assertEquals(Pipeline.STAGES, next.stream().map(RunReport::stage).toList(), "the night completes");
    assertEquals(events, sortedRows(lake.read(Tables.EVENTS)), "nothing was ingested");
    assertEquals(lists, sortedRows(lake.read(Tables.RECOMMENDATIONS).where(RECOMMENDATIONS_OF_D)),
        "the previous night's lists are unchanged, row for row");
  }

  @Test
  @Order(2)
  void forgetLeavesNoTraceInAnyTableOrReadableVersion() {
    Lakehouse lake = ctx.lake();
    byte[] key = ctx.pseudonymKey();
    // One user known to the quarantine's JSON, one with lists (and whatever else they touched), both by raw id:
    // the lists are keyed by pseudonyms, so the raw id is the one whose pseudonym has a list.
    String quarantined = lake.read(Tables.QUARANTINE)
        .select(get_json_object(col(Columns.ORIGINAL), "$.user_id").as("u")).where("u IS NOT NULL").orderBy("u").head().getString(0);
    String listed = lake.read(Tables.RAW_EVENTS).select(trim(col(Columns.USER_ID)).as("raw")).distinct()
        .where(col("raw").notEqual(quarantined))
        .join(lake.read(Tables.RECOMMENDATIONS).select(Columns.USER_ID).distinct(),
            Pseudonyms.hmacSha256(col("raw"), key).equalTo(col(Columns.USER_ID)))
        .select("raw").orderBy("raw").head().getString(0);
    List<String> forgotten = List.of(quarantined, listed);
    Map<String, String> pseudonyms = forgotten.stream().collect(Collectors.toMap(u -> u, u -> Pseudonyms.hmacSha256Hex(u, key)));
    lake.read(Tables.USER_INDEX).select(col(Columns.ID).as(Columns.USER_ID), lit(1.0).as("score")) // ids are pseudonyms already
        .write().format("delta").save(lake.path(PSEUDONYMOUS));
    spark().sql("ALTER TABLE delta.`" + lake.path(PSEUDONYMOUS) + "` SET TBLPROPERTIES ('delta.enableDeletionVectors' = true)");

    Pattern rawIds = token(forgotten);
    Pattern any = token(concat(forgotten, List.copyOf(pseudonyms.values())));
    Map<String, Long> tracesBefore = new TreeMap<>();
    Map<String, Long> rowsBefore = new HashMap<>();
    for (String table : lake.tableNames()) {
      long n = traces(lake.read(table), any);
      if (n > 0) {
        tracesBefore.put(table, n);
      }
      rowsBefore.put(table, lake.read(table).count());
    }
    assertTrue(tracesBefore.keySet().containsAll(List.of(Tables.RAW_EVENTS, Tables.EVENTS, Tables.QUARANTINE, Tables.INTERACTIONS,
        Tables.USER_INDEX, Tables.ALS_USER_FACTORS, Tables.USER_PROFILES, Tables.USER_INTERESTS, Tables.RECOMMENDATIONS, PSEUDONYMOUS)),
        "the scan finds the users before forget: " + tracesBefore);

    ForgetUsers.Result result = withSQLConf(FORGET_SETTINGS, () -> ForgetUsers.run(ctx, forgotten, key, FORGOTTEN_AT));

    assertEquals(tracesBefore, result.rowsRemoved(), "exactly the rows that mention them were removed, table by table");
    for (String table : rowsBefore.keySet()) {
      assertEquals(rowsBefore.get(table) - tracesBefore.getOrDefault(table, 0L), lake.read(table).count(), table + ": others' rows stay");
    }
    List<String> leaks = new ArrayList<>();
    int unreadable = 0;
    for (String table : lake.tableNames()) {
      Pattern pattern = table.equals(Tables.FORGET_AUDIT) ? rawIds : any;
      DeltaTable delta = DeltaTable.forPath(spark(), lake.path(table));
      if (traces(delta.history().select("operationParameters", "userMetadata"), any) > 0) {
        leaks.add(table + " commit info");
      }
      for (Row v : delta.history().select("version").collectAsList()) {
        long found;
        try {
          found = traces(lake.readAt(table, v.getLong(0)), pattern);
        } catch (Exception vacuumed) { // Spark's FILE_NOT_EXIST: VACUUM removed files this version needs
          unreadable++;
          continue;
        }
        if (found > 0) {
          leaks.add(table + "@" + v.getLong(0) + ": " + found + " rows");
        }
      }
    }
    assertEquals(List.of(), leaks, "no trace in any table, commit, or version time travel can read");
    assertTrue(unreadable > 0, "VACUUM made the old versions holding the users unreadable");
    long eventsBeforeForget = DeltaTable.forPath(spark(), lake.path(Tables.EVENTS)).history()
        .where("operation = 'MERGE'").select("version").head().getLong(0) - 1;
    assertThrows(Exception.class, () -> lake.readAt(Tables.EVENTS, eventsBeforeForget).collectAsList(), // count() would come from log stats
        "events as of just before forget can no longer be read");

    List<Row> audit = lake.read(Tables.FORGET_AUDIT).collectAsList();
    assertEquals(2, audit.size());
    Map<String, Long> auditTotals = new TreeMap<>();
    for (Row row : audit) {
      assertEquals(FORGOTTEN_AT, row.getTimestamp(row.fieldIndex(ForgetUsers.FORGOTTEN_AT)).toInstant());
      assertEquals(PseudonymKey.fingerprint(key), row.getString(row.fieldIndex(ForgetUsers.KEY_FINGERPRINT)));
      assertEquals(0, row.getInt(row.fieldIndex(ForgetUsers.VACUUM_RETENTION_HOURS)));
      Map<String, Long> removed = row.getJavaMap(row.fieldIndex(ForgetUsers.ROWS_REMOVED));
      assertEquals(new ArrayList<>(new TreeMap<>(removed).keySet()), row.getList(row.fieldIndex(ForgetUsers.TABLES_TOUCHED)));
      removed.forEach((t, n) -> auditTotals.merge(t, n, Long::sum));
    }
    assertEquals(new TreeMap<>(Map.of(pseudonyms.get(quarantined), true, pseudonyms.get(listed), true)),
        new TreeMap<>(audit.stream().collect(Collectors.toMap(r -> r.getString(r.fieldIndex(ForgetUsers.USER_PSEUDONYM)), r -> true))));
    assertEquals(result.rowsRemoved(), auditTotals, "the audit rows add up to what was removed");
    assertTrue(audit.stream().anyMatch(r -> r.getString(r.fieldIndex(ForgetUsers.USER_PSEUDONYM)).equals(pseudonyms.get(quarantined))
        && r.getList(r.fieldIndex(ForgetUsers.TABLES_TOUCHED)).contains(Tables.QUARANTINE)));
  }

  @Test
  @Order(3)
  void forgetRefusesAShortVacuumWhileDeltasCheckIsOnBeforeDeletingAnything() {
    Lakehouse lake = ctx.lake();
    long events = lake.version(Tables.EVENTS);
    String someone = lake.read(Tables.EVENTS).select(Columns.USER_ID).orderBy(Columns.USER_ID).head().getString(0);
    byte[] key = ctx.pseudonymKey();
    assertThrows(dev.nightjar.jobs.config.ConfigException.class, () -> withSQLConf(Map.of(Vacuums.RETENTION_CHECK_KEY, "true"),
        () -> ForgetUsers.run(ctx, List.of(someone), key, FORGOTTEN_AT)));
    assertEquals(events, lake.version(Tables.EVENTS));
    assertTrue(lake.read(Tables.EVENTS).where(col(Columns.USER_ID).equalTo(someone)).count() > 0);
  }

  /** Matches any of {@code ids} as a whole token (not inside a longer id). */
  static Pattern token(List<String> ids) {
    return Pattern.compile("(?<![A-Za-z0-9_-])(" + ids.stream().map(Pattern::quote).collect(Collectors.joining("|")) + ")(?![A-Za-z0-9_-])");
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** Rows of {@code df} whose text (string columns, and arrays, maps and structs as JSON) matches {@code pattern}. */
  static long traces(Dataset<Row> df, Pattern pattern) {
    List<Column> texts = new ArrayList<>();
    for (StructField f : df.schema().fields()) {
      if (f.dataType().equals(DataTypes.StringType)) {
        texts.add(col(f.name()));
      } else if (f.dataType() instanceof ArrayType || f.dataType() instanceof MapType || f.dataType() instanceof StructType) {
        texts.add(to_json(col(f.name())));
      }
    }
    if (texts.isEmpty()) {
      return 0;
    }
    return df.where(concat_ws("\u0001", texts.toArray(new Column[0])).rlike(pattern.pattern())).count();
  }
}
