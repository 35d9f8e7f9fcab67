package dev.nightjar.models.coldstart;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.SchemaCheck;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Spark adapter of the cold-start projection: learns {@link FactorProjection} on the warm items (embedded and
 * with CF factors) on the driver, then projects the cold items (embedded, no factors) on the executors.
 *
 * <pre>{@code
 * ColdStartProjector.Result result =
 *     ColdStartProjector.fitAndProject(itemEmbeddings, itemFactors, ProjectionParams.defaults());
 * LOG.info("{}", result.metrics().summary());
 * Dataset<Row> coldFactors = result.coldItemFactors();   // item_id, features ARRAY<FLOAT> (rank values)
 * }</pre>
 *
 * <p>Training data goes to the driver: the warm items are bounded by the catalogue, and at most
 * {@link ProjectionParams#maxTrainingItems()} of them are taken (those with the smallest
 * {@code xxhash64(seed, item_id)}, so the sample depends on neither partitioning nor row order). They arrive
 * packed as bytes, about {@code 4 × (384 + rank)} bytes each (~330 MB for the default 200,000 at rank 32),
 * held about three times over while collecting and unpacking: size the driver for roughly 1 GB more at the
 * defaults.
 *
 * <p>Cold items are not collected: their number is not bounded (on the first night every item is cold), so
 * they are projected in {@code mapPartitions} with the trained weights broadcast as a
 * {@link ProjectionWeights} (~430 KB at 384 → 256 → 32) and applied in plain Java. Executors never load
 * PyTorch; only the driver needs its natives. The returned Dataset is lazy and reads the inputs again when
 * used: persist it if it is used more than once.
 *
 * <p>Inputs need one row per item id; rows with a null vector are left out (an item with null factors counts
 * as cold).
 */
public final class ColdStartProjector {
  /** The embeddings' vector column (as written by the text encoder's adapter). */
  public static final String VECTOR_COL = "vector";
  /** Job description shown in the Spark UI while the warm items are collected. */
  static final String COLLECT_DESCRIPTION = "Nightjar cold-start: collect warm items";

  private static final Logger LOG = LoggerFactory.getLogger(ColdStartProjector.class);
  private static final String JOB_DESCRIPTION = "spark.job.description";
  private static final ArrayType FACTOR_TYPE = DataTypes.createArrayType(DataTypes.FloatType, false);
  private static final StructType OUTPUT_SCHEMA = new StructType()
      .add(Columns.ITEM_ID, DataTypes.StringType, false)
      .add(Columns.FEATURES, FACTOR_TYPE, false);

  private ColdStartProjector() {}

  /**
   * The projected factors of the cold items and how the projection did on held-out warm items.
   *
   * @param coldItemFactors {@code item_id STRING, features ARRAY<FLOAT>}: one row per embedded item without
   *     factors (lazy)
   * @param metrics hold-out and baseline cosines, sizes and epochs of the training
   */
  public record Result(Dataset<Row> coldItemFactors, ProjectionMetrics metrics) {}

  /**
   * Trains the projection on the warm items and projects the cold ones.
   *
   * @param itemEmbeddings {@code item_id STRING, vector ARRAY<FLOAT>} (extra columns ignored)
   * @param itemFactors {@code item_id STRING, features ARRAY<FLOAT>}: the CF item factors (extra columns
   *     ignored)
   * @throws SchemaCheck.SchemaMismatchException when a column is missing or mistyped
   * @throws IllegalArgumentException when vectors are ragged or have null values, or there are fewer than
   *     {@link ProjectionParams#MIN_TRAINING_ITEMS} warm items
   */
  public static Result fitAndProject(Dataset<Row> itemEmbeddings, Dataset<Row> itemFactors, ProjectionParams p) {
    SchemaCheck.require(itemEmbeddings, "cold-start item embeddings",
        SchemaCheck.columns(Columns.ITEM_ID, DataTypes.StringType, VECTOR_COL, floatArray(itemEmbeddings, VECTOR_COL)));
    SchemaCheck.require(itemFactors, "cold-start item factors", SchemaCheck.columns(
        Columns.ITEM_ID, DataTypes.StringType, Columns.FEATURES, floatArray(itemFactors, Columns.FEATURES)));
    Dataset<Row> embedded = itemEmbeddings.select(col(Columns.ITEM_ID), col(VECTOR_COL))
        .where(col(Columns.ITEM_ID).isNotNull().and(col(VECTOR_COL).isNotNull()));
    Dataset<Row> factors = itemFactors.select(col(Columns.ITEM_ID), col(Columns.FEATURES))
        .where(col(Columns.ITEM_ID).isNotNull().and(col(Columns.FEATURES).isNotNull()));

    WarmItems warm = collectWarmItems(embedded.join(factors, Columns.ITEM_ID), p);
    ProjectionWeights weights;
    ProjectionMetrics metrics;
    try (FactorProjection.Trained trained = FactorProjection.train(warm.embeddings(), warm.factors(), p)) {
      weights = trained.weights();
      metrics = trained.metrics();
    }

    Broadcast<ProjectionWeights> shared =
        JavaSparkContext.fromSparkContext(itemEmbeddings.sparkSession().sparkContext()).broadcast(weights);
    Dataset<Row> cold = embedded.join(factors, new String[] {Columns.ITEM_ID}, "left_anti")
        .mapPartitions(new ProjectPartition(shared), Encoders.row(OUTPUT_SCHEMA));
    return new Result(cold, metrics);
  }

