package dev.nightjar.transforms.eval;

import static org.apache.spark.sql.functions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;

/**
 * A benchmark, not part of the suite (surefire runs *Test classes): the metrics evaluate computes for each variant
 * (ranking metrics per slice, coverage, novelty, intra-list diversity, personalisation), for V variants' seeded
 * random lists, scored one variant at a time (the reference, as evaluate did before) and all in one pass (the
 * contender, a {@code variant} column), side by side in one JVM; checks that both give the same rows and prints the
 * ratio. Run with {@code mvn -B -o -q -pl transforms test-compile surefire:test -Dtest=VariantBatchBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -Dbench.variants=9 -Dbench.users=400}.
 */
class VariantBatchBenchmark extends SparkTestBase {
  static final int[] KS = {10, 20};

  static List<Row> score(Dataset<Row> lists, Dataset<Row> truth, Dataset<Row> items, Dataset<Row> train, Dataset<Row> vectors) {
    Dataset<Row> beyond = BeyondAccuracy.coverage(lists, items, KS)
        .unionByName(BeyondAccuracy.novelty(lists, train, KS))
        .unionByName(BeyondAccuracy.intraListDiversity(lists, vectors, KS))
        .unionByName(BeyondAccuracy.personalisation(lists, KS))
        .withColumn(EvalColumns.SLICE, lit(EvalColumns.SLICE_ALL));
    return RankingMetrics.computeBySlice(lists, truth, KS).unionByName(beyond).collectAsList();
  }

  static String text(Row r, String variant) {
    Object v = r.getAs(EvalColumns.VALUE);
    return String.format(Locale.ROOT, "%s %s %s %d %s", variant, r.getAs(EvalColumns.SLICE), r.getAs(EvalColumns.METRIC),
        r.<Integer>getAs(EvalColumns.K), v == null ? "null" : String.format(Locale.ROOT, "%.12f", ((Number) v).doubleValue()));
  }

  @Test
  void batchedAgainstOneVariantAtATime() {
    int variants = Integer.getInteger("bench.variants", 9);
    int users = Integer.getInteger("bench.users", 400);
    int items = 300;
    spark().sql("SELECT id FROM range(" + items + ")").createOrReplaceTempView("bench_items");
    Dataset<Row> catalogue = spark().sql("SELECT concat('i', id) AS item_id FROM bench_items");
    Dataset<Row> vectors = spark().sql("SELECT concat('i', id) AS item_id, array(CAST(sin(id) AS FLOAT), CAST(cos(id) AS FLOAT),"
        + " CAST(sin(3 * id) AS FLOAT)) AS vector FROM bench_items");
    Dataset<Row> train = spark().sql("SELECT concat('u', id % " + users + ") AS user_id, concat('i', CAST(pmod(hash(id, 1), " + items
        + ") AS BIGINT)) AS item_id FROM range(" + users * 8 + ")");
    Dataset<Row> truth = spark().sql("SELECT slice, concat('u', id % " + users + ") AS user_id, concat('i', CAST(pmod(hash(id, 2), "
        + items + ") AS BIGINT)) AS item_id FROM range(" + users * 3 + ") CROSS JOIN VALUES ('all'), ('heavy_users') AS s(slice)"
        + " WHERE slice = 'all' OR id % 3 = 0").persist(StorageLevel.MEMORY_AND_DISK());
    List<Dataset<Row>> perVariant = new ArrayList<>();
    for (int v = 0; v < variants; v++) {
      perVariant.add(spark().sql("SELECT concat('u', u.id) AS user_id, concat('i', CAST(pmod(hash(u.id, r.id, " + v + "), " + items
              + ") AS BIGINT)) AS item_id, CAST(r.id + 1 AS INT) AS rank FROM range(" + users + ") u CROSS JOIN range(20) r")
          .withColumn(EvalColumns.VARIANT, lit("v" + v)).persist(StorageLevel.MEMORY_AND_DISK()));
      perVariant.get(v).count();
    }
    truth.count();
    score(perVariant.get(0).drop(EvalColumns.VARIANT), truth, catalogue, train, vectors); // warm-up

    long start = System.nanoTime();
    List<String> reference = new ArrayList<>();
    for (int v = 0; v < variants; v++) {
      for (Row r : score(perVariant.get(v).drop(EvalColumns.VARIANT), truth, catalogue, train, vectors)) {
        reference.add(text(r, "v" + v));
      }
    }
    double oneAtATime = (System.nanoTime() - start) / 1e9;

    start = System.nanoTime();
    Dataset<Row> all = perVariant.stream().reduce(Dataset::unionByName).orElseThrow().persist(StorageLevel.MEMORY_AND_DISK());
    List<String> contender = score(all, truth, catalogue, train, vectors).stream().map(r -> text(r, r.getAs(EvalColumns.VARIANT))).toList();
    double batched = (System.nanoTime() - start) / 1e9;

    assertEquals(reference.stream().sorted().toList(), contender.stream().sorted().toList(), "the same metric rows");
    System.err.printf(Locale.ROOT, "bench variant-batch: %d variants × %d users × 20 ranks: one at a time %.1f s, batched %.1f s,"
        + " speedup %.2f, %d identical metric rows%n", variants, users, oneAtATime, batched, oneAtATime / batched, contender.size());
  }
}
