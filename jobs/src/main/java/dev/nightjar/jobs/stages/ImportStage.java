package dev.nightjar.jobs.stages;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.transforms.Catalogue;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.Ingest;
import dev.nightjar.transforms.OnlineRetail;
import dev.nightjar.transforms.RawRows;
import dev.nightjar.transforms.SchemaCheck.SchemaMismatchException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads files into {@code raw_events} and {@code raw_items}, keeping every value as it was (strings)
 * and giving each row a stable {@code raw_id}: importing the same file again adds nothing.
 * Validation happens later, in {@code ingest}.
 *
 * <p>The generic CSV format: events {@code user_id,item_id,event_type,ts} plus optional
 * {@code value,session_id,event_id}; items {@code item_id,title} plus optional
 * {@code description,category,brand,price,available,created_at}. Headers are matched by name
 * (case-insensitive); other columns are kept in {@code attributes} (JSON).
 */
public final class ImportStage {
  private static final Logger LOG = LoggerFactory.getLogger(ImportStage.class);
  public static final String NAME_CSV = "import-csv";
  public static final String NAME_ONLINE_RETAIL = "import-online-retail";

  public static final List<String> EVENT_REQUIRED = List.of(Columns.USER_ID, Columns.ITEM_ID, Columns.EVENT_TYPE, Columns.TS);
  public static final List<String> EVENT_OPTIONAL = List.of(Columns.VALUE, Columns.SESSION_ID, Columns.EVENT_ID);
  public static final List<String> ITEM_REQUIRED = List.of(Columns.ITEM_ID, Columns.TITLE);
  public static final List<String> ITEM_OPTIONAL =
      List.of(Columns.DESCRIPTION, Columns.CATEGORY, Columns.BRAND, Columns.PRICE, Columns.AVAILABLE, Columns.CREATED_AT);

  private ImportStage() {}

  /**
   * Imports generic CSV files (either may be null). {@code importedAt} stamps the arrival time of the rows. The files
   * are local input given on the command line (an embedded import), unlike the lakehouse, which may be a URI.
   */
  public static RunReport importCsv(StageContext ctx, Path eventsFile, Path itemsFile, Instant importedAt) {
    Lakehouse lake = ctx.lake();
    RunReport report = RunReport.of(NAME_CSV, LocalDate.ofInstant(importedAt, ZoneOffset.UTC));
    if (itemsFile != null) {
      Dataset<Row> items = readCsv(lake, itemsFile, "items file", ITEM_REQUIRED, ITEM_OPTIONAL, false, true);
      importItems(lake, items.withColumn(Columns.SOURCE_FLAG, lit(null).cast(DataTypes.StringType)), report, importedAt);
      report.detail("items_file", itemsFile);
    }
    if (eventsFile != null) {
      Dataset<Row> events = readCsv(lake, eventsFile, "events file", EVENT_REQUIRED, EVENT_OPTIONAL, true, false);
      importEvents(lake, events.withColumn(Columns.SOURCE_FLAG, lit(null).cast(DataTypes.StringType)), report, importedAt);
      report.detail("events_file", eventsFile);
    }
    return report.write(lake);
  }

  /** Imports the UCI Online Retail daily files of {@code dir} (optionally only those named within [from, to]). */
  public static RunReport importOnlineRetail(StageContext ctx, Path dir, LocalDate from, LocalDate to, Instant importedAt) {
    Lakehouse lake = ctx.lake();
    RunReport report = RunReport.of(NAME_ONLINE_RETAIL, LocalDate.ofInstant(importedAt, ZoneOffset.UTC));
    List<String> files = onlineRetailFiles(dir, from, to);
    LOG.info("Importing {} Online Retail files from {}", files.size(), dir);
    Dataset<Row> lines =
        ctx.spark()
            .read()
            .option("header", "true")
            .option("inferSchema", "false")
            .option("mode", "PERMISSIVE")
            .csv(files.toArray(new String[0]))
            .withColumn(Columns.SOURCE, col("_metadata.file_name"));
    importItems(lake, OnlineRetail.toRawItems(lines), report, importedAt);
    importEvents(lake, OnlineRetail.toRawEvents(lines), report, importedAt);
    return report.detail("files", files.size()).detail("dir", dir).write(lake);
  }

