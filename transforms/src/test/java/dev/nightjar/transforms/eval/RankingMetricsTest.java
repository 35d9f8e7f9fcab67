package dev.nightjar.transforms.eval;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.transforms.SchemaCheck;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class RankingMetricsTest extends SparkTestBase {
  static final double EPS = 1e-9;
  static final int[] KS = {1, 3, 5, 10};

  static void assertMetrics(Map<String, Double> expected, Map<String, Double> actual, String context) {
    assertEquals(expected.keySet(), actual.keySet(), context);
    expected.forEach((key, value) -> assertEquals(value, actual.get(key), EPS, context + " " + key));
  }

  @Test
  void matchesTheReferenceOnRandomInputs() {
    for (long seed = 1; seed <= 3; seed++) {
      Random r = new Random(seed);
      Map<String, List<String>> lists = EvalData.randomLists(r, 40, 30, 12);
      Map<String, Set<String>> truth = EvalData.randomSets(r, 40, 30, 6);
      Map<String, Double> actual =
          EvalData.read(RankingMetrics.compute(EvalData.recommendations(lists), EvalData.pairs(truth), KS));
      assertMetrics(ReferenceMetrics.ranking(lists, truth, KS), actual, "seed " + seed);
    }
  }

  @Test
  void perfectListScoresOne() {
    Map<String, List<String>> lists = Map.of("a", List.of("x", "y", "z", "w"));
    Map<String, Set<String>> truth = Map.of("a", Set.of("x", "y"));
    Map<String, Double> m =
        EvalData.read(RankingMetrics.compute(EvalData.recommendations(lists), EvalData.pairs(truth), new int[] {1, 2, 5}));
    for (int k : new int[] {1, 2, 5}) {
      assertEquals(Math.min(2, k) / (double) k, m.get("precision@" + k), EPS);
      assertEquals(1.0, m.get("ndcg@" + k), EPS);
      assertEquals(1.0, m.get("mrr@" + k), EPS);
      assertEquals(1.0, m.get("hit_rate@" + k), EPS);
    }
    assertEquals(0.5, m.get("recall@1"), EPS);
    assertEquals(0.5, m.get("map@1"), EPS, "map divides by |relevant| = 2 even at k = 1");
    for (int k : new int[] {2, 5}) {
      assertEquals(1.0, m.get("recall@" + k), EPS);
      assertEquals(1.0, m.get("map@" + k), EPS);
    }
  }

  @Test
  void userWithTruthButNoListScoresZeroAndListWithoutTruthIsNotCounted() {
    Map<String, Set<String>> truth = Map.of("a", Set.of("x"), "b", Set.of("y"));
    Map<String, List<String>> lists = Map.of("a", List.of("x"), "c", List.of("y")); // b: no list; c: no truth
    Map<String, Double> m =
        EvalData.read(RankingMetrics.compute(EvalData.recommendations(lists), EvalData.pairs(truth), new int[] {3}));
    assertEquals(RankingMetrics.METRICS.size(), m.size());
    assertEquals(0.5, m.get("hit_rate@3"), EPS, "a hits, b scores zero, c is not counted");
    assertEquals(0.5, m.get("ndcg@3"), EPS);
    assertEquals(0.5 / 3, m.get("precision@3"), EPS);

    Dataset<Row> perUser = RankingMetrics.perUser(EvalData.recommendations(lists), EvalData.pairs(truth), new int[] {3});
    assertEquals(
        List.of("[a,3,1,0.3333333333333333,1.0,1.0,1.0,1.0,1.0]", "[b,3,1,0.0,0.0,0.0,0.0,0.0,0.0]"),
        sortedRows(perUser));
    assertEquals(
        List.of("user_id", "k", "n_relevant", "precision", "recall", "ndcg", "map", "hit_rate", "mrr"),
        List.of(perUser.columns()));
  }

  @Test
  void oneHitAtRankThreeWithTwoRelevant() {
    Map<String, List<String>> lists = Map.of("a", List.of("p", "q", "x", "r", "s", "t"));
    Map<String, Set<String>> truth = Map.of("a", Set.of("x", "y"));
    Map<String, Double> m =
        EvalData.read(RankingMetrics.compute(EvalData.recommendations(lists), EvalData.pairs(truth), new int[] {2, 5}));
    assertEquals(1.0 / 5, m.get("precision@5"), EPS);
    assertEquals(1.0 / 2, m.get("recall@5"), EPS);
    assertEquals((1 / (Math.log(4) / Math.log(2))) / (1 + 1 / (Math.log(3) / Math.log(2))), m.get("ndcg@5"), EPS);
    assertEquals((1.0 / 3) / 2, m.get("map@5"), EPS);
    assertEquals(1.0, m.get("hit_rate@5"), EPS);
    assertEquals(1.0 / 3, m.get("mrr@5"), EPS);
    for (String metric : RankingMetrics.METRICS) {
      assertEquals(0.0, m.get(metric + "@2"), EPS, metric + "@2: the hit is below the cut-off");
    }
  }

  @Test
  void listsAreReadInRankOrderWithDuplicatesAndGaps() {
    Dataset<Row> messy =
        spark().sql("SELECT * FROM VALUES ('a', 'q', 7), ('a', 'x', 30), ('a', 'p', 3), ('a', 'x', 9), ('a', 'q', 12)"
            + " AS t(user_id, item_id, rank)");
    Dataset<Row> clean = EvalData.recommendations(Map.of("a", List.of("p", "q", "x")));
    Dataset<Row> truth = EvalData.pairs(Map.of("a", Set.of("x")));
    assertEquals(sortedRows(RankingMetrics.compute(clean, truth, KS)), sortedRows(RankingMetrics.compute(messy, truth, KS)));
  }

  @Test
  void everyMetricAndKIsReportedEvenWithoutUsers() {
    Dataset<Row> metrics =
        RankingMetrics.compute(EvalData.recommendations(Map.of("a", List.of("x"))), EvalData.pairs(Map.of()), new int[] {10, 5, 5});
    assertEquals(List.of("metric", "k", "value"), List.of(metrics.columns()));
    Map<String, Double> m = EvalData.read(metrics);
    assertEquals(12, m.size());
    assertTrue(m.values().stream().allMatch(v -> v == null));
  }

  @Test
  void slicesMatchTheReferenceOnEachSlice() {
    Random r = new Random(11);
    Map<String, List<String>> lists = EvalData.randomLists(r, 30, 20, 8);
    Map<String, Set<String>> truth = EvalData.randomSets(r, 30, 20, 5);
    Map<String, Map<String, Set<String>>> bySlice = new LinkedHashMap<>();
    bySlice.put("all", truth);
    bySlice.put("even", new HashMap<>());
    truth.forEach((u, items) -> {
      if (Integer.parseInt(u.substring(1)) % 2 == 0) {
        bySlice.get("even").put(u, items);
      }
    });
    Dataset<Row> sliced =
        EvalData.pairs(truth).selectExpr("'all' AS slice", "user_id", "item_id")
            .union(EvalData.pairs(bySlice.get("even")).selectExpr("'even' AS slice", "user_id", "item_id"));
    Dataset<Row> recs = EvalData.recommendations(lists);
    Dataset<Row> metrics = RankingMetrics.computeBySlice(recs, sliced, KS);
    assertEquals(List.of("slice", "metric", "k", "value"), List.of(metrics.columns()));
    for (String slice : bySlice.keySet()) {
      assertMetrics(
          ReferenceMetrics.ranking(lists, bySlice.get(slice), KS),
          EvalData.read(metrics.where(metrics.col("slice").equalTo(slice)).drop("slice")),
          slice);
    }
    Dataset<Row> evenUsers = EvalData.pairs(bySlice.get("even")).select("user_id").distinct();
    Dataset<Row> filtered = RankingMetrics.perUser(recs, EvalData.pairs(truth), KS).join(evenUsers, "user_id", "left_semi");
    assertMetrics(ReferenceMetrics.ranking(lists, bySlice.get("even"), KS), EvalData.read(RankingMetrics.aggregate(filtered, KS)), "filtered per-user rows");
  }

  @Test
  void badInputsFailAtOnce() {
    Dataset<Row> longRank = spark().sql("SELECT 'a' AS user_id, 'x' AS item_id, 1L AS rank");
    Dataset<Row> truth = EvalData.pairs(Map.of("a", Set.of("x")));
    SchemaCheck.SchemaMismatchException e =
        assertThrows(SchemaCheck.SchemaMismatchException.class, () -> RankingMetrics.compute(longRank, truth, KS));
    assertTrue(e.getMessage().contains("'rank'"), e.getMessage());
    Dataset<Row> recs = EvalData.recommendations(Map.of("a", List.of("x")));
    assertThrows(SchemaCheck.SchemaMismatchException.class, () -> RankingMetrics.compute(recs, truth.drop("item_id"), KS));
    assertThrows(IllegalArgumentException.class, () -> RankingMetrics.compute(recs, truth, new int[] {}));
    assertThrows(IllegalArgumentException.class, () -> RankingMetrics.compute(recs, truth, new int[] {0, 5}));
    assertEquals(List.of(5, 10), new EvalParams(List.of(10, 5, 10), 2).ks());
    assertArrayEquals(new int[] {5, 10, 20}, EvalParams.defaults().ksArray());
    assertThrows(IllegalArgumentException.class, () -> new EvalParams(List.of(5), -1));
  }
}
