package dev.nightjar.transforms.eval;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.transforms.SchemaCheck;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class BeyondAccuracyTest extends SparkTestBase {
  static final double EPS = 1e-9;
  static final int[] KS = {1, 3, 5, 10};

  static void assertClose(Double expected, Double actual, String what) {
    if (expected == null) {
      assertNull(actual, what);
    } else {
      assertNotNull(actual, what);
      assertEquals(expected, actual, EPS, what);
    }
  }

  @Test
  void matchesTheReferenceOnRandomInputs() {
    for (long seed = 1; seed <= 3; seed++) {
      Random r = new Random(seed);
      int items = 30;
      Map<String, List<String>> lists = EvalData.randomLists(r, 25, items, 12);
      Map<String, Set<String>> train = EvalData.randomSets(r, 40, items, 6);
      Set<String> catalogue = new HashSet<>();
      Map<String, float[]> vectors = new HashMap<>();
      for (int i = 0; i < items; i++) {
        if (i % 7 != 6) {
          catalogue.add(EvalData.item(i)); // some recommended items are not in the catalogue
        }
        if (i % 9 == 8) {
          continue; // no vector
        }
        float[] v = new float[4];
        if (i % 11 != 10) { // else an all-zero vector
          for (int d = 0; d < v.length; d++) {
            v[d] = (float) r.nextGaussian();
          }
        }
        vectors.put(EvalData.item(i), v);
      }
      Dataset<Row> recs = EvalData.recommendations(lists);
      Dataset<Row> items_ = EvalData.pairs(Map.of("-", catalogue)).select("item_id");
      Map<String, Double> actual =
          EvalData.read(
              BeyondAccuracy.coverage(recs, items_, KS)
                  .union(BeyondAccuracy.novelty(recs, EvalData.pairs(train), KS))
                  .union(BeyondAccuracy.intraListDiversity(recs, EvalData.vectors(vectors), KS))
                  .union(BeyondAccuracy.personalisation(recs, KS)));
      assertEquals(4 * KS.length, actual.size());
      for (int k : KS) {
        String s = "seed " + seed + " k " + k + " ";
        assertClose(ReferenceMetrics.coverage(lists, catalogue, k), actual.get("coverage@" + k), s + "coverage");
        assertClose(ReferenceMetrics.novelty(lists, train, k), actual.get("novelty@" + k), s + "novelty");
        assertClose(ReferenceMetrics.intraListDiversity(lists, vectors, k), actual.get("intra_list_diversity@" + k), s + "diversity");
        assertClose(ReferenceMetrics.personalisation(lists, k), actual.get("personalisation@" + k), s + "personalisation");
      }
    }
  }

  @Test
  void handCheckedCases() {
    int[] ks = {2};
    Dataset<Row> same = EvalData.recommendations(Map.of("a", List.of("x", "y"), "b", List.of("x", "y"), "c", List.of("x", "y")));
    Dataset<Row> disjoint = EvalData.recommendations(Map.of("a", List.of("x", "y"), "b", List.of("z", "w")));
    assertEquals(List.of("[personalisation,2,0.0]"), sortedRows(BeyondAccuracy.personalisation(same, ks)));
    assertEquals(List.of("[personalisation,2,1.0]"), sortedRows(BeyondAccuracy.personalisation(disjoint, ks)));
    assertEquals(
        List.of("[personalisation,2,null]"),
        sortedRows(BeyondAccuracy.personalisation(EvalData.recommendations(Map.of("a", List.of("x"))), ks)),
        "one user: no pairs");

    Dataset<Row> vectors =
        EvalData.vectors(Map.of("x", new float[] {1, 0}, "y", new float[] {0, 2}, "z", new float[] {3, 0}, "w", new float[] {1, 1}));
    Dataset<Row> lists = EvalData.recommendations(Map.of("a", List.of("x", "y"), "b", List.of("x", "z"), "c", List.of("w")));
    // a: orthogonal → 1; b: parallel → 0; c: one item, skipped
    assertEquals(List.of("[intra_list_diversity,2,0.5]"), sortedRows(BeyondAccuracy.intraListDiversity(lists, vectors, ks)));

    Dataset<Row> catalogue = spark().sql("SELECT * FROM VALUES ('x'), ('y'), ('z'), ('w'), ('v') AS t(item_id)");
    assertEquals(List.of("[coverage,2,0.8]"), sortedRows(BeyondAccuracy.coverage(lists, catalogue, ks)));

    // train: x by 4 of 4 users, y by 1; z never seen (counted as 1 user)
    Dataset<Row> train = spark().sql("SELECT * FROM VALUES ('a','x'), ('b','x'), ('c','x'), ('d','x'), ('d','y') AS t(user_id, item_id)");
    Dataset<Row> novel = EvalData.recommendations(Map.of("a", List.of("x", "y"), "b", List.of("z")));
    assertEquals(List.of("[novelty,2," + (0 + 2 + 2) / 3.0 + "]"), sortedRows(BeyondAccuracy.novelty(novel, train, ks)));
  }

  @Test
  void vectorsMustBeFloatArrays() {
    Dataset<Row> recs = EvalData.recommendations(Map.of("a", List.of("x", "y")));
    Dataset<Row> doubles = spark().sql("SELECT 'x' AS item_id, array(1D, 0D) AS vector");
    SchemaCheck.SchemaMismatchException e =
        assertThrows(SchemaCheck.SchemaMismatchException.class, () -> BeyondAccuracy.intraListDiversity(recs, doubles, KS));
    assertTrue(e.getMessage().contains("'vector'"), e.getMessage());
    Dataset<Row> nullableFloats = spark().sql("SELECT 'x' AS item_id, array(CAST(1 AS FLOAT), NULL) AS vector");
    assertEquals(1, BeyondAccuracy.intraListDiversity(recs, nullableFloats, new int[] {2}).count());
  }
}
