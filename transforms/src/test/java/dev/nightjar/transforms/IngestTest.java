package dev.nightjar.transforms;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.transforms.testing.SparkTestBase;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class IngestTest extends SparkTestBase {
  static final LocalDate D = LocalDate.of(2026, 10, 31);
  static final Timestamp IMPORTED = Timestamp.valueOf("2026-11-01 00:00:00");

  static final StructType RAW =
      new StructType()
          .add("raw_id", DataTypes.StringType)
          .add("source", DataTypes.StringType)
          .add("source_flag", DataTypes.StringType)
          .add("imported_at", DataTypes.TimestampType)
          .add("event_id", DataTypes.StringType)
          .add("user_id", DataTypes.StringType)
          .add("item_id", DataTypes.StringType)
          .add("event_type", DataTypes.StringType)
          .add("ts", DataTypes.StringType)
          .add("value", DataTypes.StringType)
          .add("session_id", DataTypes.StringType)
          .add("attributes", DataTypes.StringType);

  static Row raw(String id, String flag, String eventId, String user, String item, String type, String ts, String value) {
    return RowFactory.create(id, "test", flag, IMPORTED, eventId, user, item, type, ts, value, "s1", null);
  }

  /**
   * One row per outcome; the expected reason is the raw id's prefix ("z-" only makes the duplicate
   * sort after its first occurrence, which is the one kept).
   */
  static Dataset<Row> rawEvents() {
    List<Row> rows = new ArrayList<>();
    rows.add(raw("ok-view", null, null, "u1", "i1", "view", "2026-10-30T10:00:00Z", null));
    rows.add(raw("ok-purchase", null, null, "u1", "i2", "PURCHASE", "2026-10-30 11:00:00", "2"));
    rows.add(raw("ok-epoch", null, null, "u2", "i1", "cart", "1793433600", null)); // 2026-10-31T08:00:00Z
    rows.add(raw("ok-search", null, null, "u2", null, "search", "2026-10-31T09:00:00Z", "red mug"));
    rows.add(raw("ok-rating", null, null, "u3", "i1", "rating", "2026-10-31T09:00:00Z", "4"));
    rows.add(raw("cancellation", "cancellation", null, "u1", "i1", "purchase", "2026-10-30T10:00:00Z", "-1"));
    rows.add(raw("missing_user_id", null, null, " ", "i1", "view", "2026-10-30T10:00:00Z", null));
    rows.add(raw("missing_event_type", null, null, "u1", "i1", null, "2026-10-30T10:00:00Z", null));
    rows.add(raw("unknown_event_type", null, null, "u1", "i1", "clik", "2026-10-30T10:00:00Z", null));
    rows.add(raw("missing_item_id", null, null, "u1", "", "view", "2026-10-30T10:00:00Z", null));
    rows.add(raw("bad_timestamp", null, null, "u1", "i1", "view", "yesterday", null));
    rows.add(raw("future_timestamp", null, null, "u1", "i1", "view", "2026-10-31T23:00:00Z", null));
    rows.add(raw("too_old", null, null, "u1", "i1", "view", "1999-01-01T00:00:00Z", null));
    rows.add(raw("bad_value", null, null, "u1", "i1", "purchase", "2026-10-30T10:00:00Z", "two"));
    rows.add(raw("bad_value-rating", null, null, "u1", "i1", "rating", "2026-10-30T10:00:00Z", "9"));
    rows.add(raw("non_positive_quantity", null, null, "u1", "i1", "purchase", "2026-10-30T10:00:00Z", "0"));
    rows.add(raw("unknown_item_id", null, null, "u1", "nope", "view", "2026-10-30T10:00:00Z", null));
    rows.add(raw("ok-dup-first", null, "e9", "u4", "i1", "view", "2026-10-30T10:00:00Z", null));
    rows.add(raw("z-duplicate", null, "e9", "u4", "i1", "view", "2026-10-30T10:00:00Z", null));
    rows.add(raw("duplicate-of-earlier-night", null, "e-old", "u4", "i2", "view", "2026-10-30T10:00:00Z", null));
    rows.add(raw("later-night", null, null, "u1", "i1", "view", "2026-11-01T10:00:00Z", null));
    rows.add(raw("taken-by-other-night", null, null, "u1", "i1", "view", "2026-10-29T10:00:00Z", null));
    return spark().createDataFrame(rows, RAW);
  }

  @Test
  void everyRowGetsExactlyTheExpectedOutcome() {
    // The future_timestamp row was imported at noon on D but claims 23:00 on D (skew allowed: 0 h).
    Dataset<Row> raw =
        rawEvents()
            .withColumn(
                "imported_at",
                org.apache.spark.sql.functions.when(
                        col("raw_id").equalTo("future_timestamp"), org.apache.spark.sql.functions.lit(Timestamp.valueOf("2026-10-31 12:00:00")))
                    .otherwise(col("imported_at")));
    Dataset<Row> catalogue = spark().sql("SELECT * FROM VALUES ('i1'), ('i2') AS t(item_id)");
    Dataset<Row> ingestedElsewhere = spark().sql("SELECT 'taken-by-other-night' AS raw_id");
    Dataset<Row> acceptedElsewhere = spark().sql("SELECT 'e-old' AS event_key");

    Dataset<Row> batch = Ingest.selectBatch(raw, ingestedElsewhere, D);
    Dataset<Row> checked = Ingest.validate(batch, catalogue, acceptedElsewhere, D, new IngestParams(730, 0));

    Map<String, String> outcome = new TreeMap<>();
    for (Row r : checked.select("raw_id", "reason").collectAsList()) {
      outcome.put(r.getString(0), r.isNullAt(1) ? "accepted" : r.getString(1));
    }
    Map<String, String> expected = new TreeMap<>();
    for (Row r : raw.select("raw_id").collectAsList()) {
      String id = r.getString(0);
      if (id.equals("later-night") || id.equals("taken-by-other-night")) {
        continue; // not in this night's batch
      }
      expected.put(id, id.startsWith("ok-") ? "accepted" : id.replaceFirst("^z-", "").replaceFirst("-.*", ""));
    }
    assertEquals(expected, outcome);

    long in = batch.count();
    long accepted = Ingest.accepted(checked, D).count();
    long quarantined = Ingest.quarantined(checked, D).count();
    assertEquals(in, accepted + quarantined, "rows in = accepted + quarantined");
  }

  @Test
  void aKeyedEventKeyIsTheHmacOfTheUnkeyedOneAndStillFindsDuplicates() {
    byte[] secret = "event-key-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Dataset<Row> catalogue = spark().sql("SELECT * FROM VALUES ('i1'), ('i2') AS t(item_id)");
    Dataset<Row> none = spark().sql("SELECT 'x' AS raw_id").limit(0);
    Dataset<Row> batch = Ingest.selectBatch(rawEvents(), none, D);
    Dataset<Row> plainElsewhere = spark().sql("SELECT 'e-old' AS event_key");
    Dataset<Row> keyedElsewhere =
        spark().sql("SELECT '" + dev.nightjar.transforms.privacy.Pseudonyms.hmacSha256Hex("e-old", secret) + "' AS event_key");
    Dataset<Row> plain = Ingest.validate(batch, catalogue, plainElsewhere, D, IngestParams.defaults());
    Dataset<Row> keyed = Ingest.validate(batch, catalogue, keyedElsewhere, D, IngestParams.defaults(), secret);

    Map<String, String> plainKeys = new TreeMap<>();
    Map<String, String> plainOutcome = new TreeMap<>();
    for (Row r : plain.select("raw_id", "event_key", "reason").collectAsList()) {
      plainKeys.put(r.getString(0), r.getString(1));
      plainOutcome.put(r.getString(0), String.valueOf(r.get(2)));
    }
    Map<String, String> keyedOutcome = new TreeMap<>();
    for (Row r : keyed.select("raw_id", "event_key", "reason").collectAsList()) {
      assertEquals(dev.nightjar.transforms.privacy.Pseudonyms.hmacSha256Hex(plainKeys.get(r.getString(0)), secret), r.getString(1),
          "keyed event_key of " + r.getString(0));
      keyedOutcome.put(r.getString(0), String.valueOf(r.get(2)));
    }
    assertTrue(plainOutcome.containsValue(Reasons.DUPLICATE), "the fixture holds duplicates: " + plainOutcome);
    assertEquals(plainOutcome, keyedOutcome, "the same rows are duplicates, keyed or not");
  }

  @Test
  void acceptedRowsAreParsedAndQuarantinedRowsKeepOriginalValues() {
    Dataset<Row> catalogue = spark().sql("SELECT * FROM VALUES ('i1'), ('i2') AS t(item_id)");
    Dataset<Row> none = spark().sql("SELECT 'x' AS raw_id, 'x' AS event_key").limit(0);
    Dataset<Row> checked = Ingest.validate(Ingest.selectBatch(rawEvents(), none, D), catalogue, none, D, IngestParams.defaults());

    Row purchase = Ingest.accepted(checked, D).where("raw_id = 'ok-purchase'").head();
    assertEquals("purchase", purchase.getAs("event_type"), "event types are lower-cased");
    assertEquals(2.0, (double) purchase.getAs("value_num"));
    assertEquals(Timestamp.valueOf("2026-10-30 11:00:00"), purchase.getAs("event_time"));
    assertEquals(java.sql.Date.valueOf(D), purchase.getAs("ingest_date"));
    Row epoch = Ingest.accepted(checked, D).where("raw_id = 'ok-epoch'").head();
    assertEquals(Timestamp.valueOf("2026-10-31 08:00:00"), epoch.getAs("event_time"));

    Row blankUser = Ingest.quarantined(checked, D).where("raw_id = 'missing_user_id'").head();
    assertEquals("raw_events", blankUser.getAs("source_table"));
    String original = blankUser.getAs("original");
    assertTrue(original.contains("\"user_id\":\" \""), "original keeps the blank user id as imported: " + original);
  }

  @Test
  void parseTimestampAcceptsIsoAndEpochOnly() {
    List<Row> rows =
        spark()
            .sql(
                "SELECT * FROM VALUES ('2026-10-05T13:45:12Z'), ('2026-10-05 13:45:12'), ('1790000000'),"
                    + " ('yesterday'), ('now'), ('2026-13-45'), (NULL) AS t(ts)")
            .select(Ingest.parseTimestamp(col("ts")).cast("string"))
            .collectAsList();
    List<String> parsed = rows.stream().map(r -> r.isNullAt(0) ? null : r.getString(0)).toList();
    assertEquals(
        java.util.Arrays.asList("2026-10-05 13:45:12", "2026-10-05 13:45:12", "2026-09-21 14:13:20", null, null, null, null),
        parsed);
  }

  @Test
  void parseNumberReadsPlainDecimalsOnly() {
    List<Row> rows =
        spark()
            .sql(
                "SELECT * FROM VALUES ('2'), (' -1.5 '), ('.5'), ('3.'), ('1e3'), ('+2E-1'), ('NaN'), ('Infinity'),"
                    + " ('2d'), ('1,5'), ('abc'), ('.'), (''), (NULL) AS t(v)")
            .select(Ingest.parseNumber(col("v")))
            .collectAsList();
    List<Double> parsed = rows.stream().map(r -> r.isNullAt(0) ? null : r.getDouble(0)).toList();
    assertEquals(
        java.util.Arrays.asList(2.0, -1.5, 0.5, 3.0, 1000.0, 0.2, null, null, null, null, null, null, null, null),
        parsed);
  }

  @Test
  void missingColumnFailsNamingIt() {
    Dataset<Row> broken = rawEvents().drop("event_type");
    SchemaCheck.SchemaMismatchException e =
        assertThrows(
            SchemaCheck.SchemaMismatchException.class,
            () -> Ingest.selectBatch(broken, spark().sql("SELECT 'x' AS raw_id"), D));
    assertTrue(e.getMessage().contains("'event_type'"), e.getMessage());
    assertTrue(e.getMessage().contains("Fix:"), e.getMessage());
  }
}
