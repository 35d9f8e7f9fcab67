package dev.nightjar.models.itemitem;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.ludovic.netlib.lapack.LAPACK;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.SchemaCheck;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.netlib.util.intW;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): the closed-form
 * item-item model {@code B = I − P·diag(1/diag(P))}, {@code P = (XᵀX + λI)⁻¹}, i.e.
 * {@code B[i][j] = −P[i][j] / P[j][j]} off the diagonal and {@code B[j][j] = 0}; a user's score for
 * item {@code j} is {@code Σ_i X[u][i]·B[i][j]}.
 *
 * <p><b>Where the work happens.</b> The Gram matrix {@code G = XᵀX} is computed on the executors
 * with built-in Spark SQL (a self-join of the interactions on the user, summed per item pair; only
 * pairs that co-occur produce rows, and only the upper triangle is built). G (n × n, bounded by the
 * guard below) is streamed to the driver, λ is added to its diagonal, and it is inverted there by a
 * Cholesky factorisation (LAPACK {@code dpotrf}/{@code dpotri} through netlib, native when the
 * machine has a LAPACK library, pure Java otherwise).
 *
 * <p><b>Memory guard.</b> The dense matrices cost about {@link EaseParams#driverBytes(int)}
 * ({@code n² × 24} bytes) on the driver. When the interactions hold more than
 * {@link EaseParams#maxItems()} distinct items, EASE covers the {@code maxItems} items with most
 * users (ties by lower index) and logs at WARN "EASE covers N of M items …; the other M−N fall to
 * ALS/content"; users and items outside are simply absent from its output. If even the covered
 * items would exceed {@link EaseParams#driverBudgetBytes()}, {@link #fit} refuses with an
 * {@link IllegalArgumentException} naming the estimate, the budget and the largest {@code maxItems}
 * that fits.
 *
 * <p>Scoring every user is {@link EaseModel#recommend}: exact top-n with the blockwise top-k
 * scorer, seen items excluded, plus the "because" item of each recommendation.
 *
 * <pre>{@code
 * // the same frame ALS trains on: user_idx INT, item_idx INT, weight DOUBLE
 * try (EaseModel ease = Ease.fit(indexedInteractions, EaseParams.defaults())) {
 *   LOG.info(ease.coverage().message());
 *   Dataset<Row> recs = ease.recommend(indexedInteractions, null, 100);
 *   // user_idx INT, item_idx INT, score DOUBLE, rank INT, because_item_idx INT
 *   recs.write().format("delta").mode("overwrite").save(path); // compute the result before closing the model
 * }
 * }</pre>
 */
public final class Ease {
  /** The blend source name of EASE candidates. */
  public static final String SOURCE = "ease";

  static final String VALUE = "value";
  static final String POSITION = "pos";
  private static final String USERS = "users";
  private static final String JOB_DESCRIPTION = "spark.job.description";
  private static final Logger LOG = LoggerFactory.getLogger(Ease.class);

  private Ease() {}

  /**
   * Learns B from indexed interactions.
   *
   * @param indexedInteractions {@code user_idx INT, item_idx INT, weight DOUBLE} (rows with a null
   *     or a weight ≤ 0 are ignored; several rows of one pair are summed)
   * @throws IllegalArgumentException when a column is missing or mistyped, or when the covered items
   *     would need more driver memory than {@link EaseParams#driverBudgetBytes()}
   */
  public static EaseModel fit(Dataset<Row> indexedInteractions, EaseParams params) {
    checkInteractions(indexedInteractions, "EASE interactions");
    SparkSession spark = indexedInteractions.sparkSession();
    SparkContext sc = spark.sparkContext();
    Dataset<Row> x = values(indexedInteractions, params).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> activity = x.groupBy(Columns.ITEM_IDX).agg(count(lit(1)).as(USERS));
      long catalogue = described(sc, "Nightjar EASE: count items", activity::count);
      int n = (int) Math.min(catalogue, params.maxItems());
      if (EaseParams.driverBytes(n) > params.driverBudgetBytes()) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "EASE over %d items needs about %d MiB on the driver (%d² × %d bytes), more than "
                + "nightjar.ease.driverBudgetBytes = %d MiB; set nightjar.ease.maxItems to at most %d "
                + "(the rest falls to ALS/content) or raise nightjar.ease.driverBudgetBytes (and the driver's memory)",
            n, EaseParams.driverBytes(n) >> 20, n, EaseParams.DRIVER_BYTES_PER_ITEM_PAIR,
            params.driverBudgetBytes() >> 20, params.itemsWithinBudget()));
      }
      EaseModel.Coverage coverage = new EaseModel.Coverage(n, catalogue, params.maxItems());
      if (coverage.complete()) {
        LOG.info(coverage.message());
      } else {
        LOG.warn(coverage.message());
      }
      if (n == 0) {
        return new EaseModel(new EaseWeights(new int[0], new float[0]), coverage, params);
      }
      int[] items = described(sc, "Nightjar EASE: pick the " + n + " most active items", () ->
          activity.orderBy(col(USERS).desc(), col(Columns.ITEM_IDX).asc()).limit(n).select(Columns.ITEM_IDX)
              .collectAsList().stream().mapToInt(r -> r.getInt(0)).sorted().toArray());
      double[] gram = described(sc, "Nightjar EASE: Gram matrix of " + n + " items", () ->
          gram(positioned(x, items, spark), n));
      long started = System.nanoTime();
      EaseWeights weights = new EaseWeights(items, weightsFromGram(gram, n, params.lambda()));
      LOG.info("EASE {}: B over {} items (λ {}) inverted on the driver in {} ms with {}", params.versionTag(), n,
          params.lambda(), (System.nanoTime() - started) / 1_000_000, LAPACK.getInstance().getClass().getSimpleName());
      return new EaseModel(weights, coverage, params);
    } finally {
      x.unpersist();
    }
  }

  /**
   * B from the Gram matrix, in plain Java + LAPACK: adds λ to the diagonal, inverts by Cholesky and
   * scales the columns. Exposed for tests and benchmarks.
   *
   * @param gram {@code n × n} XᵀX, symmetric (column- or row-major alike); overwritten
   * @return B as {@code n × n} floats, column-major ({@code [j·n + i] = B[i][j]}), zero diagonal
   */
  static float[] weightsFromGram(double[] gram, int n, double lambda) {
    for (int j = 0; j < n; j++) {
      gram[j * n + j] += lambda;
    }
    LAPACK lapack = LAPACK.getInstance();
    intW info = new intW(0);
    lapack.dpotrf("U", n, gram, Math.max(1, n), info);
    if (info.val != 0) {
      throw new IllegalStateException("EASE: XᵀX + λI is not positive definite (dpotrf info " + info.val
          + "); λ must be > 0 and the weights finite");
    }
    lapack.dpotri("U", n, gram, Math.max(1, n), info);
    if (info.val != 0) {
      throw new IllegalStateException("EASE: inverting XᵀX + λI failed (dpotri info " + info.val + ")");
    }
    // dpotri leaves P in the upper triangle: P[i][j] = gram[i + j·n] for i ≤ j.
    float[] b = new float[n * n];
    for (int j = 0; j < n; j++) {
      double pjj = gram[j + j * n];
      for (int i = 0; i < n; i++) {
        if (i != j) {
          double pij = i < j ? gram[i + j * n] : gram[j + i * n];
          b[j * n + i] = (float) (-pij / pjj) + 0f; // + 0f: no −0, so exact zeros tie with zeros
        }
      }
    }
    return b;
  }

  /** {@code user_idx, item_idx, value}: one row per pair, value 1 (binarized) or the summed weight. */
  static Dataset<Row> values(Dataset<Row> indexedInteractions, EaseParams params) {
    Dataset<Row> pairs = indexedInteractions
        .where(col(Columns.USER_IDX).isNotNull().and(col(Columns.ITEM_IDX).isNotNull())
            .and(col(Columns.WEIGHT).gt(0)))
        .groupBy(Columns.USER_IDX, Columns.ITEM_IDX)
        .agg(sum(Columns.WEIGHT).as(VALUE));
    return params.binarize() ? pairs.withColumn(VALUE, lit(1.0)) : pairs;
  }

  /** {@code user_idx, item_idx, pos, value} for the covered items (a broadcast join with their positions). */
  static Dataset<Row> positioned(Dataset<Row> values, int[] items, SparkSession spark) {
    List<Row> rows = new ArrayList<>(items.length);
    for (int p = 0; p < items.length; p++) {
      rows.add(RowFactory.create(items[p], p));
    }
    StructType schema = new StructType()
        .add(Columns.ITEM_IDX, DataTypes.IntegerType, false)
        .add(POSITION, DataTypes.IntegerType, false);
    return values.join(broadcast(spark.createDataFrame(rows, schema)), Columns.ITEM_IDX);
  }

  /** XᵀX over positions: summed on the executors per pair (i ≤ j), filled in symmetrically here. */
  private static double[] gram(Dataset<Row> positioned, int n) {
    Dataset<Row> a = positioned.select(col(Columns.USER_IDX), col(POSITION).as("i"), col(VALUE).as("vi"));
    Dataset<Row> b = positioned.select(col(Columns.USER_IDX), col(POSITION).as("j"), col(VALUE).as("vj"));
    Iterator<Row> pairs = a.join(b, Columns.USER_IDX)
        .where(col("i").leq(col("j")))
        .groupBy("i", "j")
        .agg(sum(col("vi").multiply(col("vj"))).as("g"))
        .toLocalIterator();
    double[] gram = new double[Math.multiplyExact(n, n)];
    long entries = 0;
    while (pairs.hasNext()) {
      Row row = pairs.next();
      int i = row.getInt(0);
      int j = row.getInt(1);
      double g = row.getDouble(2);
      gram[i + j * n] = g;
      gram[j + i * n] = g;
      entries++;
    }
    LOG.info("EASE Gram matrix: {} of {} upper-triangle entries non-zero", entries, (long) n * (n + 1) / 2);
    return gram;
  }

  static void checkInteractions(Dataset<Row> interactions, String what) {
    SchemaCheck.require(interactions, what, SchemaCheck.columns(
        Columns.USER_IDX, DataTypes.IntegerType,
        Columns.ITEM_IDX, DataTypes.IntegerType,
        Columns.WEIGHT, DataTypes.DoubleType));
  }

  /** Runs {@code body} with a Spark job description, so the UI says which step runs. */
  static <T> T described(SparkContext sc, String description, Supplier<T> body) {
    String previous = sc.getLocalProperty(JOB_DESCRIPTION);
    sc.setJobDescription(description);
    try {
      return body.get();
    } finally {
      sc.setLocalProperty(JOB_DESCRIPTION, previous);
    }
  }
}
