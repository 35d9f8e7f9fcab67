package dev.nightjar.transforms.eval;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The lists of several variants scored in one pass ({@code variant} column) give, per variant, exactly the rows of
 * that variant's lists scored alone — for every ranking metric per slice and every beyond-accuracy metric — and a
 * variant's rows carry its name.
 */
class VariantBatchTest extends SparkTestBase {
  static final int[] KS = {2, 3};

  static Dataset<Row> lists(String variant, String values) {
    return spark().sql("SELECT user_id, item_id, CAST(rank AS INT) AS rank FROM VALUES " + values + " AS t(user_id, item_id, rank)")
        .withColumn(EvalColumns.VARIANT, lit(variant));
  }

  /** Rows as text without the variant column, sorted. */
  static List<String> text(Dataset<Row> rows) {
    Dataset<Row> plain = java.util.Arrays.asList(rows.columns()).contains(EvalColumns.VARIANT) ? rows.drop(EvalColumns.VARIANT) : rows;
    return plain.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  @Test
  void eachVariantScoresAsItsListsAlone() {
    // a: u1 hits i1 at 1; b: u1 hits i1 at 3, u2 has no list (scores zero), the same item for everyone
    Dataset<Row> a = lists("a", "('u1', 'i1', 1), ('u1', 'i2', 2), ('u1', 'i3', 3), ('u2', 'i4', 1), ('u2', 'i2', 2)");
    Dataset<Row> b = lists("b", "('u1', 'i5', 1), ('u1', 'i2', 2), ('u1', 'i1', 3), ('u3', 'i2', 1)");
    Dataset<Row> both = a.unionByName(b);
    Dataset<Row> truth = spark().sql("SELECT * FROM VALUES ('all', 'u1', 'i1'), ('all', 'u2', 'i2'), ('all', 'u2', 'i3'),"
        + " ('heavy_users', 'u1', 'i1') AS t(slice, user_id, item_id)");
    Dataset<Row> items = spark().sql("SELECT * FROM VALUES ('i1'), ('i2'), ('i3'), ('i4'), ('i5'), ('i6') AS t(item_id)");
    Dataset<Row> train = spark().sql("SELECT * FROM VALUES ('u1', 'i2'), ('u2', 'i2'), ('u3', 'i4') AS t(user_id, item_id)");
    Dataset<Row> vectors = spark().sql("SELECT item_id, array(CAST(x AS FLOAT), CAST(y AS FLOAT)) AS vector FROM VALUES"
        + " ('i1', 1, 0), ('i2', 0, 1), ('i3', 1, 1), ('i4', 1, -1), ('i5', 2, 1) AS t(item_id, x, y)");
    List<Function<Dataset<Row>, Dataset<Row>>> metrics = List.of(
        lists -> RankingMetrics.computeBySlice(lists, truth, KS),
        lists -> RankingMetrics.perUserBySlice(lists, truth, KS),
        lists -> BeyondAccuracy.coverage(lists, items, KS),
        lists -> BeyondAccuracy.novelty(lists, train, KS),
        lists -> BeyondAccuracy.intraListDiversity(lists, vectors, KS),
        lists -> BeyondAccuracy.personalisation(lists, KS));
    for (Function<Dataset<Row>, Dataset<Row>> metric : metrics) {
      Dataset<Row> batched = metric.apply(both);
      assertEquals(EvalColumns.VARIANT, batched.columns()[0], "the variant leads every row");
      for (Dataset<Row> alone : List.of(a, b)) {
        String variant = alone.first().getAs(EvalColumns.VARIANT);
        List<String> expected = text(metric.apply(alone.drop(EvalColumns.VARIANT)));
        assertFalse(expected.isEmpty());
        assertEquals(expected, text(batched.where(col(EvalColumns.VARIANT).equalTo(variant))), variant + ": " + batched.schema().simpleString());
      }
    }
    double ndcgA = RankingMetrics.compute(both, truth.where("slice = 'all'").drop("slice"), KS)
        .where("variant = 'a' AND metric = 'ndcg' AND k = 3").first().getAs(EvalColumns.VALUE);
    double u2 = (1 / log2(3)) / (1 + 1 / log2(3));
    assertEquals((1.0 + u2) / 2, ndcgA, 1e-12, "u1 perfect; u2's i2 at 2 of their two relevant items");
  }
}
