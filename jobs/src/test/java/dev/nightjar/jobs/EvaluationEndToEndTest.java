package dev.nightjar.jobs;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.demo.SyntheticShop;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.jobs.stages.EvaluateStage;
import dev.nightjar.jobs.stages.ImportStage;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;

/**
 * Offline evaluation on a planted synthetic shop, held out by time (the last 4 days): the models are
 * rebuilt on the training part only and every variant is scored on the same users. The planted
 * structure (shoppers with latent categories) is what the blend must find better than the baselines
 * and better than each of its sources alone; more exploration slots trade accuracy for coverage and diversity.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EvaluationEndToEndTest extends SparkTestBase {
  static final SyntheticShop.Params SHOP =
      new SyntheticShop.Params(600, 720, 21, LocalDate.of(2026, 10, 31), 11L, 12, 0.0, 0, 10);
  static final LocalDate D = SHOP.lastDay();
  static final List<String> CONFIG = List.of(
      "nightjar.als.rank=16", "nightjar.als.maxIter=6", "nightjar.evaluate.holdoutDays=4", "nightjar.evaluate.ks=10,20",
      "nightjar.evaluate.variants=popular,item_knn,als,content,blend,blend_explore_2,blend_explore_5");

  static StageContext ctx;
  static List<Row> rows;
  static Map<String, Double> value = new HashMap<>();

  @BeforeAll
  static void evaluateOnce() throws Exception {
    SyntheticShop.Summary shop = new SyntheticShop(SHOP).generate(tempDir.resolve("shop"));
    ctx = new StageContext(spark(), new Lakehouse(spark(), tempDir.resolve("lake")), NightjarConfig.load(null, CONFIG));
    ImportStage.importCsv(ctx, shop.eventsCsv(), shop.itemsCsv(), D.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
    // Right after the import: evaluate finds D (the last event date), ingests and embeds the items itself.
    rows = EvaluateStage.evaluateLakehouse(ctx, Optional.empty(), Map.of()).rows();
    for (Row r : rows) {
      if (r.getString(3).equals("all") && !r.isNullAt(6)) {
        value.put(r.getString(2) + " " + r.getString(4) + "@" + r.getInt(5), r.getDouble(6));
      }
    }
    System.out.println("EvaluationEndToEndTest metrics (slice all): " + new java.util.TreeMap<>(value));
  }

  private static double v(String variant, String metricAtK) {
    Double found = value.get(variant + " " + metricAtK);
    assertNotNull(found, "no " + metricAtK + " for " + variant + " in " + value.keySet());
    return found;
  }

  @Test
  void theBlendBeatsTheBaselinesAndEachOfItsSources() {
    double blend = v("blend", "ndcg@10");
    for (String other : List.of("popular", "item_knn", "als", "content")) {
      assertTrue(blend > v(other, "ndcg@10"), "NDCG@10 blend " + blend + " vs " + other + " " + v(other, "ndcg@10"));
    }
  }

  /**
   * The explore/exploit frontier: each added exploration slot reaches more of the catalogue (coverage up)
   * and widens the categories in a list (intra-list diversity up), and costs accuracy (NDCG down).
   */
  @Test
  void moreExplorationSlotsRaiseCoverageAndDiversityAndCostAccuracy() {
    List<String> variants = List.of("blend", "blend_explore_2", "blend_explore_5");
    for (String metric : List.of("coverage@10", "intra_list_diversity@10", "ndcg@10")) {
      double[] at = variants.stream().mapToDouble(variant -> v(variant, metric)).toArray();
      boolean rising = at[0] < at[1] && at[1] < at[2];
      assertEquals(!metric.startsWith("ndcg"), rising, metric + " by exploration slots 0/2/5: " + java.util.Arrays.toString(at));
      if (metric.startsWith("ndcg")) {
        assertTrue(at[0] > at[1] && at[1] > at[2], metric + " by exploration slots 0/2/5: " + java.util.Arrays.toString(at));
      }
    }
  }

  @Test
  @Order(1)
  void theMetricsTableHoldsExactlyTheReportedRowsAndEveryVariantSliceAndK() {
    Lakehouse lake = ctx.lake();
    List<Row> stored = lake.read(Tables.METRICS).where("run_date = DATE'" + D + "'").collectAsList();
    assertEquals(rows.size(), stored.size());
    long variants = rows.stream().map(r -> r.getString(2)).distinct().count();
    assertEquals(7, variants);
    for (String slice : List.of("all", "light_users", "heavy_users")) {
      assertTrue(rows.stream().anyMatch(r -> r.getString(3).equals(slice) && r.getString(4).equals("ndcg")), slice);
    }
    assertTrue(rows.stream().allMatch(r -> r.getString(1).equals("temporal")));

    // What `bin/nightjar evaluate` prints from these rows: the table per k, and --json.
    java.io.ByteArrayOutputStream table = new java.io.ByteArrayOutputStream();
    dev.nightjar.jobs.cli.EvaluateCommand.printBlocks(new java.io.PrintStream(table, true, java.nio.charset.StandardCharsets.UTF_8), rows);
    String printed = table.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(printed.contains("Metrics at k = 10") && printed.contains("Metrics at k = 20"), printed);
    assertTrue(printed.lines().anyMatch(l -> l.startsWith("blend_explore_5")), printed);
    java.io.ByteArrayOutputStream json = new java.io.ByteArrayOutputStream();
    dev.nightjar.jobs.cli.EvaluateCommand.printJson(new java.io.PrintStream(json, true, java.nio.charset.StandardCharsets.UTF_8), rows);
    List<String> lines = json.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    assertEquals(rows.size(), lines.size());
    assertTrue(lines.get(0).startsWith("{\"variant\":") && lines.get(0).contains("\"slice\":"), lines.get(0));
  }

  @Test
  @Order(2)
  void aStratifiedSplitOfTheBaselinesAddsItsOwnRowsBesideTheTemporalOnes() {
    StageContext stratified = new StageContext(spark(), ctx.lake(), NightjarConfig.load(null, List.of(
        "nightjar.evaluate.split=stratified", "nightjar.evaluate.ratio=0.75", "nightjar.evaluate.seed=42", "nightjar.evaluate.ks=10",
        "nightjar.evaluate.variants=popular,item_knn")));
    List<Row> baseline = EvaluateStage.evaluate(stratified, D, Map.of()).rows();
    Map<String, Double> ndcg = new HashMap<>();
    baseline.stream().filter(r -> r.getString(3).equals("all") && r.getString(4).equals("ndcg"))
        .forEach(r -> ndcg.put(r.getString(2), r.getDouble(6)));
    assertTrue(ndcg.get("item_knn") > ndcg.get("popular"), "stratified NDCG@10: " + ndcg);
    List<Row> stored = ctx.lake().read(Tables.METRICS).where("run_date = DATE'" + D + "'").collectAsList();
    assertEquals(rows.size() + baseline.size(), stored.size(), "each split replaces only its own rows");
    assertEquals(baseline.size(), stored.stream().filter(r -> r.getString(r.fieldIndex("split")).equals("stratified")).count());
  }
}
