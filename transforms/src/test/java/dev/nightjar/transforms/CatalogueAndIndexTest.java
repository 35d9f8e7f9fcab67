package dev.nightjar.transforms;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.transforms.testing.SparkTestBase;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class CatalogueAndIndexTest extends SparkTestBase {

  static Dataset<Row> rawItems() {
    return spark()
        .sql(
            "SELECT raw_id, source, CAST(NULL AS STRING) AS source_flag, CAST(batch AS BIGINT) AS import_batch, item_id, title,"
                + " CAST(NULL AS STRING) AS description, 'Kitchen' AS category, CAST(NULL AS STRING) AS brand, price, available,"
                + " created_at FROM VALUES"
                + " ('r1', 'a.csv', 0, 'i1', 'old mug', '3.5', NULL, NULL),"
                + " ('r2', 'b.csv', 1, 'i1', 'new mug', '4.0', 'true', '2026-10-01'),"
                + " ('r3', 'b.csv', 2, 'i1', NULL, '4.0', 'true', NULL)," // latest batch but no title: not chosen
                + " ('r4', 'a.csv', 0, 'i2', 'pan', 'cheap', NULL, NULL),"
                + " ('r5', 'a.csv', 0, 'i3', NULL, '1', NULL, NULL),"
                + " ('r6', 'a.csv', 0, NULL, 'no id', '1', NULL, NULL),"
                + " ('r7', 'a.csv', 0, 'i4', 'bowl', '2', 'maybe', NULL),"
                + " ('r8', 'a.csv', 0, 'i5', 'plate', '2', 'no', 'soon')"
                + " AS t(raw_id, source, batch, item_id, title, price, available, created_at)");
  }

  @Test
  void currentVersionIsTheLatestWithATitleAndBadItemsAreQuarantined() {
    Dataset<Row> checked = Catalogue.validate(Catalogue.currentVersions(rawItems()));
    assertEquals(
        List.of("[r2,null]", "[r4,bad_price]", "[r5,missing_title]", "[r6,missing_item_id]", "[r7,bad_value]", "[r8,bad_timestamp]"),
        sortedRows(checked.select("raw_id", "reason")));
    Row mug = Catalogue.accepted(checked).head();
    assertEquals("new mug", mug.getAs("title"));
    assertEquals(4.0, (double) mug.getAs("price"));
    assertEquals(true, mug.getAs("available"));
    assertEquals(5, Catalogue.quarantined(checked, LocalDate.of(2026, 10, 31)).count());
  }

  @Test
  void indexKeepsOldIntsAndAddsNewOnesInIdOrder() {
    Dataset<Row> first = IdIndex.extend(IdIndex.empty(spark()), spark().sql("SELECT * FROM VALUES ('b'), ('a'), ('b') AS t(id)"));
    assertEquals(List.of("[a,0]", "[b,1]"), sortedRows(first));
    Dataset<Row> second = IdIndex.extend(first, spark().sql("SELECT * FROM VALUES ('c'), ('0'), ('a'), (NULL) AS t(id)"));
    assertEquals(List.of("[0,2]", "[a,0]", "[b,1]", "[c,3]"), sortedRows(second));
    assertEquals(sortedRows(second), sortedRows(IdIndex.extend(second, spark().sql("SELECT 'c' AS id"))), "extending with known ids changes nothing");
  }

  @Test
  void rankingBreaksTiesByIdAscending() {
    Dataset<Row> scored = spark().sql("SELECT * FROM VALUES ('u', 'b', 1.0), ('u', 'a', 1.0), ('u', 'c', 2.0), ('v', 'a', 0.5) AS t(user_id, item_id, score)");
    assertEquals(List.of("[u,a,2]", "[u,c,1]", "[v,a,1]"), sortedRows(Ranking.topKPerGroup(scored, "user_id", "score", "item_id", 2).select("user_id", "item_id", "rank")));
  }
}
