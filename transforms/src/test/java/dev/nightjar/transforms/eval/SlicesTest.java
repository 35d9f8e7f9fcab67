package dev.nightjar.transforms.eval;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class SlicesTest extends SparkTestBase {

  // train counts: a 4, b 2, c 1, d 3 → median 2.5; e has no train row (count 0)
  static Split split() {
    Dataset<Row> train =
        spark().sql("SELECT * FROM VALUES ('a','x'), ('a','y'), ('a','z'), ('a','w'), ('b','x'), ('b','y'), ('c','x'),"
            + " ('d','x'), ('d','y'), ('d','z') AS t(user_id, item_id)");
    Dataset<Row> test =
        spark().sql("SELECT * FROM VALUES ('a','x'), ('a','v'), ('b','z'), ('c','y'), ('e','x'), ('e','u') AS t(user_id, item_id)");
    return new Split(train, test);
  }

  @Test
  void slicesFollowTheirDefinitions() {
    Dataset<Row> sliced = Slices.truth(split(), 1);
    assertEquals(List.of("slice", "user_id", "item_id"), List.of(sliced.columns()));
    assertEquals(
        List.of(
            "[all,a,v]", "[all,b,z]", "[all,c,y]", "[all,e,u]", "[all,e,x]", // (a,x) was in train
            "[cold_items,a,v]", "[cold_items,e,u]", // v and u have no train row
            "[heavy_users,a,v]", // a: 4 ≥ 2.5 (d is heavy too but has no test item)
            "[light_users,b,z]", "[light_users,c,y]", "[light_users,e,u]", "[light_users,e,x]",
            "[new_users,c,y]", "[new_users,e,u]", "[new_users,e,x]", // c: 1 ≤ 1, e: 0
            "[warm_users,a,v]", "[warm_users,b,z]", "[warm_users,c,y]"), // e has no train row
        sortedRows(sliced));
    assertEquals(
        List.of("[all,a]", "[all,b]", "[all,c]", "[all,e]", "[cold_items,a]", "[cold_items,e]", "[heavy_users,a]",
            "[light_users,b]", "[light_users,c]", "[light_users,e]", "[new_users,c]", "[new_users,e]", "[warm_users,a]",
            "[warm_users,b]", "[warm_users,c]"),
        sortedRows(Slices.users(sliced)));
    assertThrows(IllegalArgumentException.class, () -> Slices.truth(split(), -1));
  }

  @Test
  void slicedTruthFeedsTheSlicedMetrics() {
    Dataset<Row> recs = spark().sql("SELECT * FROM VALUES ('a','v',1), ('e','q',1), ('e','u',2) AS t(user_id, item_id, rank)");
    Dataset<Row> metrics = RankingMetrics.computeBySlice(recs, Slices.truth(split(), 1), new int[] {2});
    List<String> hitRates = sortedRows(metrics.where("metric = 'hit_rate'").select("slice", "value"));
    assertEquals(
        List.of("[all,0.5]", "[cold_items,1.0]", "[heavy_users,1.0]", "[light_users,0.3333333333333333]", "[new_users,0.5]",
            "[warm_users,0.3333333333333333]"),
        hitRates);
  }
}