  static List<String> onlineRetailFiles(Path dir, LocalDate from, LocalDate to) {
    java.io.File[] all = dir.toFile().listFiles((d, name) -> name.matches("\\d{4}-\\d{2}-\\d{2}\\.csv(\\.gz)?"));
    if (all == null || all.length == 0) {
      throw new IllegalArgumentException(
          "no Online Retail daily files (YYYY-MM-DD.csv.gz) in " + dir + " — expected the by-day folder of the dataset");
    }
    List<String> out = new ArrayList<>();
    for (java.io.File f : all) {
      LocalDate day = LocalDate.parse(f.getName().substring(0, 10));
      if ((from == null || !day.isBefore(from)) && (to == null || !day.isAfter(to))) {
        out.add(f.getAbsolutePath());
      }
    }
    out.sort(String::compareTo);
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no Online Retail files in " + dir + " between " + from + " and " + to);
    }
    return out;
  }

  /**
   * Reads a CSV with a header as strings, matching columns by name; fails naming a missing required
   * column; unknown columns go into {@code attributes}. {@code multiLine} allows line breaks inside
   * quoted fields (item descriptions) at the cost of reading the file in one task; event files are
   * read in parallel splits, so their fields must not contain line breaks.
   */
  static Dataset<Row> readCsv(
      Lakehouse lake, Path file, String what, List<String> required, List<String> optional, boolean keepAttributes,
      boolean multiLine) {
    if (!file.toFile().isFile()) {
      throw new IllegalArgumentException(what + " " + file + " does not exist");
    }
    Dataset<Row> raw =
        lake.spark()
            .read()
            .option("header", "true")
            .option("inferSchema", "false")
            .option("multiLine", Boolean.toString(multiLine))
            .option("escape", "\"")
            .csv(file.toAbsolutePath().toString());
    Map<String, String> byName = new LinkedHashMap<>();
    for (String c : raw.columns()) {
      byName.put(c.trim().toLowerCase(Locale.ROOT), c);
    }
    for (String c : required) {
      if (!byName.containsKey(c)) {
        throw new SchemaMismatchException(
            String.format(
                "%s %s is missing required column '%s'. Header found: %s. Required: %s; optional: %s.",
                what, file, c, byName.keySet(), required, optional));
      }
    }
    List<Column> select = new ArrayList<>();
    List<String> known = new ArrayList<>(required);
    known.addAll(optional);
    for (String c : known) {
      select.add(byName.containsKey(c) ? col("`" + byName.get(c) + "`").as(c) : lit(null).cast(DataTypes.StringType).as(c));
    }
    List<Column> extras =
        byName.entrySet().stream()
            .filter(e -> !known.contains(e.getKey()))
            .map(e -> col("`" + e.getValue() + "`").as(e.getKey()))
            .toList();
    if (keepAttributes) {
      select.add(
          extras.isEmpty()
              ? lit(null).cast(DataTypes.StringType).as(Columns.ATTRIBUTES)
              : to_json(struct(extras.toArray(new Column[0]))).as(Columns.ATTRIBUTES));
    }
    select.add(lit("csv:" + file.getFileName()).as(Columns.SOURCE));
    return raw.select(select.toArray(new Column[0]));
  }

  private static long nextBatch(Lakehouse lake, String table) {
    return lake.exists(table) ? lake.version(table) + 1 : 0;
  }

  private static void importEvents(Lakehouse lake, Dataset<Row> mapped, RunReport report, Instant importedAt) {
    importRows(lake, Tables.RAW_EVENTS, "event", mapped, Ingest.RAW_EVENT_VALUE_COLUMNS, report, importedAt);
  }

  private static void importItems(Lakehouse lake, Dataset<Row> mapped, RunReport report, Instant importedAt) {
    importRows(lake, Tables.RAW_ITEMS, "item", mapped, Catalogue.RAW_ITEM_VALUE_COLUMNS, report, importedAt);
  }

  /** Adds ids and bookkeeping columns, inserts the rows not imported before, and counts both. */
  private static void importRows(
      Lakehouse lake, String table, String label, Dataset<Row> mapped, String[] valueColumns, RunReport report,
      Instant importedAt) {
    List<Column> bookkeeping =
        List.of(
            col(Columns.RAW_ID),
            col(Columns.SOURCE),
            col(Columns.SOURCE_FLAG),
            lit(nextBatch(lake, table)).as(Columns.IMPORT_BATCH),
            lit(Timestamp.from(importedAt)).as(Columns.IMPORTED_AT));
    List<Column> select = new ArrayList<>(bookkeeping);
    Arrays.stream(valueColumns).map(c -> col(c)).forEach(select::add);
    Dataset<Row> rows =
        RawRows.assignIds(mapped, valueColumns).select(select.toArray(new Column[0])).persist(StorageLevel.MEMORY_AND_DISK());
    long read = rows.count();
    long inserted = lake.insertNew(table, rows, List.of(Columns.RAW_ID));
    rows.unpersist();
    LOG.info("{}: {} rows read, {} new, {} already imported", table, read, inserted, read - inserted);
    report
        .rowsIn(report.rowsIn() + read)
        .accepted(report.rowsAccepted() + read)
        .detail(label + "_rows_read", read)
        .detail(label + "_rows_new", inserted)
        .detail(label + "_rows_already_imported", read - inserted);
  }
}
