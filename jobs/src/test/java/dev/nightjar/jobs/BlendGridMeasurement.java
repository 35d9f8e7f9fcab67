package dev.nightjar.jobs;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.demo.SyntheticShop;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.stages.EvaluateStage;
import dev.nightjar.jobs.stages.ImportStage;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * A measurement, not part of the suite (surefire runs *Test classes): evaluates the planted shop of
 * {@link EvaluationEndToEndTest} with extra list settings given as experiments, which share the models and
 * candidates, and prints NDCG, recall, coverage and diversity per variant. docs/benchmarks.md has the
 * numbers. Run it with
 * {@code mvn -o -pl jobs -am test -Dtest=BlendGridMeasurement -Dsurefire.failIfNoSpecifiedTests=false
 * "-Dgrid=name=key=value,key=value;name2=..."} (and {@code -Dgrid.items=N} for another catalogue size).
 */
class BlendGridMeasurement extends SparkTestBase {
  @Test
  void grid() throws Exception {
    int items = Integer.getInteger("grid.items", 240);
    SyntheticShop.Params shopParams = new SyntheticShop.Params(600, items, 21, LocalDate.of(2026, 10, 31), 11L, 12, 0.0, 0, 10);
    LocalDate d = shopParams.lastDay();
    List<String> base = List.of("nightjar.als.rank=16", "nightjar.als.maxIter=6", "nightjar.evaluate.holdoutDays=4", "nightjar.evaluate.ks=10,20",
        "nightjar.evaluate.variants=popular,item_knn,als,content,blend,blend_explore_2,blend_explore_5");
    SyntheticShop.Summary shop = new SyntheticShop(shopParams).generate(tempDir.resolve("shop"));
    StageContext ctx = new StageContext(spark(), new Lakehouse(spark(), tempDir.resolve("lake")), NightjarConfig.load(null, base));
    ImportStage.importCsv(ctx, shop.eventsCsv(), shop.itemsCsv(), d.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
    Map<String, String> grid = new LinkedHashMap<>();
    String[] g = System.getProperty("grid", "").split(";");
    for (String e : g) {
      if (e.isBlank()) {
        continue;
      }
      String[] kv = e.split("=", 2);
      grid.put(kv[0], kv[1]);
    }
    Map<String, NightjarConfig> exps = new LinkedHashMap<>();
    grid.forEach((name, sets) -> {
      List<String> all = new ArrayList<>(base);
      all.addAll(Arrays.asList(sets.split(",")));
      exps.put(name, NightjarConfig.load(null, all));
    });
    List<Row> rows = EvaluateStage.evaluateLakehouse(ctx, Optional.of(d), exps).rows();
    TreeMap<String, String> out = new TreeMap<>();
    for (Row r : rows) {
      if (r.getString(3).equals("all") && !r.isNullAt(6) && List.of("ndcg", "coverage", "recall", "intra_list_diversity").contains(r.getString(4))) {
        out.merge(r.getString(2), String.format("%s@%d=%.4f", r.getString(4), r.getInt(5), r.getDouble(6)), (a, b) -> a + " " + b);
      }
    }
    out.forEach((k, v) -> System.out.println("GRID " + k + " " + v));
    for (String name : exps.keySet()) {
      org.junit.jupiter.api.Assertions.assertTrue(out.containsKey(name) && out.get(name).contains("ndcg@10="),
          "every grid setting was scored: " + name + " missing from " + out.keySet());
    }
  }
}