  /**
   * The array-of-float type to require for {@code column}: the input's own when it is one (Parquet and Delta
   * give arrays that may hold nulls, the encoders and ALS arrays that may not), else the non-null one.
   */
  private static DataType floatArray(Dataset<Row> df, String column) {
    for (var field : df.schema().fields()) {
      if (field.name().equals(column) && field.dataType() instanceof ArrayType array) {
        return DataTypes.createArrayType(DataTypes.FloatType, array.containsNull());
      }
    }
    return FACTOR_TYPE;
  }

  /** The seeded hash sample of at most {@code maxTrainingItems} warm items, unpacked on the driver. */
  private static WarmItems collectWarmItems(Dataset<Row> warm, ProjectionParams p) {
    SparkContext sc = warm.sparkSession().sparkContext();
    String previousDescription = sc.getLocalProperty(JOB_DESCRIPTION);
    sc.setJobDescription(COLLECT_DESCRIPTION);
    List<Tuple2<String, byte[]>> packed;
    try {
      packed = warm
          .orderBy(xxhash64(lit(p.seed()), col(Columns.ITEM_ID)), col(Columns.ITEM_ID))
          .limit(p.maxTrainingItems())
          .map((MapFunction<Row, Tuple2<String, byte[]>>) ColdStartProjector::pack,
              Encoders.tuple(Encoders.STRING(), Encoders.BINARY()))
          .collectAsList();
    } finally {
      sc.setLocalProperty(JOB_DESCRIPTION, previousDescription);
    }
    if (packed.size() == p.maxTrainingItems()) {
      LOG.info("warm items capped at maxTrainingItems={} (seeded hash sample)", p.maxTrainingItems());
    }
    float[][] embeddings = new float[packed.size()][];
    float[][] factors = new float[packed.size()][];
    for (int i = 0; i < packed.size(); i++) {
      String itemId = packed.get(i)._1();
      ByteBuffer buffer = ByteBuffer.wrap(packed.get(i)._2());
      embeddings[i] = readFloats(buffer, buffer.getInt());
      factors[i] = readFloats(buffer, buffer.remaining() / Float.BYTES);
      if (i > 0 && (embeddings[i].length != embeddings[0].length || factors[i].length != factors[0].length)) {
        throw new IllegalArgumentException("item " + itemId + " has a vector of " + embeddings[i].length
            + " and factors of " + factors[i].length + " values, item " + packed.get(0)._1() + " "
            + embeddings[0].length + " and " + factors[0].length + ": every item needs the same lengths");
      }
      packed.set(i, null); // each packed row can go once unpacked
    }
    LOG.info("collected {} warm items (vectors of {}, factors of {}) to the driver", embeddings.length,
        embeddings.length > 0 ? embeddings[0].length : 0, factors.length > 0 ? factors[0].length : 0);
    return new WarmItems(embeddings, factors);
  }

  /** {@code (item_id, [vector length][vector][factors])} as big-endian floats: compact, unlike boxed rows. */
  private static Tuple2<String, byte[]> pack(Row row) {
    String itemId = row.getString(0);
    float[] vector = floats(row, 1, itemId, VECTOR_COL);
    float[] features = floats(row, 2, itemId, Columns.FEATURES);
    ByteBuffer buffer = ByteBuffer.allocate(Integer.BYTES + Float.BYTES * (vector.length + features.length));
    buffer.putInt(vector.length);
    buffer.asFloatBuffer().put(vector).put(features);
    return new Tuple2<>(itemId, buffer.array());
  }

  private static float[] readFloats(ByteBuffer buffer, int count) {
    float[] out = new float[count];
    buffer.asFloatBuffer().get(out);
    buffer.position(buffer.position() + count * Float.BYTES);
    return out;
  }

  private static float[] floats(Row row, int index, String itemId, String column) {
    List<Float> values = row.getList(index);
    float[] out = new float[values.size()];
    for (int j = 0; j < out.length; j++) {
      Float value = values.get(j);
      if (value == null) {
        throw new IllegalArgumentException("item " + itemId + ": " + column + " has a null at position " + j);
      }
      out[j] = value;
    }
    return out;
  }

  private record WarmItems(float[][] embeddings, float[][] factors) {}

  /** Projects one partition of {@code (item_id, vector)} rows with the broadcast weights. */
  private static final class ProjectPartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<ProjectionWeights> weights;

    ProjectPartition(Broadcast<ProjectionWeights> weights) {
      this.weights = weights;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      ProjectionWeights projection = weights.value();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          Row row = rows.next();
          String itemId = row.getString(0);
          float[] vector = floats(row, 1, itemId, VECTOR_COL);
          if (vector.length != projection.inputSize()) {
            throw new IllegalArgumentException("cold item " + itemId + " has a vector of " + vector.length
                + " values; the projection was trained on " + projection.inputSize());
          }
          return RowFactory.create(itemId, projection.apply(vector));
        }
      };
    }
  }
}
