package dev.nightjar.jobs.gpu;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.cli.TablePrinter;
import dev.nightjar.jobs.demo.SyntheticShop;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.jobs.stages.ImportStage;
import dev.nightjar.jobs.stages.IngestStage;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.Interactions;
import dev.nightjar.transforms.eval.BeyondAccuracy;
import dev.nightjar.transforms.eval.EvalColumns;
import dev.nightjar.transforms.eval.RankingMetrics;
import dev.nightjar.transforms.eval.Slices;
import dev.nightjar.transforms.eval.Split;
import dev.nightjar.transforms.eval.Splits;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which operators of Nightjar's SQL preprocessing would stay on the CPU under the RAPIDS Accelerator,
 * found without a GPU: builds the physical plans of {@code ingest}, {@code interactions} and the
 * evaluation joins and aggregations on a tiny seeded lakehouse, asks RAPIDS'
 * {@code com.nvidia.spark.rapids.ExplainPlan.explainPotentialGpuPlan(df, "ALL")} about each (by
 * reflection, so the normal build does not need the 0.6–1 GB jar), and compares every operator that
 * would not run on the GPU with {@link GpuAllowlist}.
 *
 * <pre>{@code
 * Path work = Files.createTempDirectory("gpu-plan");
 * GpuPlanCheck.Result result = GpuPlanCheck.run(ctx, work); // ctx: a StageContext on any lakehouse
 * GpuPlanCheck.print(result, System.out); // last line: gpu-plan: N operators stay on CPU outside the allowlist
 * }</pre>
 */
public final class GpuPlanCheck {
  private static final Logger LOG = LoggerFactory.getLogger(GpuPlanCheck.class);

  public static final String EXPLAIN_CLASS = "com.nvidia.spark.rapids.ExplainPlan";
  public static final String RAPIDS_COORDINATES = "com.nvidia:rapids-4-spark_2.13:26.08.1";

  /** Why the check cannot run when the RAPIDS jar is not on the classpath, and how to get it. */
  public static final String MISSING_JAR_MESSAGE =
      "the RAPIDS Accelerator jar (" + RAPIDS_COORDINATES + ", class " + EXPLAIN_CLASS + ") is not on the classpath."
          + " bin/nightjar puts it there once Maven has resolved it (it is a test-scope dependency of jobs: run"
          + " `mvn -pl jobs -am -DskipTests package` online once, ~576 MB); with spark-submit, pass it with"
          + " --jars rapids-4-spark_2.13-26.08.1-cuda12.jar (`mvn -Pgpu,app -DskipTests package` copies it to"
          + " jobs/target/gpu/). See docs/gpu.md.";

  /** The stages the check covers, in order. */
  public static final String INGEST = "ingest";
  public static final String INTERACTIONS = "interactions";
  public static final String EVALUATION = "evaluation";

  /** The date of the seeded shop's last day: the night whose ingest is planned. */
  static final LocalDate LAST_DAY = LocalDate.of(2026, 10, 31);

  /** Cut-offs of the evaluation plans. */
  static final int[] KS = {5, 10};

  private GpuPlanCheck() {}

  /** A DataFrame to check: its stage, a name, and the frame (built, not run). */
  public record Plan(String stage, String name, Dataset<Row> frame) {}

  /**
   * One operator that would stay on the CPU.
   *
   * @param operator the Spark operator or expression as RAPIDS names it (e.g. {@code Exec <FileSourceScanExec>})
   * @param reason RAPIDS' words for why it would not run on the GPU
   * @param allowedBecause the allowlist's justification, or null when it is not allowlisted
   */
  public record CpuOperator(String stage, String plan, String operator, String reason, String allowedBecause) {
    public boolean allowed() {
      return allowedBecause != null;
    }
  }

  /** What RAPIDS said about one plan: operators on the GPU, and those that stay on the CPU. */
  public record PlanResult(Plan plan, int gpuOperators, List<CpuOperator> cpuOperators, String explain, long millis) {}

  /** The whole check. */
  public record Result(String rapidsVersion, List<PlanResult> plans) {
    public List<CpuOperator> cpuOperators() {
      return plans.stream().flatMap(p -> p.cpuOperators().stream()).toList();
    }

    /** Operators that stay on the CPU and are not on the allowlist: the check passes when this is 0. */
    public long outsideAllowlist() {
      return cpuOperators().stream().filter(o -> !o.allowed()).count();
    }

    /** The check's last line. */
    public String lastLine() {
      return "gpu-plan: " + outsideAllowlist() + " operators stay on CPU outside the allowlist";
    }
  }

  /** Whether RAPIDS' {@code ExplainPlan} can be loaded. */
  public static boolean rapidsOnClasspath() {
    return explainMethod().isPresent();
  }

