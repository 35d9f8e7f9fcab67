package dev.nightjar.jobs.reliability;

import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.transforms.Columns;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/** Tiny raw tables written straight to Delta, with the importers' layout or a drifted one. */
final class RawFixtures {
  private RawFixtures() {}

  static StructType schema(Map<String, DataType> columns) {
    StructType s = new StructType();
    for (Map.Entry<String, DataType> c : columns.entrySet()) {
      s = s.add(c.getKey(), c.getValue(), true);
    }
    return s;
  }

  /** One raw event: the bookkeeping columns filled in, every other column null unless given. */
  static Map<String, Object> event(String rawId, String userId, String itemId, String type, String ts, Instant importedAt) {
    Map<String, Object> v = bookkeeping(rawId, importedAt);
    v.put(Columns.USER_ID, userId);
    v.put(Columns.ITEM_ID, itemId);
    v.put(Columns.EVENT_TYPE, type);
    v.put(Columns.TS, ts);
    return v;
  }

  static Map<String, Object> item(String rawId, String itemId, String title, Instant importedAt) {
    Map<String, Object> v = bookkeeping(rawId, importedAt);
    v.put(Columns.ITEM_ID, itemId);
    v.put(Columns.TITLE, title);
    v.put(Columns.CATEGORY, "Home");
    return v;
  }

  private static Map<String, Object> bookkeeping(String rawId, Instant importedAt) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put(Columns.RAW_ID, rawId);
    v.put(Columns.SOURCE, "csv:test.csv");
    v.put(Columns.IMPORT_BATCH, 0L);
    v.put(Columns.IMPORTED_AT, Timestamp.from(importedAt));
    return v;
  }

  /** Writes {@code rows} (column → value; missing columns null) as a new Delta table with {@code schema}. */
  static void write(Lakehouse lake, String table, StructType schema, List<Map<String, Object>> rows) {
    List<Row> out = rows.stream()
        .map(r -> RowFactory.create(java.util.Arrays.stream(schema.fieldNames()).map(r::get).toArray()))
        .toList();
    lake.spark().createDataFrame(out, schema).write().format("delta").mode("errorifexists").save(lake.path(table));
  }
}
