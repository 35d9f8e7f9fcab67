package dev.nightjar.jobs.reliability;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.jobs.stages.IngestStage;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.privacy.Pseudonyms;
import dev.nightjar.transforms.SchemaCheck.SchemaMismatchException;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** Ingest refuses drifted raw tables before writing anything, naming the column; extra columns pass. */
class SchemaDriftTest extends SparkTestBase {
  static final LocalDate D = LocalDate.of(2026, 10, 31);
  static final Instant IMPORTED = Instant.parse("2026-10-31T12:00:00Z");

  /** A lakehouse with one item and two events, the raw tables' schemas changed by the two operators. */
  static StageContext lakehouse(String name, UnaryOperator<Map<String, DataType>> events, UnaryOperator<Map<String, DataType>> items) {
    Lakehouse lake = new Lakehouse(spark(), tempDir.resolve(name));
    Map<String, Object> view = RawFixtures.event("r1", "U1", "I1", "view", "2026-10-30T10:00:00Z", IMPORTED);
    Map<String, Object> purchase = RawFixtures.event("r2", "U2", "I1", "purchase", "2026-10-30T11:00:00Z", IMPORTED);
    purchase.put(Columns.VALUE, "1");
    purchase.put("email", "u2@example.com");
    if (events.apply(new LinkedHashMap<>(RawSchemaCheck.RAW_EVENTS)).get(Columns.TS) == DataTypes.TimestampType) {
      view.put(Columns.TS, java.sql.Timestamp.from(Instant.parse("2026-10-30T10:00:00Z")));
      purchase.put(Columns.TS, java.sql.Timestamp.from(Instant.parse("2026-10-30T11:00:00Z")));
    }
    RawFixtures.write(lake, Tables.RAW_EVENTS, RawFixtures.schema(events.apply(new LinkedHashMap<>(RawSchemaCheck.RAW_EVENTS))),
        List.of(view, purchase));
    Map<String, Object> lamp = RawFixtures.item("i1", "I1", "Desk lamp", IMPORTED);
    Map<String, DataType> itemColumns = items.apply(new LinkedHashMap<>(RawSchemaCheck.RAW_ITEMS));
    if (itemColumns.get(Columns.PRICE) == DataTypes.DoubleType) {
      lamp.put(Columns.PRICE, 19.5);
    }
    RawFixtures.write(lake, Tables.RAW_ITEMS, RawFixtures.schema(itemColumns), List.of(lamp));
    return new StageContext(spark(), lake, NightjarConfig.defaults());
  }

  /** Every table of the lakehouse with its current version. */
  static Map<String, Long> versions(Lakehouse lake) {
    Map<String, Long> out = new TreeMap<>();
    lake.tableNames().forEach(t -> out.put(t, lake.version(t)));
    return out;
  }

  @Test
  void aMissingEventColumnFailsBeforeAnyWrite() {
    StageContext ctx = lakehouse("missing", m -> { m.remove(Columns.TS); return m; }, m -> m);
    Map<String, Long> before = versions(ctx.lake());
    SchemaMismatchException e = assertThrows(SchemaMismatchException.class, () -> IngestStage.run(ctx, D));
    assertTrue(e.getMessage().startsWith("raw_events (version 0) is missing column 'ts': expected type string."), e.getMessage());
    assertEquals(Map.of(Tables.RAW_EVENTS, 0L, Tables.RAW_ITEMS, 0L), before);
    assertEquals(before, versions(ctx.lake()), "no table was created or got a new version");
  }

  @Test
  void aRetypedColumnFailsNamingFoundAndExpectedTypes() {
    StageContext events = lakehouse("retyped-events", m -> { m.put(Columns.TS, DataTypes.TimestampType); return m; }, m -> m);
    SchemaMismatchException e = assertThrows(SchemaMismatchException.class, () -> IngestStage.run(events, D));
    assertTrue(e.getMessage().startsWith("raw_events (version 0) column 'ts' has type timestamp, expected string."), e.getMessage());
    assertEquals(Map.of(Tables.RAW_EVENTS, 0L, Tables.RAW_ITEMS, 0L), versions(events.lake()));

    StageContext items = lakehouse("retyped-items", m -> m, m -> { m.put(Columns.PRICE, DataTypes.DoubleType); return m; });
    SchemaMismatchException i = assertThrows(SchemaMismatchException.class, () -> IngestStage.run(items, D));
    assertTrue(i.getMessage().startsWith("raw_items (version 0) column 'price' has type double, expected string."), i.getMessage());
    assertEquals(Map.of(Tables.RAW_EVENTS, 0L, Tables.RAW_ITEMS, 0L), versions(items.lake()));
  }

  @Test
  void anExtraColumnIsToleratedAndIngestRuns() {
    StageContext ctx = lakehouse("extra", m -> { m.put("email", DataTypes.StringType); return m; }, m -> m);
    assertEquals(
        Map.of(Tables.RAW_EVENTS, List.of("email"), Tables.RAW_ITEMS, List.of()),
        RawSchemaCheck.requireRawTables(ctx.lake(), 0, 0));
    RunReport report = IngestStage.run(ctx, D);
    assertEquals(RunReport.STATUS_OK, report.status());
    assertEquals(2, report.rowsAccepted());
    byte[] key = ctx.pseudonymKey();
    assertEquals(
        java.util.stream.Stream.of("[" + Pseudonyms.hmacSha256Hex("U1", key) + ",I1,view]", "[" + Pseudonyms.hmacSha256Hex("U2", key) + ",I1,purchase]")
            .sorted().toList(),
        sortedRows(ctx.lake().read(Tables.EVENTS).select(Columns.USER_ID, Columns.ITEM_ID, Columns.EVENT_TYPE)),
        "accepted events are keyed by the users' pseudonyms");
  }
}
