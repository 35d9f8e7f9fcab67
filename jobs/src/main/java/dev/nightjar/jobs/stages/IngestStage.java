package dev.nightjar.jobs.stages;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.jobs.privacy.PseudonymKey;
import dev.nightjar.jobs.reliability.RawSchemaCheck;
import dev.nightjar.transforms.Catalogue;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.Ingest;
import dev.nightjar.transforms.privacy.Pseudonyms;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Night D's ingest: rebuilds {@code items} from every imported item version, then validates every
 * raw event not yet ingested with a timestamp up to the end of D into {@code events} (partition
 * {@code ingest_date = D}, {@code user_id} replaced by its HMAC-SHA256 pseudonym, docs/privacy.md) or
 * {@code quarantine} (with a reason, the original values as they came). Rerunning D replaces exactly what
 * D wrote, so the result is the same rows.
 */
public final class IngestStage {
  private static final Logger LOG = LoggerFactory.getLogger(IngestStage.class);
  public static final String NAME = "ingest";
  /** Run-report detail: the fingerprint (never the key) of the pseudonym key the events were keyed with. */
  public static final String PSEUDONYM_KEY_FINGERPRINT = "pseudonym_key_fingerprint";

  private IngestStage() {}

  public static RunReport run(StageContext ctx, LocalDate date) {
    Lakehouse lake = ctx.lake();
    RunReport report = RunReport.of(NAME, date);
    String day = "DATE'" + date + "'";

    long rawItemsVersion = lake.version(Tables.RAW_ITEMS);
    long rawEventsVersion = lake.version(Tables.RAW_EVENTS);
    report.inputVersion(Tables.RAW_ITEMS, rawItemsVersion).inputVersion(Tables.RAW_EVENTS, rawEventsVersion);
    RawSchemaCheck.requireRawTables(lake, rawEventsVersion, rawItemsVersion); // schema drift fails here, before any write

    // 1. The catalogue: current version of every item, accepted or quarantined.
    Dataset<Row> rawItems = lake.readAt(Tables.RAW_ITEMS, rawItemsVersion);
    Dataset<Row> checkedItems =
        Catalogue.validate(Catalogue.currentVersions(rawItems)).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> items = Catalogue.accepted(checkedItems);
    lake.overwrite(Tables.ITEMS, items);
    lake.replaceWhere(
        Tables.QUARANTINE,
        Catalogue.quarantined(checkedItems, date),
        "ingest_date = " + day + " AND source_table = '" + Catalogue.SOURCE_TABLE + "'",
        Columns.INGEST_DATE);
    long rawItemRows = rawItems.count();
    long itemCount = lake.read(Tables.ITEMS).count();
    long itemVersions = checkedItems.count();
    checkedItems.unpersist();
    report
        .detail("raw_item_rows", rawItemRows)
        .detail("items_current_versions", itemVersions)
        .detail("items_superseded_versions", rawItemRows - itemVersions)
        .detail("items_accepted", itemCount)
        .detail("items_quarantined", itemVersions - itemCount);
    LOG.info("Catalogue: {} raw item rows, {} items, {} items quarantined", rawItemRows, itemCount, itemVersions - itemCount);

    // 2. Events: everything due by the end of D that no other night has taken.
    Dataset<Row> checked = checkedEvents(ctx, date, rawEventsVersion, report).persist(StorageLevel.MEMORY_AND_DISK());
    for (Row r : checked.groupBy(Columns.REASON).count().collectAsList()) {
      if (r.isNullAt(0)) {
        report.accepted(r.getLong(1));
      } else {
        report.quarantined(r.getString(0), r.getLong(1));
      }
    }
    report.rowsIn(report.rowsAccepted() + report.rowsQuarantined());
    LOG.info("Ingest {}: {} raw events due, {} accepted, {} quarantined {}", date, report.rowsIn(),
        report.rowsAccepted(), report.rowsQuarantined(), report.quarantinedByReason());

    // Accepted events are keyed by the HMAC pseudonym from here on, so every derived table and output is too
    // (raw_events and quarantine's original payload keep the raw id: inputs, governed by retention and forget).
    byte[] key = ctx.pseudonymKey();
    report.detail(PSEUDONYM_KEY_FINGERPRINT, PseudonymKey.fingerprint(key));
    lake.replaceWhere(Tables.EVENTS, acceptedEvents(checked, date, key), "ingest_date = " + day, Columns.INGEST_DATE);
    lake.replaceWhere(
        Tables.QUARANTINE,
        Ingest.quarantined(checked, date),
        "ingest_date = " + day + " AND source_table = '" + Ingest.SOURCE_TABLE + "'",
        Columns.INGEST_DATE);
    checked.unpersist();

    // 3. Nothing lost: what landed in the tables must add up to what came in.
    long landedEvents = lake.read(Tables.EVENTS).where("ingest_date = " + day).count();
    long landedQuarantine =
        lake.read(Tables.QUARANTINE)
            .where("ingest_date = " + day + " AND source_table = '" + Ingest.SOURCE_TABLE + "'")
            .count();
    if (landedEvents != report.rowsAccepted() || landedQuarantine != report.rowsQuarantined()) {
      throw new IllegalStateException(
          String.format("ingest %s: expected %d events and %d quarantined rows, tables hold %d and %d",
              date, report.rowsAccepted(), report.rowsQuarantined(), landedEvents, landedQuarantine));
    }
    if (report.rowsIn() == 0) {
      report.status(RunReport.STATUS_NO_DATA);
    }
    return report.requireBalanced().write(lake);
  }

