package dev.nightjar.jobs.report;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.nightjar.jobs.lake.LakeFiles;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.jobs.stages.Pipeline;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.eval.EvalColumns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-run HTML report: one self-contained file per night D under {@code <lakehouse>/reports/}, with
 * its charts inlined as PNG data URIs (drawn with XChart, headless) and no reference to anything
 * outside the file. Sections: what each stage did (run_report), the publish decision, the metric trend
 * over nights, the exploration frontier (NDCG vs coverage across exploration slots), the composition
 * of D's lists by source, and D's quarantine by reason. A section whose table is missing says which
 * command computes it instead of failing. Only small aggregates reach the driver.
 *
 * <pre>{@code
 * Path html = RunHtmlReport.write(lake, LocalDate.parse("2026-10-31")); // <lakehouse>/reports/nightjar-2026-10-31.html
 * }</pre>
 */
public final class RunHtmlReport {
  private static final Logger LOG = LoggerFactory.getLogger(RunHtmlReport.class);

  /** Folder under the lakehouse root holding the reports. */
  public static final String FOLDER = "reports";
  /** The cut-off of the metrics shown. */
  public static final int K = 10;
  /** The variant whose metrics are followed over nights: the served blend. */
  public static final String VARIANT_BLEND = "blend";
  /** Variants {@code blend_explore_<E>}: the blend with E exploration slots, the points of the frontier. */
  public static final String VARIANT_EXPLORE_PREFIX = "blend_explore_";
  static final List<String> TREND_METRICS = List.of(EvalColumns.NDCG, EvalColumns.RECALL, EvalColumns.COVERAGE);
  /** Stage order of the run_report table; stages not listed follow by name. */
  static final List<String> STAGE_ORDER = stageOrder();
  /** Rank buckets of the composition chart: upper bounds (inclusive); the last bucket is open. */
  static final int[] RANK_BUCKETS = {5, 10, 20, 50};
  static final int TREND_TABLE_NIGHTS = 14;

  private RunHtmlReport() {}

  /** Where the report of {@code date} lives. */
  public static Path file(Lakehouse lake, LocalDate date) {
    return lake.file(FOLDER + "/nightjar-" + date + ".html");
  }

  /**
   * Renders the report of {@code date} from the tables as they are now and writes it (atomically, through the
   * lakehouse's file system); returns its path.
   */
  public static Path write(Lakehouse lake, LocalDate date) {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    lake.spark().sparkContext().setJobGroup("report", "nightjar report " + date, false);
    Path target = file(lake, date);
    String html;
    try {
      html = render(lake, date);
      LakeFiles.writeString(lake.fileSystem(), target, html);
    } finally {
      lake.spark().sparkContext().clearJobGroup();
    }
    LOG.info("Run report of {} written to {} ({} KB)", date, target, html.length() / 1024);
    return target;
  }

  /** The page of {@code date}. */
  static String render(Lakehouse lake, LocalDate date) {
    Reader reader = new Reader(lake);
    Html h = new Html();
    h.p("Lakehouse: " + lake.root() + ". Every section reads its table as of its current version (listed at the end).");
    section(h, "Stages", () -> stages(h, reader, date));
    section(h, "Publication", () -> publication(h, reader, date));
    section(h, "Metric trend", () -> metrics(h, reader, date));
    section(h, "Tuning", () -> tuning(h, reader, date));
    section(h, "List composition", () -> composition(h, reader, date));
    section(h, "Quarantine", () -> quarantine(h, reader, date));
    h.h2("Table versions read");
    List<List<String>> versions = new ArrayList<>();
    reader.versions.forEach((t, v) -> versions.add(List.of(t, Long.toString(v))));
    if (versions.isEmpty()) {
      h.note("no tables found under " + lake.root() + ": run `bin/nightjar nightly --date " + date + "` first");
    } else {
      h.table(List.of("table", "version"), versions);
    }
    return h.page("Nightjar run report " + date);
  }

