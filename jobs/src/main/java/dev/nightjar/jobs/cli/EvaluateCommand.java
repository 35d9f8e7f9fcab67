package dev.nightjar.jobs.cli;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.stages.EvaluateStage;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.transforms.eval.EvalColumns;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code evaluate}: offline evaluation on a split of the lakehouse's events (see {@link EvaluateStage}).
 *
 * <pre>{@code
 * bin/nightjar import csv --events events.csv --items items.csv
 * bin/nightjar evaluate --split stratified --ratio 0.75 --seed 42 --k 10
 * bin/nightjar evaluate --date 2026-10-31 --experiments rank64,mmr07 --json
 * }</pre>
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Offline evaluation of every variant on a held-out split of the events up to D; writes `metrics`.",
      "Offline evaluation: split the events up to D into train and test, rebuild the models on the training part only",
      "(in a scratch lakehouse under <lakehouse>/experiments/evaluate-<split>/), and score the variants",
      "popular, item_knn, als, content, ease, cooccurrence (one source alone), blend and blend_explore_<E> (E exploration",
      "slots: the explore/exploit frontier) on the same users; also on request tuned (the blend with parameters `tune`",
      "chose on the training part only, so never tuned on the test part) and als_spark_default (ALS with Spark's defaults).",
      "Metrics at each k: precision, recall, ndcg, map, hit_rate, mrr per slice (all, cold_items,",
      "warm_users, new_users, light_users, heavy_users); coverage, novelty, intra_list_diversity, personalisation on slice all.",
      "Writes the `metrics` table (run_date = D) and prints one block per k; --json prints one object per line.",
      "Right after `import`, it ingests (and embeds items) for D first when those tables are missing."})
public final class EvaluateCommand implements Callable<Integer> {
  static final List<String> JSON_KEYS = List.of("variant", "slice", "metric", "k", "value");

  @Mixin CommonOptions common;

  @Option(names = "--date", paramLabel = "YYYY-MM-DD",
      description = "The logical date D (default: the last event date in the lakehouse).")
  LocalDate date;

  @Option(names = "--split", paramLabel = "temporal|stratified|last-n",
      description = "temporal: test = the last --holdout-days days up to D; stratified: per-user random share (--ratio, --seed); "
          + "last-n: each user's latest --last-n events. Default nightjar.evaluate.split (temporal).")
  String split;

  @Option(names = "--ratio", description = "stratified: share of each user's events kept for training (default 0.8).")
  Double ratio;

  @Option(names = "--seed", description = "stratified: seed of the split (default 42).")
  Long seed;

  @Option(names = "--holdout-days", description = "temporal: days held out at the end (default 3).")
  Integer holdoutDays;

  @Option(names = "--last-n", description = "last-n: events per user held out (default 1).")
  Integer lastN;

  @Option(names = "--k", split = ",", paramLabel = "K", description = "Cut-offs, e.g. --k 10 or --k 5,10,20 (default 5,10,20).")
  List<Integer> ks;

  @Option(names = "--variants", split = ",", paramLabel = "VARIANT",
      description = "Variants to score (default popular,item_knn,als,content,ease,cooccurrence,blend,blend_explore_2,blend_explore_5).")
  List<String> variants;

  @Option(names = "--experiments", split = ",", paramLabel = "NAME",
      description = "Also score the blend of each named experiment's configuration (saved by a run with --experiment NAME), "
          + "as variant NAME, on the same split.")
  List<String> experiments = new ArrayList<>();

  @Option(names = "--json", description = "Print every metric row as JSON, one object per line with keys variant, slice, metric, k, value.")
  boolean json;

  @Override
  public Integer call() {
    addOverride("split", split);
    addOverride("ratio", ratio);
    addOverride("seed", seed);
    addOverride("holdoutDays", holdoutDays);
    addOverride("lastN", lastN);
    addOverride("ks", ks == null ? null : String.join(",", ks.stream().map(String::valueOf).toList()));
    addOverride("variants", variants == null ? null : String.join(",", variants));
    EvaluateStage.Evaluation result = common.withContext("nightjar evaluate", ctx -> {
      Map<String, NightjarConfig> configs = new LinkedHashMap<>();
      for (String name : experiments) {
        configs.put(name, CommonOptions.experimentConfig(rootLakehouse(ctx), name));
      }
      return EvaluateStage.evaluateLakehouse(ctx, java.util.Optional.ofNullable(date), configs);
    });
    if (json) {
      printJson(System.out, result.rows());
    } else {
      Reports.print(System.out, List.of(result.report()));
      printBlocks(System.out, result.rows());
    }
    return 0;
  }

  private void addOverride(String key, Object value) {
    if (value != null) {
      common.overrides.add("nightjar.evaluate." + key + "=" + value);
    }
  }

  private Lakehouse rootLakehouse(StageContext ctx) {
    return new Lakehouse(ctx.spark(), common.lakehouse);
  }

  /** One JSON object per metric row with exactly the keys variant, slice, metric, k, value. */
  public static void printJson(PrintStream out, List<Row> rows) {
    StructType schema = new StructType()
        .add("variant", DataTypes.StringType).add("slice", DataTypes.StringType).add("metric", DataTypes.StringType)
        .add("k", DataTypes.IntegerType).add("value", DataTypes.DoubleType);
    for (Row r : rows) {
      Object[] values = {r.getAs(EvaluateStage.VARIANT), r.getAs(EvalColumns.SLICE), r.getAs(EvalColumns.METRIC),
          r.getAs(EvalColumns.K), r.getAs(EvalColumns.VALUE)};
      out.println(new GenericRowWithSchema(values, schema).json());
    }
  }

  /** Slice {@code all}: one block per k, a row per variant, a column per metric. */
  public static void printBlocks(PrintStream out, List<Row> rows) {
    TreeSet<Integer> ks = new TreeSet<>();
    List<String> variants = new ArrayList<>();
    List<String> metrics = new ArrayList<>();
    Map<String, Double> value = new LinkedHashMap<>();
    for (Row r : rows) {
      if (!EvalColumns.SLICE_ALL.equals(r.getAs(EvalColumns.SLICE))) {
        continue;
      }
      String variant = r.getAs(EvaluateStage.VARIANT);
      String metric = r.getAs(EvalColumns.METRIC);
      int k = r.<Integer>getAs(EvalColumns.K);
      ks.add(k);
      if (!variants.contains(variant)) {
        variants.add(variant);
      }
      if (!metrics.contains(metric)) {
        metrics.add(metric);
      }
      value.put(variant + "|" + metric + "|" + k, r.getAs(EvalColumns.VALUE));
    }
    for (int k : ks) {
      out.println();
      out.println("Metrics at k = " + k + " (slice all; every slice is in the `metrics` table and in --json):");
      List<String> header = new ArrayList<>(List.of("variant"));
      header.addAll(metrics);
      List<List<String>> cells = new ArrayList<>();
      for (String variant : variants) {
        List<String> line = new ArrayList<>(List.of(variant));
        for (String metric : metrics) {
          Double v = value.get(variant + "|" + metric + "|" + k);
          line.add(v == null ? "-" : String.format(Locale.ROOT, "%.4f", v));
        }
        cells.add(line);
      }
      TablePrinter.aligned(out, header, cells);
    }
  }
}
