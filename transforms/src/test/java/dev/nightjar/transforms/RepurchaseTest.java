package dev.nightjar.transforms;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.transforms.testing.SparkTestBase;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** A purchased item is due again exactly when its category's interval has passed by the end of night D; otherwise excluded. */
class RepurchaseTest extends SparkTestBase {
  static final LocalDate D = LocalDate.of(2026, 10, 31);

  static Dataset<Row> events() {
    return spark().sql("SELECT user_id, item_id, event_type, CAST(t AS TIMESTAMP) AS event_time, CAST(CAST(t AS TIMESTAMP) AS DATE) AS event_date,"
        + " CAST(NULL AS DOUBLE) AS value_num FROM VALUES"
        + " ('u1', 'c1', 'purchase', '2026-10-25 00:00:00')," // 7 days to the end of D: due at a 7-day interval
        + " ('u1', 'c2', 'purchase', '2026-10-25 00:00:01')," // one second later: not yet
        + " ('u2', 'c1', 'purchase', '2026-10-10 12:00:00'),"
        + " ('u2', 'c1', 'purchase', '2026-10-30 12:00:00')," // the last purchase counts
        + " ('u2', 't1', 'purchase', '2026-10-01 09:00:00')," // not a repurchasable category
        + " ('u3', 'c1', 'view', '2026-10-01 09:00:00')"
        + " AS e(user_id, item_id, event_type, t)");
  }

  static Dataset<Row> items() {
    return spark().sql("SELECT * FROM VALUES ('c1', 'Coffee'), ('c2', 'Coffee'), ('t1', 'Tents') AS t(item_id, category)");
  }

  static Dataset<Row> purchases() {
    return Repurchase.lastPurchases(events(), items(), D, InteractionParams.defaults());
  }

  @Test
  void lastPurchasesKeepTheLatestPurchaseAndTheWholeDaysSince() {
    assertEquals(List.of("[u1,c1,Coffee,7]", "[u1,c2,Coffee,7]", "[u2,c1,Coffee,2]", "[u2,t1,Tents,31]"),
        sortedRows(purchases().select(Columns.USER_ID, Columns.ITEM_ID, Columns.CATEGORY, Repurchase.DAYS_SINCE)), "views are no purchases");
    assertEquals("2026-10-30 12:00:00.0",
        purchases().where("user_id = 'u2' AND item_id = 'c1'").select(Repurchase.LAST_PURCHASE).head().get(0).toString());
  }

  @Test
  void dueExactlyAtTheBoundaryDayNotOneSecondLater() {
    Map<String, Integer> weekly = Map.of("Coffee", 7);
    assertEquals(List.of("[u1,c1]"), sortedRows(Repurchase.due(purchases(), D, weekly).select(Columns.USER_ID, Columns.ITEM_ID)));
    assertEquals(List.of("[u1,c2]", "[u2,c1]", "[u2,t1]"), sortedRows(Repurchase.excluded(purchases(), D, weekly)));
    assertEquals(List.of(), sortedRows(Repurchase.due(purchases(), D, Map.of("Coffee", 8))), "an 8-day interval has not passed");
    assertEquals(List.of("[u1,c1]", "[u1,c2]"),
        sortedRows(Repurchase.due(purchases(), D.plusDays(1), weekly).select(Columns.USER_ID, Columns.ITEM_ID)), "one night later both are due");
  }

  @Test
  void withoutRepurchasableCategoriesEveryPurchaseIsExcluded() {
    assertEquals(0, Repurchase.due(purchases(), D, Map.of()).count());
    assertEquals(4, Repurchase.excluded(purchases(), D, Map.of()).count());
  }
}
