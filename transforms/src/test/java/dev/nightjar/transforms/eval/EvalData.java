package dev.nightjar.transforms.eval;

import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Small inputs for the metric tests: plain-Java lists and truth, their Dataset forms, random
 * generators and a reader for metric tables.
 *
 * <pre>{@code
 * Map<String, List<String>> lists = EvalData.randomLists(new Random(1), 30, 40, 12);
 * Dataset<Row> recs = EvalData.recommendations(lists);
 * }</pre>
 */
final class EvalData {
  private EvalData() {}

  static final StructType RECS =
      new StructType()
          .add("user_id", DataTypes.StringType)
          .add("item_id", DataTypes.StringType)
          .add("rank", DataTypes.IntegerType);
  static final StructType PAIRS =
      new StructType().add("user_id", DataTypes.StringType).add("item_id", DataTypes.StringType);

  /** Rows {@code user_id, item_id, rank} with rank = position in the list (1-based). */
  static Dataset<Row> recommendations(Map<String, List<String>> lists) {
    List<Row> rows = new ArrayList<>();
    lists.forEach((u, items) -> {
      for (int i = 0; i < items.size(); i++) {
        rows.add(RowFactory.create(u, items.get(i), i + 1));
      }
    });
    return SparkTestBase.spark().createDataFrame(rows, RECS);
  }

  /** Rows {@code user_id, item_id}. */
  static Dataset<Row> pairs(Map<String, Set<String>> sets) {
    List<Row> rows = new ArrayList<>();
    sets.forEach((u, items) -> items.forEach(i -> rows.add(RowFactory.create(u, i))));
    return SparkTestBase.spark().createDataFrame(rows, PAIRS);
  }

  /** Rows {@code item_id, vector ARRAY<FLOAT>}; a null array stays null. */
  static Dataset<Row> vectors(Map<String, float[]> vectors) {
    StructType schema =
        new StructType()
            .add("item_id", DataTypes.StringType)
            .add("vector", DataTypes.createArrayType(DataTypes.FloatType, false));
    List<Row> rows = new ArrayList<>();
    vectors.forEach((item, v) -> {
      Float[] boxed = null;
      if (v != null) {
        boxed = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
          boxed[i] = v[i];
        }
      }
      rows.add(RowFactory.create(item, boxed));
    });
    return SparkTestBase.spark().createDataFrame(rows, schema);
  }

  /** {@code "metric@k" -> value} of a {@code metric, k, value} table (null values kept). */
  static Map<String, Double> read(Dataset<Row> metrics) {
    Map<String, Double> out = new HashMap<>();
    for (Row r : metrics.collectAsList()) {
      out.put(r.getString(r.fieldIndex("metric")) + "@" + r.getInt(r.fieldIndex("k")),
          r.isNullAt(r.fieldIndex("value")) ? null : r.getDouble(r.fieldIndex("value")));
    }
    return out;
  }

  static String user(int u) {
    return "u" + u;
  }

  static String item(int i) {
    return "i" + i;
  }

  /** Lists of distinct items, lengths 0..maxLength; a user with length 0 has no list. */
  static Map<String, List<String>> randomLists(Random r, int users, int items, int maxLength) {
    Map<String, List<String>> lists = new LinkedHashMap<>();
    for (int u = 0; u < users; u++) {
      int length = r.nextInt(maxLength + 1);
      if (length == 0) {
        continue;
      }
      List<String> all = new ArrayList<>();
      for (int i = 0; i < items; i++) {
        all.add(item(i));
      }
      Collections.shuffle(all, r);
      List<String> list = new ArrayList<>();
      for (String candidate : all) { // skewed: the first third of the items are picked more often
        if (list.size() == length) {
          break;
        }
        if (Integer.parseInt(candidate.substring(1)) < items / 3 || r.nextInt(3) == 0) {
          list.add(candidate);
        }
      }
      lists.put(user(u), list);
    }
    return lists;
  }

  /** Item sets of sizes 0..maxSize per user; a user with size 0 is absent. */
  static Map<String, Set<String>> randomSets(Random r, int users, int items, int maxSize) {
    Map<String, Set<String>> sets = new LinkedHashMap<>();
    for (int u = 0; u < users; u++) {
      int size = r.nextInt(maxSize + 1);
      if (size == 0) {
        continue;
      }
      Set<String> set = new HashSet<>();
      while (set.size() < size) {
        set.add(item(r.nextInt(items)));
      }
      sets.put(user(u), set);
    }
    return sets;
  }
}
