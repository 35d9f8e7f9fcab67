package dev.nightjar.jobs.bench;

import static org.apache.spark.sql.functions.col;

import dev.nightjar.jobs.cli.TablePrinter;
import dev.nightjar.jobs.demo.SyntheticShop;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.jobs.stages.EmbedItemsStage;
import dev.nightjar.jobs.stages.ImportStage;
import dev.nightjar.jobs.stages.IngestStage;
import dev.nightjar.jobs.stages.InteractionsStage;
import dev.nightjar.jobs.stages.Pipeline;
import dev.nightjar.jobs.stages.ProfilesStage;
import dev.nightjar.jobs.stages.RecommendStage;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.jobs.stages.TrainStage;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole nightly pipeline on a seeded synthetic shop of a chosen size, stage by stage: wall time,
 * rows in and out (from each stage's run report), rows per second, peak JVM heap and peak process
 * memory (RSS), and each stage's share of the total. What {@code bin/nightjar bench pipeline} runs.
 *
 * <pre>{@code
 * PipelineBenchmark.Result r = PipelineBenchmark.run(ctx, workDir, new PipelineBenchmark.Params(4000, 2000, 200_000, 42));
 * PipelineBenchmark.print(r, System.out);
 * }</pre>
 *
 * <p>The shop: {@value #DAYS} days ending {@link SyntheticShop.Params#DEFAULT_LAST_DAY}, 12 categories,
 * 1% malformed rows, 1% of the items cold-start, no bots (a bot adds ~33,000 views a month, too many for
 * small sizes), and shoppers' activity set so that the events file has about {@code events} rows.
 * Memory is sampled every {@value #SAMPLE_MILLIS} ms; on Linux the peak RSS also comes from
 * {@code VmHWM}, reset before each stage through {@code /proc/self/clear_refs}.
 */
public final class PipelineBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineBenchmark.class);
  static final int DAYS = 30;
  static final long SAMPLE_MILLIS = 100;

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private PipelineBenchmark() {}

  /**
   * The shop's size.
   *
   * @param users shoppers
   * @param items catalogue items (at least 12)
   * @param events rows of the generated events file, about (malformed rows included)
   * @param seed the generator's seed
   */
  public record Params(int users, int items, long events, long seed) {
    public Params {
      if (users < 1 || items < 12 || events < users) {
        throw new IllegalArgumentException(
            "need users >= 1, items >= 12 and events >= users, got users " + users + ", items " + items + ", events " + events);
      }
    }

    SyntheticShop.Params shop() {
      SyntheticShop.Params d = SyntheticShop.Params.defaults();
      return new SyntheticShop.Params(users, items, DAYS, d.lastDay(), seed, d.categories(), d.malformedShare(), 0,
          items / 100).withTargetEvents(events);
    }
  }

  /**
   * One stage's cost: wall time, and the process's CPU time over the stage (all threads: driver and
   * local executors; on a shared machine it shows the work done when wall time is stretched by others' load).
   * Memory values are bytes, -1 when unknown.
   */
  public record StageResult(String stage, String status, long millis, long cpuMillis, long rowsIn, long rowsOut,
      long peakHeapBytes, long peakRssBytes) {
    public double rowsPerSecond() {
      return millis == 0 ? 0 : rowsIn * 1000.0 / millis;
    }
  }

  /** The run: the shop generated, the import, and the nightly stages. */
  public record Result(Params params, SyntheticShop.Summary shop, long generateMillis, long importMillis,
      List<StageResult> stages, double loadBefore, double loadAfter, int cores) {
    public long totalMillis() {
      return stages.stream().mapToLong(StageResult::millis).sum();
    }

    /** A stage's share of the pipeline's total time, in percent. */
    public double sharePercent(StageResult s) {
      long total = totalMillis();
      return total == 0 ? 0 : 100.0 * s.millis() / total;
    }

    public StageResult dominant() {
      return stages.stream().max(Comparator.comparingLong(StageResult::millis)).orElseThrow();
    }

    /** The command's last line. */
    public String lastLine() {
      StageResult d = dominant();
      return String.format(Locale.ROOT, "bench pipeline: %,d users, %,d items, %,d events: nightly %.1fs, dominant stage %s (%.0f%%)",
          params.users(), params.items(), shop.events(), totalMillis() / 1000.0, d.stage(), sharePercent(d));
    }
  }

  /**
   * Generates the shop under {@code workDir}, imports it into {@code ctx}'s lakehouse (which should be
   * empty) and runs the nightly stages for the shop's last day, measuring each.
   */
  public static Result run(StageContext ctx, Path workDir, Params params) throws IOException {
    SyntheticShop.Params shopParams = params.shop();
    long t0 = System.nanoTime();
    SyntheticShop.Summary shop = new SyntheticShop(shopParams).generate(workDir.resolve("shop"));
    long generateMillis = (System.nanoTime() - t0) / 1_000_000;
    LocalDate date = shopParams.lastDay();
    long t1 = System.nanoTime();
    ImportStage.importCsv(ctx, shop.eventsCsv(), shop.itemsCsv(), date.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
    long importMillis = (System.nanoTime() - t1) / 1_000_000;
    LOG.info("bench pipeline: {} users, {} items, {} events generated in {} ms, imported in {} ms",
        shop.users(), shop.items(), shop.events(), generateMillis, importMillis);

    List<StageResult> stages = new ArrayList<>();
    double loadBefore = OS.getSystemLoadAverage();
    long previousOut = 0;
    try (MemorySampler memory = new MemorySampler()) {
      for (String stage : Pipeline.STAGES) {
        System.gc(); // start each stage from the live set, not from the previous stage's garbage
        memory.reset();
        long start = System.nanoTime();
        long cpuStart = OS.getProcessCpuTime();
        RunReport report = Pipeline.runStage(stage, ctx, date);
        long millis = (System.nanoTime() - start) / 1_000_000;
        long cpuMillis = (OS.getProcessCpuTime() - cpuStart) / 1_000_000;
        long[] peaks = memory.peaks();
        long[] inOut = rowsInOut(ctx.lake(), report, date, previousOut);
        previousOut = inOut[1];
        stages.add(new StageResult(stage, report.status(), millis, cpuMillis, inOut[0], inOut[1], peaks[0], peaks[1]));
        LOG.info("bench pipeline: {} {} ms ({} ms CPU), rows in {}, out {}", stage, millis, cpuMillis, inOut[0], inOut[1]);
        if (RunReport.STATUS_NO_DATA.equals(report.status())
            && !stage.equals(IngestStage.NAME) && !stage.equals(EmbedItemsStage.NAME)) {
          break; // as `nightly` does
        }
      }
    }
    return new Result(params, shop, generateMillis, importMillis, stages, loadBefore, OS.getSystemLoadAverage(),
        Runtime.getRuntime().availableProcessors());
  }

  /**
   * Rows in and out of a stage, from its run report: ingest raw events due → events accepted;
   * embed-items items → items embedded; interactions events in the window → (user, item) pairs;
   * profiles those pairs → users with a profile; train interaction rows → user + item factor rows;
   * recommend users → list rows.
   */
  static long[] rowsInOut(Lakehouse lake, RunReport r, LocalDate date, long previousOut) {
    return switch (r.stage()) {
      case IngestStage.NAME -> new long[] {r.rowsIn(), r.rowsAccepted()};
      case EmbedItemsStage.NAME -> new long[] {r.rowsIn(), detail(r, "embedded")};
      case InteractionsStage.NAME -> new long[] {r.rowsIn(), detail(r, "pairs")};
      case ProfilesStage.NAME -> new long[] {previousOut, r.rowsAccepted()};
      case TrainStage.NAME -> new long[] {r.rowsIn(), factorRows(lake, Tables.ALS_USER_FACTORS, date) + factorRows(lake, Tables.ALS_ITEM_FACTORS, date)};
      case RecommendStage.NAME -> new long[] {r.rowsIn(), detail(r, "rows")};
      default -> new long[] {r.rowsIn(), r.rowsAccepted()};
    };
  }

  private static long detail(RunReport r, String key) {
    String v = r.details().get(key);
    return v == null ? 0 : Long.parseLong(v);
  }

  private static long factorRows(Lakehouse lake, String table, LocalDate date) {
    return lake.exists(table) ? lake.read(table).where(col("run_date").equalTo(java.sql.Date.valueOf(date))).count() : 0;
  }

  /** The table, the setup times, and the last line. */
  public static void print(Result r, PrintStream out) {
    out.printf(Locale.ROOT, "Synthetic shop: %,d users, %,d items, %,d events (%,d malformed) over %d days; generated in %.1fs,"
            + " imported in %.1fs (not counted below)%n%n",
        r.shop().users(), r.shop().items(), r.shop().events(), r.shop().malformedEvents(), DAYS,
        r.generateMillis() / 1000.0, r.importMillis() / 1000.0);
    List<List<String>> rows = new ArrayList<>();
    for (StageResult s : r.stages()) {
      rows.add(List.of(s.stage(), String.format(Locale.ROOT, "%.1f", s.millis() / 1000.0),
          String.format(Locale.ROOT, "%.1f", s.cpuMillis() / 1000.0),
          String.format(Locale.ROOT, "%.1f%%", r.sharePercent(s)),
          String.format(Locale.ROOT, "%,d", s.rowsIn()), String.format(Locale.ROOT, "%,d", s.rowsOut()),
          String.format(Locale.ROOT, "%,.0f", s.rowsPerSecond()), mib(s.peakHeapBytes()), mib(s.peakRssBytes())));
    }
    rows.add(List.of("total", String.format(Locale.ROOT, "%.1f", r.totalMillis() / 1000.0),
        String.format(Locale.ROOT, "%.1f", r.stages().stream().mapToLong(StageResult::cpuMillis).sum() / 1000.0),
        "100.0%", "", "", "", "", ""));
    TablePrinter.aligned(out, List.of("stage", "seconds", "cpu s", "share", "rows in", "rows out", "rows/s (in)",
        "peak heap MiB", "peak RSS MiB"), rows);
    out.printf(Locale.ROOT, "(share = of the wall time; cpu s = process CPU time, all threads; %d cores; load average %.1f"
        + " before, %.1f after)%n", r.cores(), r.loadBefore(), r.loadAfter());
    out.println();
    out.println(r.lastLine());
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", bytes / (1024 * 1024));
  }

  /** Samples heap use and RSS every {@value #SAMPLE_MILLIS} ms; keeps the peaks since the last reset. */
  static final class MemorySampler implements AutoCloseable {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong peakHeap = new AtomicLong();
    private final AtomicLong peakRss = new AtomicLong(-1);
    private volatile boolean hwmReset;
    private volatile boolean running = true;
    private final Thread thread;

    MemorySampler() {
      thread = new Thread(this::loop, "nightjar-bench-memory");
      thread.setDaemon(true);
      thread.start();
    }

    private void loop() {
      while (running) {
        sample();
        try {
          Thread.sleep(SAMPLE_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private void sample() {
      peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
      long rss = statusKb("VmRSS:");
      if (rss >= 0) {
        peakRss.accumulateAndGet(rss * 1024, Math::max);
      }
    }

    void reset() {
      peakHeap.set(0);
      peakRss.set(-1);
      try {
        Files.writeString(CLEAR_REFS, "5"); // resets VmHWM to the current RSS (Linux >= 4.0)
        hwmReset = true;
      } catch (IOException | UnsupportedOperationException | SecurityException e) {
        hwmReset = false;
      }
      sample();
    }

    /** {peak heap used, peak RSS} since the last reset, bytes (-1 when unknown). */
    long[] peaks() {
      sample();
      long rss = peakRss.get();
      if (hwmReset) {
        long hwm = statusKb("VmHWM:");
        if (hwm >= 0) {
          rss = Math.max(rss, hwm * 1024);
        }
      }
      return new long[] {peakHeap.get(), rss};
    }

    private static long statusKb(String key) {
      try {
        for (String line : Files.readAllLines(STATUS)) {
          if (line.startsWith(key)) {
            return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
          }
        }
      } catch (IOException | RuntimeException e) {
        return -1;
      }
      return -1;
    }

    @Override
    public void close() {
      running = false;
      thread.interrupt();
    }
  }
}
