package dev.nightjar.models.itemitem;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.struct;

import dev.nightjar.models.scoring.BlockwiseTopKScorer;
import dev.nightjar.models.scoring.TopKParams;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.SchemaCheck;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
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
 * A fitted {@link Ease} model: the weights B over the covered items ({@link #weights()}), what it
 * covers ({@link #coverage()}), and scoring of all users ({@link #recommend}).
 *
 * <p>B lives on the driver (bounded by the memory guard) and is broadcast once, on the first
 * {@link #recommend}; {@link #close()} releases the broadcast — call it only after the returned
 * Datasets have been computed (written, collected), since they read it lazily.
 *
 * <pre>{@code
 * try (EaseModel ease = Ease.fit(indexedInteractions, EaseParams.defaults())) {
 *   Dataset<Row> recs = ease.recommend(indexedInteractions, purchasedIdx, 100);
 *   recs.write().format("delta").save(path); // user_idx, item_idx, score, rank, because_item_idx
 * }
 * }</pre>
 */
public final class EaseModel implements AutoCloseable {
  /** The schema of {@link #recommend}'s result. */
  public static final StructType OUTPUT_SCHEMA = new StructType()
      .add(Columns.USER_IDX, DataTypes.IntegerType, false)
      .add(Columns.ITEM_IDX, DataTypes.IntegerType, false)
      .add(Columns.SCORE, DataTypes.DoubleType, false)
      .add(Columns.RANK, DataTypes.IntegerType, false)
      .add(Columns.BECAUSE_ITEM_IDX, DataTypes.IntegerType, false);

  private static final String HISTORY = "history";
  private static final StructType FACTORS = new StructType()
      .add(BlockwiseTopKScorer.ID, DataTypes.IntegerType, false)
      .add(BlockwiseTopKScorer.FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), false);
  private static final Logger LOG = LoggerFactory.getLogger(EaseModel.class);

  private final EaseWeights weights;
  private final Coverage coverage;
  private final EaseParams params;
  private Broadcast<EaseWeights> broadcast;

  EaseModel(EaseWeights weights, Coverage coverage, EaseParams params) {
    this.weights = weights;
    this.coverage = coverage;
    this.params = params;
  }

  /**
   * How many items EASE covers out of how many the interactions hold.
   *
   * @param coveredItems items in B (the most active ones when the catalogue is cut)
   * @param catalogueItems distinct items in the interactions
   * @param maxItems the {@code nightjar.ease.maxItems} in force
   */
  public record Coverage(int coveredItems, long catalogueItems, int maxItems) {
    /** Whether every item of the interactions is covered. */
    public boolean complete() {
      return coveredItems == catalogueItems;
    }

    /** The line logged by {@link Ease#fit}. */
    public String message() {
      return complete()
          ? String.format(Locale.ROOT, "EASE covers all %d items (nightjar.ease.maxItems = %d)", coveredItems, maxItems)
          : String.format(Locale.ROOT,
              "EASE covers %d of %d items (the most active by users; nightjar.ease.maxItems = %d); "
                  + "the other %d fall to ALS/content",
              coveredItems, catalogueItems, maxItems, catalogueItems - coveredItems);
    }
  }

  public Coverage coverage() {
    return coverage;
  }

  public EaseParams params() {
    return params;
  }

  /** B over the covered items (driver side). */
  public EaseWeights weights() {
    return weights;
  }

  /**
   * B[from → to] by item index: how much having {@code fromItem} adds to {@code toItem}'s score;
   * 0 on the diagonal.
   *
   * @throws IllegalArgumentException when EASE does not cover one of them
   */
  public double weight(int fromItem, int toItem) {
    int i = weights.position(fromItem);
    int j = weights.position(toItem);
    if (i < 0 || j < 0) {
      throw new IllegalArgumentException("EASE does not cover item " + (i < 0 ? fromItem : toItem));
    }
    return weights.weightAt(i, j);
  }

  /**
   * The top-{@code n} covered items of every user with at least one covered item, by
   * {@code score(u, j) = Σ_i X[u][i]·B[i][j]} (X binarized or weighted as in {@link EaseParams}),
   * computed exactly by {@link BlockwiseTopKScorer} (dense user rows over the covered items against
   * the columns of B, about {@code 2·n_items²} flops per user). The user's seen items (every item
   * of {@code indexedInteractions}) and the {@code exclusions} never appear.
   *
   * <p>Each row also names the "because" item: the user's seen item contributing most to the
   * score, {@code argmax_i X[u][i]·B[i][j]} (ties: lower index), found for the final rows only
   * ({@code n × history} work per user) with the broadcast B.
   *
   * @param indexedInteractions {@code user_idx INT, item_idx INT, weight DOUBLE}, usually the frame
   *     the model was fitted on (it is read twice: cache it when it is expensive)
   * @param exclusions null, or {@code user_idx INT, item_idx INT}: more items never to recommend
   *     to that user (e.g. blocklisted, unavailable)
   * @param n list length, 1..{@value TopKParams#MAX_K}
   * @return {@link #OUTPUT_SCHEMA}: {@code user_idx, item_idx, score DOUBLE, rank INT} (1 = best;
   *     score descending, then item index ascending), {@code because_item_idx INT}
   */
  public Dataset<Row> recommend(Dataset<Row> indexedInteractions, Dataset<Row> exclusions, int n) {
    Ease.checkInteractions(indexedInteractions, "EASE interactions");
    if (exclusions != null) {
      SchemaCheck.require(exclusions, "EASE exclusions", SchemaCheck.columns(
          Columns.USER_IDX, DataTypes.IntegerType, Columns.ITEM_IDX, DataTypes.IntegerType));
    }
    if (n < 1 || n > TopKParams.MAX_K) {
      throw new IllegalArgumentException("n must be in 1.." + TopKParams.MAX_K + ", got " + n);
    }
    SparkSession spark = indexedInteractions.sparkSession();
    if (weights.size() == 0) {
      return spark.createDataFrame(List.of(), OUTPUT_SCHEMA);
    }
    Broadcast<EaseWeights> b = broadcast(spark);
    Dataset<Row> values = Ease.values(indexedInteractions, params);
    Dataset<Row> history = Ease.positioned(values, weights.items(), spark)
        .groupBy(Columns.USER_IDX)
        .agg(array_sort(collect_list(struct(col(Ease.POSITION), col(Ease.VALUE)))).as(HISTORY));
    Dataset<Row> users = history.map(new DenseUserRow(weights.size()), Encoders.row(FACTORS));
    Dataset<Row> items = spark.range(0, weights.size(), 1, spark.sparkContext().defaultParallelism())
        .mapPartitions(new WeightColumns(b), Encoders.row(FACTORS));
    Dataset<Row> seenOnly = values.select(col(Columns.USER_IDX).as(BlockwiseTopKScorer.USER), col(Columns.ITEM_IDX).as(BlockwiseTopKScorer.ITEM));
    Dataset<Row> seen = exclusions == null ? seenOnly : seenOnly.unionByName(exclusions.select(
        col(Columns.USER_IDX).as(BlockwiseTopKScorer.USER), col(Columns.ITEM_IDX).as(BlockwiseTopKScorer.ITEM)));
    LOG.info("EASE {}: top-{} for every user over {} covered items", params.versionTag(), n, weights.size());
    Dataset<Row> top = Ease.described(spark.sparkContext(), "Nightjar EASE: read B's columns for top-" + n,
        () -> BlockwiseTopKScorer.topK(users, items, seen, TopKParams.of(n, TopKParams.Metric.DOT)));
    // top derives from history, so join by column name (a condition on both sides' columns is ambiguous)
    return top.withColumnRenamed(BlockwiseTopKScorer.USER, Columns.USER_IDX)
        .join(history, Columns.USER_IDX)
        .select(col(Columns.USER_IDX), col(BlockwiseTopKScorer.ITEM), col(BlockwiseTopKScorer.SCORE),
            col(BlockwiseTopKScorer.RANK), col(HISTORY))
        .map(new BecauseItem(b), Encoders.row(OUTPUT_SCHEMA));
  }

  /** Releases the broadcast B; Datasets from {@link #recommend} cannot be computed afterwards. */
  @Override
  public synchronized void close() {
    if (broadcast != null) {
      broadcast.destroy();
      broadcast = null;
    }
  }

  private synchronized Broadcast<EaseWeights> broadcast(SparkSession spark) {
    if (broadcast == null) {
      broadcast = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(weights);
      LOG.info("EASE: broadcast B over {} items ({} MiB)", weights.size(), 4L * weights.size() * weights.size() >> 20);
    }
    return broadcast;
  }

  /** A user's history {@code [(pos, value), …]} as a dense row over the covered items. */
  private static final class DenseUserRow implements MapFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final int size;

    DenseUserRow(int size) {
      this.size = size;
    }

    @Override
    public Row call(Row row) {
      float[] dense = new float[size];
      for (Row entry : row.<Row>getList(1)) {
        dense[entry.getInt(0)] = (float) entry.getDouble(1);
      }
      return RowFactory.create(row.getInt(0), dense);
    }
  }

  /** Emits {@code (item index, column of B)} for the positions of its partition of {@code range(n)}. */
  private static final class WeightColumns implements MapPartitionsFunction<Long, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<EaseWeights> weights;

    WeightColumns(Broadcast<EaseWeights> weights) {
      this.weights = weights;
    }

    @Override
    public Iterator<Row> call(Iterator<Long> positions) {
      EaseWeights w = weights.value();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return positions.hasNext();
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          int j = Math.toIntExact(positions.next());
          return RowFactory.create(w.item(j), w.column(j));
        }
      };
    }
  }

  /** {@code (user, item, score, rank, history)} → the output row with the seen item contributing most. */
  private static final class BecauseItem implements MapFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<EaseWeights> weights;

    BecauseItem(Broadcast<EaseWeights> weights) {
      this.weights = weights;
    }

    @Override
    public Row call(Row row) {
      EaseWeights w = weights.value();
      int item = row.getInt(1);
      int j = w.position(item);
      int because = -1;
      double best = Double.NEGATIVE_INFINITY;
      for (Row entry : row.<Row>getList(4)) { // ascending positions = ascending item indexes
        int i = entry.getInt(0);
        double contribution = (double) (float) entry.getDouble(1) * w.weightAt(i, j);
        if (contribution > best) {
          best = contribution;
          because = i;
        }
      }
      return RowFactory.create(row.getInt(0), item, (double) row.getFloat(2), row.getInt(3), w.item(because));
    }
  }
}
