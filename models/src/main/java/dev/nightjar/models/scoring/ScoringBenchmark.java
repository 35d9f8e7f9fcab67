package dev.nightjar.models.scoring;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nightjar's {@link BlockwiseTopKScorer} against MLlib's {@code ALSModel.recommendForAllUsers} on
 * the same random factors in the same process, with an agreement check and a single-thread sgemm
 * for scale.
 *
 * <p>Timed: Nightjar's rows computed into Spark's {@code noop} sink (then computed again, cached,
 * for the check); MLlib's lists computed and cached ({@code persist} + {@code count}, once, since a
 * second MLlib run costs minutes at full size). The sgemm rate is per second of the thread's CPU
 * time, so that it states what one core can do even on a shared, loaded machine; Nightjar's rate
 * is per second of wall time.
 *
 * <pre>{@code
 * ScoringBenchmark.Result r = ScoringBenchmark.run(spark, new ScoringBenchmark.Params(100_000, 50_000, 64, 100, 42));
 * log.info(r.line()); // scoring: nightjar 9.8s, mllib 281.2s, speedup 28.7, agree true, gflops 65.3, sgemm-share 45%
 * }</pre>
 */
public final class ScoringBenchmark {
  /**
   * Benchmark size.
   *
   * @param users number of users
   * @param items number of items
   * @param rank factor length d
   * @param k list length
   * @param seed seeds the Gaussian factors
   */
  public record Params(int users, int items, int rank, int k, long seed) {
    public Params {
      if (users < 1 || items < 1 || rank < 1) {
        throw new IllegalArgumentException(
            "users, items and rank must be at least 1, got " + users + ", " + items + ", " + rank);
      }
      if (k < 1 || k > TopKParams.MAX_K) {
        throw new IllegalArgumentException("k must be between 1 and " + TopKParams.MAX_K + ", got " + k);
      }
    }
  }

  /**
   * Measurements of one run.
   *
   * @param nightjarSeconds wall time of Nightjar's scorer
   * @param mllibSeconds wall time of {@code recommendForAllUsers}
   * @param agree whether every list matched, allowing only near-equal scores to swap
   * @param nightjarGflops {@code 2·users·items·rank} FLOP over Nightjar's time
   * @param sgemmGflops single-thread matrix product rate (per CPU second) of the same Vector API
   *     micro-kernel
   * @param cores cores the Spark session runs tasks on
   */
  public record Result(
      double nightjarSeconds, double mllibSeconds, boolean agree, double nightjarGflops, double sgemmGflops,
      int cores) {
    public double speedup() {
      return mllibSeconds / nightjarSeconds;
    }

    /** Nightjar's rate as a share of {@code cores} × the single-thread sgemm rate. */
    public double sgemmShare() {
      return nightjarGflops / (sgemmGflops * cores);
    }

    /** {@code scoring: nightjar 9.8s, mllib 281.2s, speedup 28.7, agree true, gflops 65.3, sgemm-share 45%}. */
    public String line() {
      return String.format(Locale.ROOT,
          "scoring: nightjar %.1fs, mllib %.1fs, speedup %.1f, agree %b, gflops %.1f, sgemm-share %.0f%%",
          nightjarSeconds, mllibSeconds, speedup(), agree, nightjarGflops, 100 * sgemmShare());
    }
  }

  /**
   * Scores at the same rank may differ by this much relative to {@code max(1, |score|)}: the two
   * sides sum the same float products in different orders (rounding up to ~d·2⁻²⁴ of the sum of
   * absolute products, which for top scores of Gaussian factors stays well below 10⁻⁵ × the score).
   */
  static final double SCORE_TOLERANCE = 1e-5;
  /** Users and items of the single-thread sgemm. */
  static final int SGEMM_SIZE = 1024;

