package dev.nightjar.models.scoring;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.row_number;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exact top-k items for every user by dot product (CF factors) or cosine similarity (content
 * vectors), computed on the executors block by block with the fused {@link TopKKernel}: no
 * user × item score matrix and no per-pair rows are ever built.
 *
 * <p><b>How.</b> The item factors are streamed to the driver partition by partition and cut into
 * chunks of at most {@link TopKParams#broadcastBudgetBytes()} (about {@code items × (4·d + 4)}
 * bytes), each packed into {@link ItemBlock}s of {@link TopKParams#itemBlockSize()} items and
 * broadcast. The users, joined with their exclusions aggregated to one sorted array per user, are
 * spread round-robin over {@link TopKParams#userPartitions()} partitions; each task reads its users
 * in blocks of {@link TopKParams#userBlockSize()}, scores each block against every item block of the
 * chunk into per-user bounded heaps (excluded items never enter) and emits the ranked lists lazily.
 * When the items need more than one chunk, each chunk is one such pass over the users and the
 * partial top-k lists are merged by a window (score desc, item asc) over at most
 * {@code chunks × k} rows per user.
 *
 * <p><b>Memory bound</b> per task: one item chunk (≤ the budget, shared by the tasks of an
 * executor) + one user block ({@code userBlockSize × d × 4} bytes) + its heaps
 * ({@code userBlockSize × k × 8} bytes) + the ranked rows of one user; the driver holds one chunk
 * at a time while building it. Nothing else grows with the number of users or items.
 *
 * <p><b>Ties</b> are broken by item id: score descending, then item id ascending, whatever the
 * block sizes, partitioning or chunking. Item ids must be unique, and so must user ids.
 *
 * <p>{@link #topK} reads the item factors (a Spark job) when it is called; the users are scored
 * when the returned Dataset is computed. Cache the user factors if several chunks will re-read
 * them from an expensive source.
 *
 * <pre>{@code
 * org.apache.spark.ml.recommendation.ALSModel model = new org.apache.spark.ml.recommendation.ALS().setImplicitPrefs(true).fit(ratings);
 * Dataset<Row> recs = BlockwiseTopKScorer.topK(
 *     model.userFactors(), model.itemFactors(), purchases.select("user", "item"),
 *     TopKParams.of(100, TopKParams.Metric.DOT));
 * // recs: user INT, item INT, score FLOAT, rank INT (rank 1 = best)
 * }</pre>
 */
public final class BlockwiseTopKScorer {
  /** Factor frames: {@code id INT, features ARRAY<FLOAT>}, as {@code ALSModel.userFactors}. */
  public static final String ID = "id";
  public static final String FEATURES = "features";
  /** Exclusions: {@code user INT, item INT}; output: {@code user, item, score, rank}. */
  public static final String USER = "user";
  public static final String ITEM = "item";
  public static final String SCORE = "score";
  public static final String RANK = "rank";

  /** The schema of {@link #topK}'s result. */
  public static final StructType OUTPUT_SCHEMA = new StructType()
      .add(USER, DataTypes.IntegerType)
      .add(ITEM, DataTypes.IntegerType)
      .add(SCORE, DataTypes.FloatType)
      .add(RANK, DataTypes.IntegerType);

  private static final String EXCLUDED = "excluded";
  private static final String ITEMS = "items";
  private static final String SCORES = "scores";
  private static final String POSITION = "pos";
  /** One row per user as the tasks emit it, exploded to {@link #OUTPUT_SCHEMA} by Spark. */
  private static final StructType LISTS = new StructType()
      .add(USER, DataTypes.IntegerType, false)
      .add(ITEMS, DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add(SCORES, DataTypes.createArrayType(DataTypes.FloatType, false), false);
  private static final String JOB_DESCRIPTION = "spark.job.description";
  private static final Logger LOG = LoggerFactory.getLogger(BlockwiseTopKScorer.class);
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private BlockwiseTopKScorer() {}

  /**
   * The top-{@code params.k()} items of every user.
   *
   * @param userFactors {@code id INT, features ARRAY<FLOAT>}
   * @param itemFactors {@code id INT, features ARRAY<FLOAT>}, vectors as long as the users'
   * @param exclusions null, or {@code user INT, item INT}: items never to recommend to that user
   *     (rows with a null, an unknown user or an unknown item are ignored)
   * @return {@code user INT, item INT, score FLOAT, rank INT}: per user at most {@code k} rows,
   *     ranks 1, 2, … by score descending then item ascending; users without any candidate have
   *     no rows
   * @throws IllegalArgumentException when a column is missing or mistyped (at once), or when a
   *     vector is null or of another length (when the rows are read)
   */
  public static Dataset<Row> topK(
      Dataset<Row> userFactors, Dataset<Row> itemFactors, Dataset<Row> exclusions, TopKParams params) {
    Objects.requireNonNull(userFactors, "userFactors");
    Objects.requireNonNull(itemFactors, "itemFactors");
    Objects.requireNonNull(params, "params");
    checkFactorSchema("userFactors", userFactors.schema());
    checkFactorSchema("itemFactors", itemFactors.schema());
    if (exclusions != null) {
      requireColumn("exclusions", exclusions.schema(), USER, DataTypes.IntegerType);
      requireColumn("exclusions", exclusions.schema(), ITEM, DataTypes.IntegerType);
    }
    SparkContext sc = userFactors.sparkSession().sparkContext();
    int partitions = params.userPartitions() > 0 ? params.userPartitions() : sc.defaultParallelism();

    List<Broadcast<ItemBlock[]>> chunks = broadcastItems(itemFactors, params);
    LOG.info("top-{} by {}: item chunks {}, user partitions {}, blocks of {} users × {} items",
        params.k(), params.metric(), chunks.size(), partitions, params.userBlockSize(), params.itemBlockSize());
    if (chunks.isEmpty()) {
      return userFactors.sparkSession().createDataFrame(List.of(), OUTPUT_SCHEMA);
    }
    Dataset<Row> users = withExclusions(userFactors, exclusions).repartition(partitions);
    Dataset<Row> ranked = null;
    for (Broadcast<ItemBlock[]> chunk : chunks) {
      Dataset<Row> lists = users.mapPartitions(new ScorePartition(chunk, params), Encoders.row(LISTS))
          .select(col(USER), posexplode(col(ITEMS)).as(new String[] {POSITION, ITEM}), col(SCORES))
          .select(col(USER), col(ITEM), col(SCORES).getItem(col(POSITION)).as(SCORE), col(POSITION).plus(1).as(RANK));
      ranked = ranked == null ? lists : ranked.union(lists);
    }
    return chunks.size() == 1 ? ranked : ranked.withColumn(RANK,
        row_number().over(Window.partitionBy(USER).orderBy(col(SCORE).desc(), col(ITEM).asc())))
        .where(col(RANK).leq(params.k()));
  }

  private static void checkFactorSchema(String frame, StructType schema) {
    requireColumn(frame, schema, ID, DataTypes.IntegerType);
    requireColumn(frame, schema, FEATURES, DataTypes.createArrayType(DataTypes.FloatType));
  }

  /** Fails naming the column, the type found and the fix; an array's nullability does not matter. */
  private static void requireColumn(String frame, StructType schema, String name, DataType expected) {
    StructField field = Arrays.stream(schema.fields()).filter(f -> f.name().equals(name)).findFirst().orElse(null);
    String wanted = expected.simpleString();
    if (field == null) {
      throw new IllegalArgumentException(String.format(
          "%s: missing column '%s' of type %s (found %s); fix: select or rename the column holding it, e.g. col(\"x\").as(\"%s\")",
          frame, name, wanted, Arrays.stream(schema.fields()).map(f -> f.name() + " " + f.dataType().simpleString())
              .collect(Collectors.joining(", ", "[", "]")), name));
    }
    DataType found = field.dataType();
    boolean matches = expected instanceof ArrayType array
        ? found instanceof ArrayType other && other.elementType().equals(array.elementType())
        : found.equals(expected);
    if (!matches) {
      throw new IllegalArgumentException(String.format(
          "%s: column '%s' has type %s, expected %s; fix: cast it, col(\"%s\").cast(\"%s\")",
          frame, name, found.simpleString(), wanted, name, wanted));
    }
  }

  /** {@code id, features, excluded}: the users with their excluded items as a sorted array (or null). */
  private static Dataset<Row> withExclusions(Dataset<Row> userFactors, Dataset<Row> exclusions) {
    Dataset<Row> users = userFactors.select(col(ID), col(FEATURES));
    if (exclusions == null) {
      return users.withColumn(EXCLUDED, lit(null).cast(DataTypes.createArrayType(DataTypes.IntegerType)));
    }
    Dataset<Row> perUser = exclusions
        .where(col(USER).isNotNull().and(col(ITEM).isNotNull()))
        .groupBy(col(USER))
        .agg(array_sort(collect_set(col(ITEM))).as(EXCLUDED));
    return users.join(perUser, users.col(ID).equalTo(perUser.col(USER)), "left")
        .select(users.col(ID), users.col(FEATURES), perUser.col(EXCLUDED));
  }

  /** Streams the item factors to the driver and broadcasts them in chunks within the budget. */
  private static List<Broadcast<ItemBlock[]>> broadcastItems(Dataset<Row> itemFactors, TopKParams params) {
    SparkContext sc = itemFactors.sparkSession().sparkContext();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    String previousDescription = sc.getLocalProperty(JOB_DESCRIPTION);
    sc.setJobDescription("Nightjar top-k: read item factors");
    List<Broadcast<ItemBlock[]>> chunks = new ArrayList<>();
    try {
      Iterator<Row> rows = itemFactors.select(ID, FEATURES).toLocalIterator();
      ChunkBuilder chunk = null;
      while (rows.hasNext()) {
        Row row = rows.next();
        int id = id(row, "itemFactors");
        float[] vector = features(row, "itemFactors", id);
        if (chunk == null) {
          chunk = new ChunkBuilder(vector.length, params);
        }
        chunk.add(id, vector);
        if (chunk.isFull()) {
          chunks.add(broadcast(jsc, chunk, chunks.size()));
        }
      }
      if (chunk != null && !chunk.isEmpty()) {
        chunks.add(broadcast(jsc, chunk, chunks.size()));
      }
    } finally {
      sc.setLocalProperty(JOB_DESCRIPTION, previousDescription);
    }
    return chunks;
  }

  private static Broadcast<ItemBlock[]> broadcast(JavaSparkContext jsc, ChunkBuilder chunk, int index) {
    ItemBlock[] blocks = chunk.take();
    LOG.info("item chunk {}: {} items of dimension {} in {} blocks, {} bytes", index,
        Arrays.stream(blocks).mapToInt(ItemBlock::size).sum(), blocks[0].dim(), blocks.length,
        Arrays.stream(blocks).mapToLong(ItemBlock::bytes).sum());
    return jsc.broadcast(blocks);
  }

  private static int id(Row row, String frame) {
    if (row.isNullAt(0)) {
      throw new IllegalArgumentException(frame + ": a row has a null id");
    }
    return row.getInt(0);
  }

  private static float[] features(Row row, String frame, int id) {
    if (row.isNullAt(1)) {
      throw new IllegalArgumentException(frame + ": id " + id + " has null features");
    }
    List<Float> values = row.getList(1);
    float[] vector = new float[values.size()];
    for (int j = 0; j < vector.length; j++) {
      Float value = values.get(j);
      if (value == null) {
        throw new IllegalArgumentException(frame + ": id " + id + " has a null at feature " + j);
      }
      vector[j] = value;
    }
    return vector;
  }

  /** Collects items into blocks of itemBlockSize until a chunk holds the budget's worth. */
  private static final class ChunkBuilder {
    private final int d;
    private final boolean cosine;
    private final int blockSize;
    private final long chunkItems;
    private final float[] vectors;
    private final int[] ids;
    private final List<ItemBlock> blocks = new ArrayList<>();
    private int count;
    private long items;

    ChunkBuilder(int d, TopKParams params) {
      if (d == 0) {
        throw new IllegalArgumentException("itemFactors: features are empty; factors need at least one dimension");
      }
      this.d = d;
      this.cosine = params.metric() == TopKParams.Metric.COSINE;
      this.chunkItems = Math.max(1, params.broadcastBudgetBytes() / (4L * d + 4));
      this.blockSize = (int) Math.min(params.itemBlockSize(), chunkItems);
      this.vectors = new float[Math.multiplyExact(blockSize, d)];
      this.ids = new int[blockSize];
    }

    void add(int id, float[] vector) {
      if (vector.length != d) {
        throw new IllegalArgumentException("itemFactors: id " + id + " has " + vector.length
            + " features, the first item has " + d + "; all factors must have the same length");
      }
      System.arraycopy(vector, 0, vectors, count * d, d);
      ids[count++] = id;
      items++;
      if (count == blockSize || isFull()) {
        finishBlock();
      }
    }

    boolean isFull() {
      return items == chunkItems;
    }

    boolean isEmpty() {
      return items == 0;
    }

    /** The chunk's blocks; the builder starts a new chunk. */
    ItemBlock[] take() {
      finishBlock();
      ItemBlock[] chunk = blocks.toArray(new ItemBlock[0]);
      blocks.clear();
      items = 0;
      return chunk;
    }

    private void finishBlock() {
      if (count == 0) {
        return;
      }
      float[] block = Arrays.copyOf(vectors, count * d);
      if (cosine) {
        TopKKernel.normalizeRows(block, d);
      }
      blocks.add(ItemBlock.pack(block, Arrays.copyOf(ids, count), d));
      count = 0;
    }
  }

  /** Scores one partition of users against one broadcast item chunk. */
  private static final class ScorePartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<ItemBlock[]> items;
    private final TopKParams params;

    ScorePartition(Broadcast<ItemBlock[]> items, TopKParams params) {
      this.items = items;
      this.params = params;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> users) {
      return new RankedRows(users, items.value(), params);
    }
  }

  /** Reads users a block at a time, scores the block, then emits one row per user: id, items, scores. */
  private static final class RankedRows implements Iterator<Row> {
    private final Iterator<Row> input;
    private final ItemBlock[] items;
    private final int d;
    private final int k;
    private final boolean cosine;
    private final int blockSize;
    private final long startNanos = System.nanoTime();
    private final long startCpuNanos = THREADS.getCurrentThreadCpuTime();
    private long users;
    private int blocks;
    private boolean logged;

    private int[] blockUsers = new int[0];
    private TopKHeaps heaps;
    private int nextUser;

    RankedRows(Iterator<Row> input, ItemBlock[] items, TopKParams params) {
      this.input = input;
      this.items = items;
      this.d = items[0].dim();
      this.k = params.k();
      this.cosine = params.metric() == TopKParams.Metric.COSINE;
      this.blockSize = params.userBlockSize();
    }

    @Override
    public boolean hasNext() {
      if (nextUser < blockUsers.length) {
        return true;
      }
      if (input.hasNext()) {
        scoreNextBlock();
        return true;
      }
      if (!logged) {
        logged = true;
        LOG.info("partition {}: scored {} users in {} blocks against {} items in {} ms ({} ms on cpu)",
            TaskContext.getPartitionId(), users, blocks, Arrays.stream(items).mapToInt(ItemBlock::size).sum(),
            (System.nanoTime() - startNanos) / 1_000_000,
            (THREADS.getCurrentThreadCpuTime() - startCpuNanos) / 1_000_000);
      }
      return false;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      TopKHeaps.Ranking ranking = heaps.ranking(nextUser);
      return RowFactory.create(blockUsers[nextUser++], ranking.items(), ranking.scores());
    }

    private void scoreNextBlock() {
      float[] vectors = new float[Math.multiplyExact(blockSize, d)];
      int[] ids = new int[blockSize];
      int[][] excluded = new int[blockSize][];
      int n = 0;
      while (n < blockSize && input.hasNext()) {
        Row row = input.next();
        int id = id(row, "userFactors");
        float[] vector = features(row, "userFactors", id);
        if (vector.length != d) {
          throw new IllegalArgumentException("userFactors: id " + id + " has " + vector.length
              + " features but the items have " + d + "; users and items must come from the same model");
        }
        System.arraycopy(vector, 0, vectors, n * d, d);
        ids[n] = id;
        if (!row.isNullAt(2)) {
          excluded[n] = row.<Integer>getList(2).stream().mapToInt(Integer::intValue).toArray();
        }
        n++;
      }
      if (n < blockSize) {
        vectors = Arrays.copyOf(vectors, n * d);
        ids = Arrays.copyOf(ids, n);
      }
      if (cosine) {
        TopKKernel.normalizeRows(vectors, d);
      }
      heaps = new TopKHeaps(n, k);
      for (ItemBlock block : items) {
        TopKKernel.score(vectors, excluded, block, heaps);
      }
      blockUsers = ids;
      nextUser = 0;
      users += n;
      blocks++;
    }
  }
}
