package dev.nightjar.transforms;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The id ↔ index lookups: unknown ids and indexes are dropped by the inner lookups and kept as null by the left one. */
class IdIndexTest extends SparkTestBase {
  static Dataset<Row> index() {
    return spark().sql("SELECT * FROM VALUES ('a', 0), ('b', 1) AS t(id, idx)");
  }

  @Test
  void attachLooksUpTheIndexOfEachIdAndDropsUnknownIds() {
    Dataset<Row> rows = spark().sql("SELECT * FROM VALUES ('b', 1.5), ('a', 2.5), ('c', 3.5) AS t(user_id, weight)");
    assertEquals(List.of("[0,2.5]", "[1,1.5]"), sortedRows(IdIndex.attach(rows, index(), "user_id", "user_idx").select("user_idx", "weight")));
  }

  @Test
  void resolveLooksUpTheIdOfEachIndexAndDropsUnknownOnes() {
    Dataset<Row> scored = spark().sql("SELECT * FROM VALUES (1, 0.9), (0, 0.8), (5, 0.7), (NULL, 0.6) AS t(item, score)");
    assertEquals(List.of("[a,0.8]", "[b,0.9]"), sortedRows(IdIndex.resolve(scored, index(), "item", "item_id").select("item_id", "score")));
  }

  @Test
  void resolveOrNullKeepsEveryRowWithANullIdWhereTheIndexIsUnknownOrNull() {
    Dataset<Row> recs = spark().sql("SELECT * FROM VALUES (0, 1), (0, NULL), (1, 7) AS t(item_idx, because_item_idx)"); // 7 is no index
    assertEquals(List.of("[0,b]", "[0,null]", "[1,null]"),
        sortedRows(IdIndex.resolveOrNull(recs, index(), "because_item_idx", "anchor_item_id").select("item_idx", "anchor_item_id")));
  }

  @Test
  void namedRenamesBothColumns() {
    assertArrayEquals(new String[] {"item_id", "item_idx"}, IdIndex.named(index(), "item_id", "item_idx").columns());
  }
}