  /** The RAPIDS version of the jar on the classpath (from its {@code rapids4spark-version-info.properties}), or "unknown". */
  public static String rapidsVersion() {
    try (InputStream in = loader().getResourceAsStream("rapids4spark-version-info.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /**
   * Binary literals of 8 bytes or more in plan text: the HMAC pseudonyms put the padded key, XOR-ed with the
   * HMAC pads, into the plan as such a literal, and RAPIDS' explain text does not apply Spark's redaction.
   */
  static final java.util.regex.Pattern KEY_MATERIAL = java.util.regex.Pattern.compile("(?i)0x[0-9a-f]{16,}");
  static final String REDACTED = "0x<redacted>";

  /**
   * {@code ExplainPlan.explainPotentialGpuPlan(df, "ALL")}, called by reflection, with binary literals
   * redacted ({@link #KEY_MATERIAL}), so the report never shows key material.
   */
  public static String explainPotentialGpuPlan(Dataset<Row> df) {
    Method m = explainMethod().orElseThrow(() -> new IllegalStateException(MISSING_JAR_MESSAGE));
    try {
      return KEY_MATERIAL.matcher((String) m.invoke(null, df, "ALL")).replaceAll(REDACTED);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("RAPIDS ExplainPlan failed: " + cause, cause);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot call " + EXPLAIN_CLASS + ".explainPotentialGpuPlan: " + e, e);
    }
  }

  private static Optional<Method> explainMethod() {
    try {
      Class<?> c = Class.forName(EXPLAIN_CLASS, true, loader());
      return Optional.of(c.getMethod("explainPotentialGpuPlan", Dataset.class, String.class));
    } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
      return Optional.empty();
    }
  }

  private static ClassLoader loader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : GpuPlanCheck.class.getClassLoader();
  }

  // ---------------------------------------------------------------- parsing

  /**
   * One line of RAPIDS' explain text: a marker ({@code *} will run on the GPU, {@code !} will not, {@code ^} runs
   * through the CPU bridge, {@code #} removed, {@code @} could run), a kind ({@code Exec}, {@code Expression},
   * {@code Partitioning}, or empty for operators RAPIDS does not know at all) and a class name in angle brackets.
   */
  private static final Pattern LINE = Pattern.compile("^(\\s*)([*!^#@])(\\w*)\\s*<([^>]+)>(.*)$");
  private static final String NOT_ON_GPU = "cannot run on GPU because";
  private static final String BRIDGE = "will run on GPU via CPU bridge because";

  /**
   * Parses RAPIDS' explain text: each {@code !} line (won't run on the GPU) and each {@code ^} line (an
   * expression evaluated on the CPU inside a GPU operator) becomes a {@link CpuOperator}, judged against
   * {@code allowlist}. An exchange's reason gets its input operator appended ({@code (input: LocalTableScanExec)}),
   * since RAPIDS keeps an exchange on the CPU exactly when its input is there.
   */
  static PlanResult parse(Plan plan, String explain, GpuAllowlist allowlist, long millis) {
    List<String> lines = explain.lines().toList();
    int onGpu = 0;
    List<CpuOperator> cpu = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = LINE.matcher(lines.get(i));
      if (!m.matches()) {
        continue;
      }
      String marker = m.group(2);
      if (marker.equals("*")) {
        onGpu++;
        continue;
      }
      if (!marker.equals("!") && !marker.equals("^")) {
        continue;
      }
      String kind = m.group(3).isEmpty() ? "Exec" : m.group(3);
      String operator = kind + " <" + m.group(4) + ">";
      String rest = m.group(5);
      String reason;
      if (rest.contains(NOT_ON_GPU)) {
        reason = rest.substring(rest.indexOf(NOT_ON_GPU) + NOT_ON_GPU.length()).trim();
        Matcher nested = LINE.matcher(reason); // "!Expression <StructsToJson> to_json(...) cannot run on GPU because ..."
        if (nested.matches() && nested.group(5).contains(NOT_ON_GPU)) {
          String inner = nested.group(5);
          reason = nested.group(4) + ": " + inner.substring(inner.indexOf(NOT_ON_GPU) + NOT_ON_GPU.length()).trim();
        }
      } else if (rest.contains(BRIDGE)) {
        reason = "evaluated on the CPU inside a GPU operator (CPU bridge) because "
            + rest.substring(rest.indexOf(BRIDGE) + BRIDGE.length()).trim();
      } else {
        reason = rest.trim();
      }
      if (operator.contains("Exchange")) {
        reason = reason + " (input: " + childOperator(lines, i, m.group(1).length()) + ")";
      }
      int cut = rest.contains(NOT_ON_GPU) ? rest.indexOf(NOT_ON_GPU) : rest.contains(BRIDGE) ? rest.indexOf(BRIDGE) : 0;
      String expression = kind.equals("Expression") ? shorten(rest.substring(0, cut).trim()) : "";
      String described = expression.isEmpty() ? operator : operator + " " + expression;
      cpu.add(new CpuOperator(plan.stage(), plan.name(), described, reason,
          allowlist.justification(plan.stage(), plan.name(), described, reason).orElse(null)));
    }
    return new PlanResult(plan, onGpu, cpu, explain, millis);
  }

