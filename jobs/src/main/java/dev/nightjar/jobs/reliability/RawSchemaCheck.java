package dev.nightjar.jobs.reliability;

import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.transforms.Catalogue;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.Ingest;
import dev.nightjar.transforms.SchemaCheck;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards {@code ingest} against schema drift in the raw tables: before the stage writes anything,
 * {@code raw_events} and {@code raw_items} (at the versions the stage pinned) must have every column
 * the importers write, with its type. A missing or retyped column fails with a message naming the
 * table, its version, the column, the type found and the type expected; an extra column (e.g. one
 * added by another tool writing the raw tables) is tolerated and logged, since ingest never reads it.
 *
 * <pre>{@code
 * long events = lake.version(Tables.RAW_EVENTS), items = lake.version(Tables.RAW_ITEMS);
 * RawSchemaCheck.requireRawTables(lake, events, items); // throws SchemaMismatchException on drift
 * }</pre>
 */
public final class RawSchemaCheck {
  private static final Logger LOG = LoggerFactory.getLogger(RawSchemaCheck.class);

  /** Columns every raw table starts with, as the importers write them. */
  private static final Map<String, DataType> BOOKKEEPING =
      SchemaCheck.columns(
          Columns.RAW_ID, DataTypes.StringType,
          Columns.SOURCE, DataTypes.StringType,
          Columns.SOURCE_FLAG, DataTypes.StringType,
          Columns.IMPORT_BATCH, DataTypes.LongType,
          Columns.IMPORTED_AT, DataTypes.TimestampType);

  /** The columns of {@code raw_events} and their types: bookkeeping, then every value as a string. */
  public static final Map<String, DataType> RAW_EVENTS = withStrings(Ingest.RAW_EVENT_VALUE_COLUMNS);

  /** The columns of {@code raw_items} and their types: bookkeeping, then every value as a string. */
  public static final Map<String, DataType> RAW_ITEMS = withStrings(Catalogue.RAW_ITEM_VALUE_COLUMNS);

  private RawSchemaCheck() {}

  private static Map<String, DataType> withStrings(String[] valueColumns) {
    Map<String, DataType> out = new LinkedHashMap<>(BOOKKEEPING);
    Arrays.stream(valueColumns).forEach(c -> out.put(c, DataTypes.StringType));
    return Collections.unmodifiableMap(out);
  }

  /**
   * Checks both raw tables at the given versions; fails on a missing or retyped column, logs extra
   * columns. Reads only the tables' schemas (Delta log), no data.
   *
   * @return the extra columns of each table (empty lists when none)
   */
  public static Map<String, List<String>> requireRawTables(Lakehouse lake, long rawEventsVersion, long rawItemsVersion) {
    return Map.of(
        Tables.RAW_EVENTS,
        require(Tables.RAW_EVENTS, rawEventsVersion, lake.readAt(Tables.RAW_EVENTS, rawEventsVersion).schema(), RAW_EVENTS),
        Tables.RAW_ITEMS,
        require(Tables.RAW_ITEMS, rawItemsVersion, lake.readAt(Tables.RAW_ITEMS, rawItemsVersion).schema(), RAW_ITEMS));
  }

  /**
   * Checks one table's schema against {@code expected}.
   *
   * @return the extra columns found (tolerated), in table order
   * @throws SchemaCheck.SchemaMismatchException naming the first missing or retyped column
   */
  public static List<String> require(String table, long version, StructType found, Map<String, DataType> expected) {
    Map<String, DataType> actual = new LinkedHashMap<>();
    for (StructField f : found.fields()) {
      actual.put(f.name(), f.dataType());
    }
    for (Map.Entry<String, DataType> column : expected.entrySet()) {
      DataType type = actual.get(column.getKey());
      if (type == null) {
        throw new SchemaCheck.SchemaMismatchException(String.format(
            "%s (version %d) is missing column '%s': expected type %s. Columns found: %s. Ingest stopped before writing "
                + "anything. Fix: restore the column in %s (the importers write %s), then rerun ingest.",
            table, version, column.getKey(), column.getValue().simpleString(), actual.keySet(), table, expected.keySet()));
      }
      if (!type.equals(column.getValue())) {
        throw new SchemaCheck.SchemaMismatchException(String.format(
            "%s (version %d) column '%s' has type %s, expected %s. Ingest stopped before writing anything. "
                + "Fix: write the column as %s (raw values are kept as imported text), then rerun ingest.",
            table, version, column.getKey(), type.simpleString(), column.getValue().simpleString(),
            column.getValue().simpleString()));
      }
    }
    List<String> extra = actual.keySet().stream().filter(c -> !expected.containsKey(c)).toList();
    if (!extra.isEmpty()) {
      LOG.warn("{} (version {}) has extra column(s) {} that ingest does not read; tolerated", table, version, extra);
    }
    return extra;
  }
}
