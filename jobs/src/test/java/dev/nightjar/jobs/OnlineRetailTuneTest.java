package dev.nightjar.jobs;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.stages.EvaluateStage;
import dev.nightjar.jobs.stages.ImportStage;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.jobs.stages.TuneStage;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The Online Retail comparison on a small window: two months of history (2011-08-01 … 2011-09-30) as
 * the training part and the first week after it (2011-10-01 … 10-07) as the test part; tune validates on the
 * training part's last week. Asserts the claim: the tuned blend beats Spark's default ALS settings and
 * every single source (ALS as configured, content, item-kNN, EASE, co-occurrence) on NDCG@10 on the test part.
 * Measured (docs/benchmarks.md): with the one-standard-error rule tune swapped in a noise winner and lost to EASE
 * alone; with the two-SE rule it keeps the configured blend here, which beats EASE by 6 %. It takes ~20 min on
 * the shared 2-core machine, so it runs only with {@code -Dnightjar.bench=true} (the benchmark switch).
 */
class OnlineRetailTuneTest extends SparkTestBase {
  static final LocalDate FROM = LocalDate.of(2011, 8, 1);
  static final LocalDate D = LocalDate.of(2011, 10, 7);
  static final int TEST_DAYS = 7;

  @Test
  void theTunedBlendBeatsSparkDefaultAlsOnATemporalSplit() {
    Path byDay = sharedDir().map(d -> d.resolve("datasets/online-retail/by-day")).orElse(null);
    assumeTrue(Boolean.getBoolean("nightjar.bench"), "a measurement: run with -Dnightjar.bench=true");
    assumeTrue(byDay != null && Files.isDirectory(byDay), "../shared/datasets/online-retail is not present");
    StageContext ctx = new StageContext(spark(), new Lakehouse(spark(), tempDir.resolve("lake")), NightjarConfig.load(null, List.of(
        "nightjar.evaluate.holdoutDays=" + TEST_DAYS, "nightjar.evaluate.ks=10", "nightjar.evaluate.relevantEvents=purchase",
        "nightjar.evaluate.variants=item_knn,als,content,ease,cooccurrence,blend,tuned,als_spark_default",
        "nightjar.tune.holdoutDays=7", "nightjar.tune.modelTrials=2", "nightjar.tune.listTrials=6", "nightjar.ease.maxItems=1500")));
    long start = System.nanoTime();
    ImportStage.importOnlineRetail(ctx, byDay, FROM, D, Instant.parse("2011-10-08T00:00:00Z"));
    EvaluateStage.Evaluation evaluation = EvaluateStage.evaluateLakehouse(ctx, Optional.of(D), Map.of());
    Map<String, Double> ndcg = new HashMap<>();
    for (Row r : evaluation.rows()) {
      if (r.getString(3).equals("all") && r.getString(4).equals("ndcg") && r.getInt(5) == 10) {
        ndcg.put(r.getString(2), r.getDouble(6));
      }
    }
    TuneStage.Result t = evaluation.tuning().orElseThrow();
    System.out.printf("OnlineRetailTuneTest (%.0f s): NDCG@10 on %s..%s: %s; chosen %s; validation curve %s%n",
        (System.nanoTime() - start) / 1e9, D.minusDays(TEST_DAYS - 1), D, new java.util.TreeMap<>(ndcg), t.chosen(), t.bestSoFar());
    assertEquals(LocalDate.of(2011, 9, 30), D.minusDays(TEST_DAYS), "train to 2011-09-30");
    assertEquals(LocalDate.of(2011, 9, 23), t.fitEnd(), "tune validates on the training part's last week");
    double tuned = ndcg.get("tuned");
    for (String other : List.of("als_spark_default", "als", "content", "item_knn", "ease", "cooccurrence")) {
      assertTrue(tuned > ndcg.get(other), "NDCG@10 tuned " + tuned + " vs " + other + " " + ndcg.get(other) + "; all " + ndcg);
    }
  }
}