  /** Renders one section; a failure shows as a note in its place, so that one broken table does not hide the others. */
  private static void section(Html h, String name, Runnable body) {
    try {
      body.run();
    } catch (RuntimeException e) {
      LOG.warn("Report section '{}' failed", name, e);
      h.h2(name).note("this section could not be rendered: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------------------------------------- sections

  private static void stages(Html h, Reader reader, LocalDate date) {
    h.h2("Stages");
    Optional<Dataset<Row>> runReport = reader.read(Tables.RUN_REPORT);
    List<Row> rows =
        runReport.map(df -> df.where(col(Columns.RUN_DATE).equalTo(lit(Date.valueOf(date))))
                .select("stage", "status", "rows_in", "rows_accepted", "rows_quarantined", "duration_ms", "details")
                .collectAsList())
            .orElse(List.of());
    if (rows.isEmpty()) {
      h.note("not computed yet: run `bin/nightjar nightly --date " + date + "`");
      return;
    }
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparingInt((Row r) -> stageRank(r.getString(0))).thenComparing(r -> r.getString(0)));
    List<List<String>> cells = new ArrayList<>();
    for (Row r : sorted) {
      Map<String, String> details = r.isNullAt(6) ? new TreeMap<>() : new TreeMap<>(r.<String, String>getJavaMap(6));
      details.remove(RunReport.CONFIG); // the recorded settings: a dozen lines, kept in run_report for reproduce
      cells.add(List.of(r.getString(0), r.getString(1), num(r.getLong(2)), num(r.getLong(3)), num(r.getLong(4)),
          String.format(Locale.ROOT, "%.1f", r.getLong(5) / 1000.0), details.toString()));
    }
    h.table(List.of("stage", "status", "rows in", "accepted", "quarantined", "seconds", "details"), cells);
  }

  private static void publication(Html h, Reader reader, LocalDate date) {
    h.h2("Publication");
    Optional<Dataset<Row>> publications = reader.read(Tables.PUBLICATIONS);
    if (publications.isEmpty()) {
      h.note("not computed yet: run `bin/nightjar publish --date " + date + "`");
    } else {
      List<Row> decisions = publications.get().where(col(Columns.RUN_DATE).equalTo(lit(Date.valueOf(date))))
          .select("status", "reason", "decided_at").orderBy("decided_at").collectAsList();
      if (decisions.isEmpty()) {
        h.note("no publish decision for " + date + " yet: run `bin/nightjar publish --date " + date + "`");
      } else {
        List<List<String>> cells = new ArrayList<>();
        for (Row r : decisions) {
          Object at = r.get(2);
          cells.add(List.of(str(r.get(0)), str(r.get(1)), at instanceof java.sql.Timestamp t ? t.toInstant().toString() : str(at)));
        }
        h.table(List.of("status", "reason", "decided at"), cells);
      }
    }
    reader.read(Tables.PUBLISHED_RECOMMENDATIONS).ifPresent(published -> {
      List<Row> nights = published.groupBy(Columns.RUN_DATE).count().orderBy(Columns.RUN_DATE).collectAsList();
      if (nights.isEmpty()) {
        h.p("Serving: nothing published yet.");
      }
      for (Row r : nights) {
        h.p("Serving now: the lists of " + r.get(0) + " (" + num(r.getLong(1)) + " rows in " + Tables.PUBLISHED_RECOMMENDATIONS + ").");
      }
    });
  }

  private static void metrics(Html h, Reader reader, LocalDate date) {
    h.h2("Metric trend");
    String notYet = "not computed yet: run `bin/nightjar evaluate --date " + date + "`";
    Optional<Dataset<Row>> table = reader.read(Tables.METRICS);
    // one small collect: slice all, k = 10, the blend and its exploration variants, the three metrics shown, up to D
    List<Row> rows = table.map(df -> df
            .where(col(Columns.RUN_DATE).leq(lit(Date.valueOf(date)))
                .and(col(EvalColumns.K).equalTo(K))
                .and(col(EvalColumns.SLICE).equalTo(EvalColumns.SLICE_ALL))
                .and(col("variant").equalTo(VARIANT_BLEND).or(col("variant").startsWith(VARIANT_EXPLORE_PREFIX)))
                .and(col(EvalColumns.METRIC).isin(TREND_METRICS.toArray())))
            .groupBy(col(Columns.RUN_DATE).cast("string"), col("split"), col("variant"), col(EvalColumns.METRIC))
            .agg(avg(EvalColumns.VALUE))
            .collectAsList())
        .orElse(List.of());
    if (rows.isEmpty()) {
      h.note(notYet);
      h.h2("Exploration frontier").note(notYet);
      return;
    }
    TreeSet<String> splits = new TreeSet<>();
    rows.forEach(r -> splits.add(str(r.get(1))));
    String split = splits.first();
    String splitNote = "split " + split + (splits.size() > 1 ? " (also present: " + String.join(", ", splits.tailSet(split, false)) + ")" : "");
    List<Row> ofSplit = rows.stream().filter(r -> split.equals(str(r.get(1))) && !r.isNullAt(4)).toList();

    // (1) the blend's metrics over nights
    TreeMap<String, Map<String, Double>> byNight = new TreeMap<>();
    for (Row r : ofSplit) {
      if (VARIANT_BLEND.equals(r.getString(2))) {
        byNight.computeIfAbsent(r.getString(0), d -> new TreeMap<>()).put(r.getString(3), r.getDouble(4));
      }
    }
    if (byNight.isEmpty()) {
      h.note("no metrics of variant " + VARIANT_BLEND + " up to " + date + " yet: run `bin/nightjar evaluate --date " + date + "`");
    } else {
      List<String> nights = new ArrayList<>(byNight.keySet());
      Map<String, List<Double>> series = new LinkedHashMap<>();
      for (String metric : TREND_METRICS) {
        List<Double> values = new ArrayList<>();
        for (String night : nights) {
          values.add(byNight.get(night).get(metric));
        }
        if (values.stream().anyMatch(v -> v != null)) {
          series.put(metric + "@" + K, values);
        }
      }
      h.png(ReportCharts.trend("Blend, all users: " + String.join(", ", series.keySet()), nights, series),
          "Metric trend over nights: " + String.join(", ", series.keySet()) + " of variant " + VARIANT_BLEND + ", slice all, " + splitNote);
      List<List<String>> cells = new ArrayList<>();
      for (String night : byNight.descendingKeySet()) {
        if (cells.size() == TREND_TABLE_NIGHTS) {
          break;
        }
        List<String> row = new ArrayList<>(List.of(night));
        TREND_METRICS.forEach(m -> row.add(dec(byNight.get(night).get(m))));
        cells.add(row);
      }
      List<String> header = new ArrayList<>(List.of("night"));
      TREND_METRICS.forEach(m -> header.add(m + "@" + K));
      h.table(header, cells);
    }

    // (2) the frontier of the latest night: NDCG vs coverage for E = 0 (the blend) and each blend_explore_<E>
    h.h2("Exploration frontier");
    if (ofSplit.isEmpty()) {
      h.note(notYet);
      return;
    }
    String night = ofSplit.stream().map(r -> r.getString(0)).max(Comparator.naturalOrder()).orElseThrow();
    TreeMap<Integer, Map<String, Double>> byE = new TreeMap<>();
    for (Row r : ofSplit) {
      Integer e = explorationSlots(r.getString(2));
      if (e != null && night.equals(r.getString(0))) {
        byE.computeIfAbsent(e, x -> new TreeMap<>()).putIfAbsent(r.getString(3), r.getDouble(4));
      }
    }
    List<ReportCharts.FrontierPoint> points = new ArrayList<>();
    List<List<String>> cells = new ArrayList<>();
    byE.forEach((e, m) -> {
      cells.add(List.of(e == 0 ? VARIANT_BLEND : VARIANT_EXPLORE_PREFIX + e, "E=" + e,
          dec(m.get(EvalColumns.NDCG)), dec(m.get(EvalColumns.COVERAGE)), dec(m.get(EvalColumns.RECALL))));
      if (m.containsKey(EvalColumns.NDCG) && m.containsKey(EvalColumns.COVERAGE)) {
        points.add(new ReportCharts.FrontierPoint(e, m.get(EvalColumns.COVERAGE), m.get(EvalColumns.NDCG)));
      }
    });
    if (!night.equals(date.toString())) {
      h.note("no metrics for " + date + " yet (run `bin/nightjar evaluate --date " + date + "`); showing the latest night with metrics, " + night);
    }
    if (points.isEmpty()) {
      h.note("the frontier needs both ndcg@" + K + " and coverage@" + K + " of the variants; none found for " + night);
    } else {
      h.png(ReportCharts.frontier(points, "Exploration frontier, " + night),
          "Frontier of " + night + ": NDCG@" + K + " against coverage@" + K + " for E exploration slots per list (E=0 is the blend), "
              + "slice all, " + splitNote);
    }
    h.table(List.of("variant", "exploration slots", "ndcg@" + K, "coverage@" + K, "recall@" + K), cells);
  }

  /** The latest nightly tuning up to D: the chosen parameters and the validation curve (value and best so far per trial). */
  private static void tuning(Html h, Reader reader, LocalDate date) {
    h.h2("Tuning");
    Optional<Dataset<Row>> table = reader.read(Tables.MODEL_PARAMS);
    Dataset<Row> nightly = table.map(df -> df.where(col(dev.nightjar.jobs.stages.TuneStage.SCOPE).equalTo(
        dev.nightjar.jobs.stages.TuneStage.SCOPE_NIGHTLY).and(col(Columns.RUN_DATE).leq(lit(Date.valueOf(date)))))).orElse(null);
    Row last = nightly == null ? null : nightly.agg(max(Columns.RUN_DATE)).head();
    if (last == null || last.isNullAt(0)) {
      h.note("no tuning up to " + date + " yet (`bin/nightjar tune --date " + date + "`); the stages run with the configuration as given");
      return;
    }
    String tunedOn = last.getDate(0).toString();
    // one small collect: the trials of one tuning (nightjar.tune.modelTrials × listTrials rows)
    List<Row> trials = nightly.where(col(Columns.RUN_DATE).equalTo(last.get(0))).orderBy(dev.nightjar.jobs.stages.TuneStage.TRIAL)
        .select(dev.nightjar.jobs.stages.TuneStage.TRIAL, dev.nightjar.jobs.stages.TuneStage.VALUE,
            dev.nightjar.jobs.stages.TuneStage.BEST_SO_FAR, dev.nightjar.jobs.stages.TuneStage.CHOSEN,
            dev.nightjar.jobs.stages.TuneStage.PARAMS, dev.nightjar.jobs.stages.TuneStage.METRIC,
            dev.nightjar.jobs.stages.TuneStage.VALIDATION)
        .collectAsList();
    Row chosen = trials.stream().filter(r -> r.getBoolean(3)).findFirst().orElse(trials.get(0));
    String metric = chosen.getString(5);
    h.p("Tuned on " + tunedOn + " (validation " + chosen.getString(6) + ", " + trials.size() + " trials); chosen trial "
        + chosen.getInt(0) + " with " + metric + " " + dec(chosen.getDouble(1)) + ". "
        + (tunedOn.equals(date.toString()) ? "Nights from the next one on" : "This night's train and recommend")
        + " use these parameters when nightjar.tune.use=latest.");
    List<String> labels = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    List<Double> best = new ArrayList<>();
    for (Row r : trials) {
      labels.add(Integer.toString(r.getInt(0)));
      values.add(r.getDouble(1));
      best.add(r.getDouble(2));
    }
    Map<String, List<Double>> series = new LinkedHashMap<>();
    series.put(metric + " of the trial", values);
    series.put("best so far", best);
    h.png(ReportCharts.trend("Validation curve, tuning of " + tunedOn, labels, series),
        "Validation curve of the tuning of " + tunedOn + ": " + metric + " per trial and the best so far");
    List<List<String>> cells = new ArrayList<>();
    new TreeMap<>(chosen.<String, String>getJavaMap(4)).forEach((k, v) -> cells.add(List.of(k, v)));
    h.table(List.of("chosen parameter", "value"), cells);
  }

  private static void composition(Html h, Reader reader, LocalDate date) {
    h.h2("List composition");
    Optional<Dataset<Row>> table = reader.read(Tables.RECOMMENDATIONS);
    String notYet = "not computed yet: run `bin/nightjar recommend --date " + date + "`";
    if (table.isEmpty()) {
      h.note(notYet);
      return;
    }
    Dataset<Row> recs = table.get().where(col(Columns.RUN_DATE).equalTo(lit(Date.valueOf(date))));
    // one small collect: rows and summed score per rank bucket and source
    List<Row> byBucket = recs.groupBy(bucket(col(Columns.RANK)).as("bucket"), col(Columns.SOURCE))
        .agg(count(lit(1)), sum(Columns.SCORE)).collectAsList();
    if (byBucket.isEmpty()) {
      h.note("no lists for " + date + ": " + notYet);
      return;
    }
    long users = recs.select(Columns.USER_ID).distinct().count();
    List<String> labels = new ArrayList<>();
    for (int i = 0; i <= RANK_BUCKETS.length; i++) {
      labels.add(bucketLabel(i));
    }
    Map<String, long[]> perBucket = new TreeMap<>();
    Map<String, double[]> rowsAndScore = new TreeMap<>();
    for (Row r : byBucket) {
      String source = str(r.get(1));
      perBucket.computeIfAbsent(source, s -> new long[labels.size()])[r.getInt(0)] += r.getLong(2);
      double[] acc = rowsAndScore.computeIfAbsent(source, s -> new double[2]);
      acc[0] += r.getLong(2);
      acc[1] += r.isNullAt(3) ? 0 : r.getDouble(3);
    }
    long total = byBucket.stream().mapToLong(r -> r.getLong(2)).sum();
    // leave out the empty buckets at the end (lists shorter than the last bounds)
    int used = labels.size();
    while (used > 1) {
      int b = used - 1;
      if (perBucket.values().stream().anyMatch(v -> v[b] > 0)) {
        break;
      }
      used--;
    }
    List<String> shownLabels = labels.subList(0, used);
    Map<String, List<Long>> series = new LinkedHashMap<>();
    final int n = used;
    perBucket.forEach((source, counts) -> {
      List<Long> values = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        values.add(counts[i]);
      }
      series.put(source, values);
    });
    h.p(num(total) + " rows for " + num(users) + " users on " + date + ".");
    h.png(ReportCharts.stackedBars("Rows by source per rank bucket, " + date, "rank", "rows", shownLabels, series),
        "List composition of " + date + ": rows by source per rank bucket");
    List<List<String>> cells = new ArrayList<>();
    rowsAndScore.forEach((source, acc) -> cells.add(List.of(source, num((long) acc[0]),
        String.format(Locale.ROOT, "%.1f %%", 100.0 * acc[0] / total), dec(acc[1] / acc[0]))));
    h.table(List.of("source", "rows", "share", "mean score"), cells);
  }

  private static void quarantine(Html h, Reader reader, LocalDate date) {
    h.h2("Quarantine");
    Optional<Dataset<Row>> table = reader.read(Tables.QUARANTINE);
    if (table.isEmpty()) {
      h.note("not computed yet: run `bin/nightjar ingest --date " + date + "`");
      return;
    }
    List<Row> rows = table.get().where(col(Columns.INGEST_DATE).equalTo(lit(Date.valueOf(date))))
        .groupBy(Columns.REASON, Columns.SOURCE_TABLE).count()
        .orderBy(col("count").desc(), col(Columns.REASON), col(Columns.SOURCE_TABLE)).collectAsList();
    if (rows.isEmpty()) {
      h.p("No rows quarantined on " + date + ".");
      return;
    }
    List<String> reasons = new ArrayList<>();
    TreeSet<String> sourceTables = new TreeSet<>();
    for (Row r : rows) {
      String reason = str(r.get(0));
      if (!reasons.contains(reason)) {
        reasons.add(reason);
      }
      sourceTables.add(str(r.get(1)));
    }
    Map<String, List<Long>> series = new LinkedHashMap<>();
    for (String source : sourceTables) {
      List<Long> values = new ArrayList<>();
      for (String reason : reasons) {
        values.add(rows.stream().filter(r -> str(r.get(0)).equals(reason) && str(r.get(1)).equals(source))
            .mapToLong(r -> r.getLong(2)).sum());
      }
      series.put(source, values);
    }
    long total = rows.stream().mapToLong(r -> r.getLong(2)).sum();
    h.p(num(total) + " rows quarantined on " + date + ".");
    h.png(ReportCharts.stackedBars("Quarantined rows by reason, " + date, "reason", "rows", reasons, series),
        "Quarantine of " + date + ": rows by reason and source table");
    List<List<String>> cells = new ArrayList<>();
    for (Row r : rows) {
      cells.add(List.of(str(r.get(0)), str(r.get(1)), num(r.getLong(2))));
    }
    h.table(List.of("reason", "source table", "rows"), cells);
  }

  // ---------------------------------------------------------------------------------------------- helpers

  /** E of a frontier variant: 0 for the blend, E for {@code blend_explore_<E>}, null otherwise. */
  static Integer explorationSlots(String variant) {
    if (VARIANT_BLEND.equals(variant)) {
      return 0;
    }
    if (variant != null && variant.startsWith(VARIANT_EXPLORE_PREFIX)) {
      try {
        int e = Integer.parseInt(variant.substring(VARIANT_EXPLORE_PREFIX.length()));
        return e >= 0 ? e : null;
      } catch (NumberFormatException ignored) {
        return null;
      }
    }
    return null;
  }

  private static Column bucket(Column rank) {
    Column c = lit(RANK_BUCKETS.length);
    for (int i = RANK_BUCKETS.length - 1; i >= 0; i--) {
      c = when(rank.leq(RANK_BUCKETS[i]), lit(i)).otherwise(c);
    }
    return c;
  }

  static String bucketLabel(int i) {
    int from = i == 0 ? 1 : RANK_BUCKETS[i - 1] + 1;
    return i == RANK_BUCKETS.length ? from + "+" : from + "-" + RANK_BUCKETS[i];
  }

  private static int stageRank(String stage) {
    int i = STAGE_ORDER.indexOf(stage);
    return i < 0 ? STAGE_ORDER.size() : i;
  }

  private static List<String> stageOrder() {
    List<String> order = new ArrayList<>(Pipeline.STAGES);
    order.addAll(Pipeline.GATE_STAGES);
    for (String later : List.of("retention")) {
      if (!order.contains(later)) {
        order.add(later);
      }
    }
    return List.copyOf(order);
  }

  private static String num(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String dec(Double d) {
    return d == null ? "" : String.format(Locale.ROOT, "%.4f", d);
  }

  private static String str(Object o) {
    return o == null ? "" : o.toString();
  }

  /** Reads each table once, at the version it has when first asked for; remembers the versions. */
  private static final class Reader {
    private final Lakehouse lake;
    private final Map<String, Long> versions = new TreeMap<>();
    private final Map<String, Dataset<Row>> tables = new TreeMap<>();

    Reader(Lakehouse lake) {
      this.lake = lake;
    }

    Optional<Dataset<Row>> read(String table) {
      if (!lake.exists(table)) {
        return Optional.empty();
      }
      return Optional.of(tables.computeIfAbsent(table, t -> {
        long v = lake.version(t);
        versions.put(t, v);
        return lake.readAt(t, v);
      }));
    }
  }
}