  /** The first operator (not an expression or partitioning) indented below line {@code at}. */
  private static String childOperator(List<String> lines, int at, int indent) {
    for (int j = at + 1; j < lines.size(); j++) {
      Matcher c = LINE.matcher(lines.get(j));
      if (!c.matches()) {
        continue;
      }
      if (c.group(1).length() <= indent) {
        break;
      }
      String kind = c.group(3);
      if (kind.isEmpty() || kind.equals("Exec")) {
        return c.group(4);
      }
    }
    return "unknown";
  }

  private static String shorten(String expression) {
    String plain = expression.replaceAll("#\\d+", "");
    return plain.length() <= 90 ? plain : plain.substring(0, 87) + "...";
  }

  // ---------------------------------------------------------------- the plans

  /**
   * Builds a tiny seeded lakehouse under {@code workDir} (a synthetic shop imported, night D−1 ingested)
   * through {@code ctx}, whose lakehouse must live under {@code workDir}, and returns the plans of night
   * D's ingest, night D−1's interactions and the evaluation joins and aggregations — built, not run.
   */
  public static List<Plan> buildPlans(StageContext ctx, Path workDir) throws IOException {
    SyntheticShop.Params params =
        new SyntheticShop.Params(300, 80, 10, LAST_DAY, 7L, 4, 0.02, 1, 2, 1.0);
    SyntheticShop.Summary shop = new SyntheticShop(params).generate(workDir.resolve("shop"));
    LOG.info("gpu-plan: seeded shop of {} users, {} items, {} events", shop.users(), shop.items(), shop.events());
    Lakehouse lake = ctx.lake();
    ImportStage.importCsv(ctx, shop.eventsCsv(), shop.itemsCsv(), LAST_DAY.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
    LocalDate previous = LAST_DAY.minusDays(1);
    IngestStage.run(ctx, previous); // events, items and quarantine exist, as on any night after the first

    List<Plan> plans = new ArrayList<>();
    for (Map.Entry<String, Dataset<Row>> e : IngestStage.plans(ctx, LAST_DAY).entrySet()) {
      plans.add(new Plan(INGEST, e.getKey(), e.getValue()));
    }
    Dataset<Row> events = lake.read(Tables.EVENTS);
    plans.add(new Plan(INTERACTIONS, "interactions", Interactions.compute(events, previous, ctx.config().interactions())));

    // Evaluation: three splits of the clean events, a stand-in top-k table and stand-in item vectors (Delta tables).
    Split temporal = Splits.temporal(events, Timestamp.valueOf(previous.minusDays(2).atStartOfDay()));
    Split stratified = Splits.stratified(events, Splits.DEFAULT_RATIO, Splits.DEFAULT_SEED);
    Split lastN = Splits.lastN(events, Splits.DEFAULT_LAST_N);
    writeStandIns(lake, temporal.train());
    Dataset<Row> recs = lake.read(STAND_IN_RECOMMENDATIONS);
    Dataset<Row> vectors = lake.read(STAND_IN_VECTORS);
    plans.add(new Plan(EVALUATION, "ranking metrics (temporal, last-1 splits)",
        RankingMetrics.compute(recs, temporal.truth(), KS).withColumn("split", lit("temporal"))
            .unionByName(RankingMetrics.compute(recs, lastN.truth(), KS).withColumn("split", lit("last_1")))));
    plans.add(new Plan(EVALUATION, "ranking metrics by slice (stratified split)",
        RankingMetrics.computeBySlice(recs, Slices.truth(stratified, 2), KS)));
    plans.add(new Plan(EVALUATION, "beyond accuracy (coverage, novelty, diversity, personalisation)",
        BeyondAccuracy.coverage(recs, lake.read(Tables.ITEMS), KS)
            .union(BeyondAccuracy.novelty(recs, stratified.train(), KS))
            .union(BeyondAccuracy.intraListDiversity(recs, vectors, KS))
            .union(BeyondAccuracy.personalisation(recs, KS))));
    return plans;
  }

  static final String STAND_IN_RECOMMENDATIONS = "gpu_plan_recommendations";
  static final String STAND_IN_VECTORS = "gpu_plan_item_vectors";

  /** Top-20 popular items for every user of {@code train}, and 16-d vectors from a hash: Delta tables the evaluation plans read. */
  private static void writeStandIns(Lakehouse lake, Dataset<Row> train) {
    Dataset<Row> popular =
        train.groupBy(Columns.ITEM_ID).count()
            .withColumn(Columns.RANK, row_number().over(Window.orderBy(col("count").desc(), col(Columns.ITEM_ID))))
            .where(col(Columns.RANK).leq(20))
            .select(Columns.ITEM_ID, Columns.RANK);
    Dataset<Row> recs = train.select(Columns.USER_ID).distinct().crossJoin(popular)
        .withColumn(Columns.SCORE, lit(1.0).divide(col(Columns.RANK)));
    lake.overwrite(STAND_IN_RECOMMENDATIONS, recs);
    Dataset<Row> vectors = lake.read(Tables.ITEMS).select(col(Columns.ITEM_ID),
        expr("transform(sequence(1, 16), i -> CAST((abs(hash(item_id, i)) % 1000) / 1000.0 AS FLOAT))").as(EvalColumns.VECTOR));
    lake.overwrite(STAND_IN_VECTORS, vectors);
  }

  // ---------------------------------------------------------------- running and printing

  /** Builds the plans and asks RAPIDS about each. */
  public static Result run(StageContext ctx, Path workDir) throws IOException {
    if (!rapidsOnClasspath()) {
      throw new IllegalStateException(MISSING_JAR_MESSAGE);
    }
    List<Plan> plans = buildPlans(ctx, workDir);
    return check(plans, GpuAllowlist.DEFAULT);
  }

  /** Asks RAPIDS about each plan. */
  public static Result check(List<Plan> plans, GpuAllowlist allowlist) {
    List<PlanResult> results = new ArrayList<>();
    for (Plan plan : plans) {
      long start = System.nanoTime();
      String explain = explainPotentialGpuPlan(plan.frame());
      long millis = (System.nanoTime() - start) / 1_000_000;
      PlanResult r = parse(plan, explain, allowlist, millis);
      LOG.info("gpu-plan: {} / {}: {} operators on GPU, {} on CPU ({} ms)", plan.stage(), plan.name(),
          r.gpuOperators(), r.cpuOperators().size(), millis);
      LOG.debug("gpu-plan: {} / {}:\n{}", plan.stage(), plan.name(), explain);
      results.add(r);
    }
    return new Result(rapidsVersion(), results);
  }

  /** The report: per plan, operators on GPU and CPU; then every CPU operator with its reason; then the last line. */
  public static void print(Result result, PrintStream out) {
    out.printf("RAPIDS Accelerator %s: ExplainPlan.explainPotentialGpuPlan on each plan (no GPU needed)%n%n", result.rapidsVersion());
    List<List<String>> rows = new ArrayList<>();
    for (PlanResult p : result.plans()) {
      long allowed = p.cpuOperators().stream().filter(CpuOperator::allowed).count();
      rows.add(List.of(p.plan().stage(), p.plan().name(), Integer.toString(p.gpuOperators()),
          Long.toString(allowed), Long.toString(p.cpuOperators().size() - allowed)));
    }
    TablePrinter.aligned(out, List.of("stage", "plan", "on GPU", "on CPU, allowlisted", "on CPU, not allowed"), rows);
    out.println("(operators and expressions, as RAPIDS lists them)");
    List<CpuOperator> cpu = result.cpuOperators();
    out.println();
    if (cpu.isEmpty()) {
      out.println("Every operator of every plan would run on the GPU.");
    } else {
      out.println("Operators that stay on the CPU (same operator and reason in one plan counted once, x N):");
      Map<CpuOperator, Long> counted = new LinkedHashMap<>();
      for (CpuOperator o : cpu) {
        counted.merge(o, 1L, Long::sum);
      }
      String lastPlan = null;
      for (Map.Entry<CpuOperator, Long> e : counted.entrySet()) {
        CpuOperator o = e.getKey();
        String plan = o.stage() + " / " + o.plan();
        if (!plan.equals(lastPlan)) {
          out.println("  " + plan);
          lastPlan = plan;
        }
        out.printf("    %s %s%s: %s%n", o.allowed() ? "allowed" : "NOT ALLOWED", o.operator(),
            e.getValue() > 1 ? " x " + e.getValue() : "", o.reason());
        if (o.allowed()) {
          out.println("      because " + o.allowedBecause());
        }
      }
    }
    out.println();
    out.println(String.format(Locale.ROOT, "%s", result.lastLine()));
  }
}