  /** The accepted events as {@code events} stores them: users keyed by their HMAC pseudonym. */
  private static Dataset<Row> acceptedEvents(Dataset<Row> checked, LocalDate date, byte[] key) {
    return Ingest.accepted(checked, date).withColumn(Columns.USER_ID, Pseudonyms.hmacSha256(col(Columns.USER_ID), key));
  }

  /**
   * The DataFrames night D's ingest writes, built on the current tables but not run: what {@code gpu-plan}
   * checks. Keys are {@code items}, {@code quarantine (items)}, {@code events}, {@code quarantine (events)}.
   * Needs {@code raw_items}, {@code raw_events} and {@code items} (an earlier night's ingest).
   */
  public static Map<String, Dataset<Row>> plans(StageContext ctx, LocalDate date) {
    Lakehouse lake = ctx.lake();
    RunReport scratch = RunReport.of(NAME, date);
    Dataset<Row> checkedItems =
        Catalogue.validate(Catalogue.currentVersions(lake.readAt(Tables.RAW_ITEMS, lake.version(Tables.RAW_ITEMS))));
    Dataset<Row> checked = checkedEvents(ctx, date, lake.version(Tables.RAW_EVENTS), scratch);
    Map<String, Dataset<Row>> plans = new LinkedHashMap<>();
    plans.put("items", Catalogue.accepted(checkedItems));
    plans.put("quarantine (items)", Catalogue.quarantined(checkedItems, date));
    plans.put("events", acceptedEvents(checked, date, ctx.pseudonymKey()));
    plans.put("quarantine (events)", Ingest.quarantined(checked, date));
    return plans;
  }

  /**
   * Every raw event (of {@code raw_events} at {@code rawEventsVersion}) due by the end of D that no other night took, validated against the clean
   * {@code items} table (read as it is now) and the events other nights accepted; records the input
   * versions in {@code report}.
   */
  private static Dataset<Row> checkedEvents(StageContext ctx, LocalDate date, long rawEventsVersion, RunReport report) {
    Lakehouse lake = ctx.lake();
    Dataset<Row> ingestedElsewhere = emptyIds(lake);
    Dataset<Row> acceptedElsewhere = ctx.spark().emptyDataFrame().withColumn(Columns.EVENT_KEY, lit(""));
    if (lake.exists(Tables.EVENTS)) {
      long v = lake.version(Tables.EVENTS);
      report.inputVersion(Tables.EVENTS, v);
      Dataset<Row> others = lake.readAt(Tables.EVENTS, v).where(col(Columns.INGEST_DATE).notEqual(lit(java.sql.Date.valueOf(date))));
      ingestedElsewhere = ingestedElsewhere.unionByName(others.select(Columns.RAW_ID));
      acceptedElsewhere = others.select(Columns.EVENT_KEY);
    }
    long quarantineVersion = lake.version(Tables.QUARANTINE);
    report.inputVersion(Tables.QUARANTINE, quarantineVersion);
    ingestedElsewhere =
        ingestedElsewhere.unionByName(
            lake.readAt(Tables.QUARANTINE, quarantineVersion)
                .where(
                    col(Columns.SOURCE_TABLE).equalTo(Ingest.SOURCE_TABLE)
                        .and(col(Columns.INGEST_DATE).notEqual(lit(java.sql.Date.valueOf(date)))))
                .select(Columns.RAW_ID));
    Dataset<Row> batch =
        Ingest.selectBatch(lake.readAt(Tables.RAW_EVENTS, rawEventsVersion), ingestedElsewhere, date);
    return Ingest.validate(batch, lake.read(Tables.ITEMS), acceptedElsewhere, date, ctx.config().ingest(), ctx.pseudonymKey());
  }

  private static Dataset<Row> emptyIds(Lakehouse lake) {
    return lake.spark().emptyDataFrame().withColumn(Columns.RAW_ID, lit("").cast("string"));
  }
}