  private static final StructType FACTORS = new StructType()
      .add(BlockwiseTopKScorer.ID, DataTypes.IntegerType, false)
      .add(BlockwiseTopKScorer.FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), false);
  private static final String RECOMMENDATIONS = "recommendations";
  private static final Logger LOG = LoggerFactory.getLogger(ScoringBenchmark.class);

  private ScoringBenchmark() {}

  /** Runs both scorers on the same seeded factors and measures the single-thread sgemm. */
  public static Result run(SparkSession spark, Params p) {
    int cores = cores(spark.sparkContext());
    LOG.info("scoring benchmark: {} users × {} items, rank {}, top-{}, seed {}, {} cores",
        p.users(), p.items(), p.rank(), p.k(), p.seed(), cores);
    Dataset<Row> users = randomFactors(spark, p.users(), p.rank(), p.seed()).persist();
    Dataset<Row> items = randomFactors(spark, p.items(), p.rank(), ~p.seed()).persist();
    Dataset<Row> ours = null;
    Dataset<Row> mllib = null;
    try {
      LOG.info("factors ready: {} users, {} items", users.count(), items.count());

      TopKParams params = TopKParams.of(p.k(), TopKParams.Metric.DOT);
      long start = System.nanoTime();
      BlockwiseTopKScorer.topK(users, items, null, params).write().format("noop").mode("overwrite").save();
      double nightjarSeconds = secondsSince(start);
      LOG.info("nightjar: {} s", nightjarSeconds);

      ALSModel model = new ALSModel("nightjar-scoring-benchmark", p.rank(), users, items)
          .setUserCol(BlockwiseTopKScorer.USER)
          .setItemCol(BlockwiseTopKScorer.ITEM);
      start = System.nanoTime();
      mllib = model.recommendForAllUsers(p.k()).persist();
      long mllibUsers = mllib.count();
      double mllibSeconds = secondsSince(start);
      LOG.info("mllib: {} users in {} s", mllibUsers, mllibSeconds);

      ours = BlockwiseTopKScorer.topK(users, items, null, params).persist();
      boolean agree = disagreements(ours, mllib) == 0;
      double sgemm = singleThreadSgemmGflops(p.rank(), p.seed());
      double gflops = 2.0 * p.users() * p.items() * p.rank() / nightjarSeconds / 1e9;
      return new Result(nightjarSeconds, mllibSeconds, agree, gflops, sgemm, cores);
    } finally {
      if (ours != null) {
        ours.unpersist();
      }
      if (mllib != null) {
        mllib.unpersist();
      }
      users.unpersist();
      items.unpersist();
    }
  }

  /**
   * Number of (user, rank) slots where the lists disagree: a slot present on one side only, or
   * scores further apart than {@link #SCORE_TOLERANCE}. A different item at a rank is accepted only
   * with such an equal score (a tie or near-tie broken the other way).
   *
   * @param ours {@code user, item, score, rank}
   * @param mllib {@code user, recommendations: array<struct<item, rating>>}
   */
  static long disagreements(Dataset<Row> ours, Dataset<Row> mllib) {
    Dataset<Row> theirs = mllib
        .select(col(BlockwiseTopKScorer.USER).as("m_user"), posexplode(col(RECOMMENDATIONS)))
        .select(col("m_user"), col("pos").plus(1).as("m_rank"),
            col("col." + BlockwiseTopKScorer.ITEM).as("m_item"), col("col.rating").as("m_score"));
    Dataset<Row> slots = ours.join(theirs,
        ours.col(BlockwiseTopKScorer.USER).equalTo(col("m_user"))
            .and(ours.col(BlockwiseTopKScorer.RANK).equalTo(col("m_rank"))),
        "full_outer");
    Column missing = col(BlockwiseTopKScorer.ITEM).isNull().or(col("m_item").isNull());
    Column apart = abs(col(BlockwiseTopKScorer.SCORE).minus(col("m_score")))
        .gt(greatest(lit(1.0), abs(col("m_score"))).multiply(SCORE_TOLERANCE));
    Column swapped = col(BlockwiseTopKScorer.ITEM).notEqual(col("m_item"));
    Column bad = missing.or(apart);
    Row counts = slots.agg(
        sum(lit(1L)),
        sum(when(bad, 1L).otherwise(0L)),
        sum(when(bad, 0L).when(swapped, 1L).otherwise(0L))).first();
    long total = counts.isNullAt(0) ? 0 : counts.getLong(0);
    long disagreeing = counts.isNullAt(1) ? 0 : counts.getLong(1);
    LOG.info("agreement: {} (user, rank) slots, {} disagree, {} hold another item with an equal score",
        total, disagreeing, counts.isNullAt(2) ? 0 : counts.getLong(2));
    return disagreeing;
  }

  /** {@code id INT, features ARRAY<FLOAT>}: ids 0..rows-1, N(0, 1) entries seeded per row. */
  static Dataset<Row> randomFactors(SparkSession spark, int rows, int rank, long seed) {
    int partitions = spark.sparkContext().defaultParallelism();
    return spark.range(0, rows, 1, partitions).map((MapFunction<Long, Row>) id -> {
      SplittableRandom random = new SplittableRandom(new SplittableRandom(seed ^ id).nextLong());
      float[] vector = new float[rank];
      for (int j = 0; j < rank; j++) {
        vector[j] = (float) random.nextGaussian();
      }
      return RowFactory.create(id.intValue(), vector);
    }, Encoders.row(FACTORS));
  }

  /**
   * GFLOP/s per CPU second of one thread multiplying {@link #SGEMM_SIZE} users by
   * {@code SGEMM_SIZE} items at this rank with the kernel's register blocking (4 users × 2 vectors
   * of items), scores stored: 0.5 s of warm-up, then at least 1 s measured.
   */
  static double singleThreadSgemmGflops(int rank, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] users = new float[SGEMM_SIZE * rank];
    float[] items = new float[SGEMM_SIZE * rank];
    for (int i = 0; i < users.length; i++) {
      users[i] = (float) random.nextGaussian();
      items[i] = (float) random.nextGaussian();
    }
    ItemBlock block = ItemBlock.pack(items, IntStream.range(0, SGEMM_SIZE).toArray(), rank);
    float[] scores = new float[SGEMM_SIZE * SGEMM_SIZE];
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long warmUp = threads.getCurrentThreadCpuTime();
    while (threads.getCurrentThreadCpuTime() - warmUp < 500_000_000L) {
      sgemm(users, block, scores);
    }
    int reps = 0;
    long start = threads.getCurrentThreadCpuTime();
    long cpuNanos;
    do {
      sgemm(users, block, scores);
      reps++;
      cpuNanos = threads.getCurrentThreadCpuTime() - start;
    } while (cpuNanos < 1_000_000_000L);
    double gflops = 2.0 * SGEMM_SIZE * SGEMM_SIZE * rank * reps / cpuNanos;
    LOG.info("single-thread sgemm {}×{}×{}: {} GFLOP/s (checksum {})",
        SGEMM_SIZE, SGEMM_SIZE, rank, gflops, scores[scores.length - 1]);
    return gflops;
  }

  /** {@code scores = users · itemsᵀ} ({@code SGEMM_SIZE} × {@code SGEMM_SIZE}, row-major). */
  private static void sgemm(float[] users, ItemBlock items, float[] scores) {
    int d = items.dim();
    int m = items.size();
    int panel = TopKKernel.PANEL;
    int lanes = TopKKernel.LANES;
    for (int u = 0; u < SGEMM_SIZE; u += 4) {
      for (int start = 0, base = 0; start < m; start += panel, base += d * panel) {
        FloatVector s00 = FloatVector.zero(TopKKernel.SPECIES);
        FloatVector s01 = s00;
        FloatVector s10 = s00;
        FloatVector s11 = s00;
        FloatVector s20 = s00;
        FloatVector s21 = s00;
        FloatVector s30 = s00;
        FloatVector s31 = s00;
        for (int j = 0; j < d; j++) {
          int row = base + j * panel;
          FloatVector b0 = FloatVector.fromArray(TopKKernel.SPECIES, items.packed, row);
          FloatVector b1 = FloatVector.fromArray(TopKKernel.SPECIES, items.packed, row + lanes);
          FloatVector a = FloatVector.broadcast(TopKKernel.SPECIES, users[u * d + j]);
          s00 = a.fma(b0, s00);
          s01 = a.fma(b1, s01);
          a = FloatVector.broadcast(TopKKernel.SPECIES, users[(u + 1) * d + j]);
          s10 = a.fma(b0, s10);
          s11 = a.fma(b1, s11);
          a = FloatVector.broadcast(TopKKernel.SPECIES, users[(u + 2) * d + j]);
          s20 = a.fma(b0, s20);
          s21 = a.fma(b1, s21);
          a = FloatVector.broadcast(TopKKernel.SPECIES, users[(u + 3) * d + j]);
          s30 = a.fma(b0, s30);
          s31 = a.fma(b1, s31);
        }
        int out = u * m + start;
        s00.intoArray(scores, out);
        s01.intoArray(scores, out + lanes);
        s10.intoArray(scores, out + m);
        s11.intoArray(scores, out + m + lanes);
        s20.intoArray(scores, out + 2 * m);
        s21.intoArray(scores, out + 2 * m + lanes);
        s30.intoArray(scores, out + 3 * m);
        s31.intoArray(scores, out + 3 * m + lanes);
      }
    }
  }

  /** Task slots of a local master ({@code local}, {@code local[n]}, {@code local[*]}), capped by the default parallelism. */
  static int cores(SparkContext sc) {
    Matcher local = Pattern.compile("local(?:\\[(\\d+|\\*)(?:,\\d+)?])?").matcher(sc.master());
    int slots = !local.matches() ? sc.defaultParallelism()
        : local.group(1) == null ? 1
        : local.group(1).equals("*") ? Runtime.getRuntime().availableProcessors()
        : Integer.parseInt(local.group(1));
    return Math.max(1, Math.min(slots, sc.defaultParallelism()));
  }

  private static double secondsSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
