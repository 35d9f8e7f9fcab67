package dev.nightjar.models.text;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batched Spark adapter of the text encoder: one vector per row, computed on the executors with one
 * {@link Predictor} per partition (closed when the task completes) over the model loaded once per JVM.
 * Within a partition it reads {@value #SORT_WINDOW_BATCHES} batches of rows at a time, encodes them in
 * length-sorted batches of {@link EmbeddingParams#batchSize()} and emits them in their original order.
 *
 * <pre>{@code
 * Dataset<Row> vectors = ItemTextEmbedder.embed(items, "item_id", "description", EmbeddingParams.defaults());
 * // item_id, vector ARRAY<FLOAT> (384 values, unit length)
 *
 * ItemTextEmbedder.registerSqlFunctions(spark);
 * spark.sql("SELECT cosine(embed_text('red mug'), embed_text('red cup'))");
 * }</pre>
 *
 * <p>A null text is embedded as the empty string, so every row gets a vector.
 */
public final class ItemTextEmbedder {
  /** The output column holding the vector. */
  public static final String VECTOR_COL = "vector";
  /** Rows read (in units of batches) before sorting them by length. */
  public static final int SORT_WINDOW_BATCHES = 16;

  private static final Logger LOG = LoggerFactory.getLogger(ItemTextEmbedder.class);
  private static final ArrayType VECTOR_TYPE = DataTypes.createArrayType(DataTypes.FloatType, false);

  private ItemTextEmbedder() {}

  /**
   * Rows {@code (idCol, vector ARRAY<FLOAT>)}, one per input row, with the id column's type kept.
   *
   * @throws IllegalArgumentException when a column is missing or the text column is not a string
   */
  public static Dataset<Row> embed(Dataset<Row> in, String idCol, String textCol, EmbeddingParams p) {
    StructType outSchema = outputSchema(in.schema(), idCol, textCol);
    LOG.info("embedding column {} keyed by {} with {} (batch {}, max {} tokens, device {})",
        textCol, idCol, EmbeddingParams.MODEL_VERSION, p.batchSize(), p.maxLength(), p.device());
    return in.select(in.col(idCol), in.col(textCol))
        .mapPartitions(new EmbedPartition(p), Encoders.row(outSchema));
  }

  /**
   * Registers, for SQL in {@code session}: {@code embed_text(text STRING) → ARRAY<FLOAT>} (null for a null
   * text; the default {@link EmbeddingParams}, one text per call, so use {@link #embed} for tables) and
   * {@code cosine(a ARRAY<FLOAT>, b ARRAY<FLOAT>) → DOUBLE} (a SQL function over built-ins; null when either
   * is null or has length 0, an error when the lengths differ).
   */
  public static void registerSqlFunctions(SparkSession session) {
    session.udf().register("embed_text", (UDF1<String, float[]>) ItemTextEmbedder::embedOne, VECTOR_TYPE);
    session.sql("""
        CREATE OR REPLACE TEMPORARY FUNCTION cosine(a ARRAY<FLOAT>, b ARRAY<FLOAT>) RETURNS DOUBLE
        RETURN CASE WHEN size(a) != size(b)
            THEN raise_error(concat('cosine of vectors of lengths ', size(a), ' and ', size(b)))
          ELSE try_divide(
            aggregate(zip_with(a, b, (x, y) -> x * y), 0D, (s, x) -> s + x),
            sqrt(aggregate(a, 0D, (s, x) -> s + x * x)) * sqrt(aggregate(b, 0D, (s, x) -> s + x * x)))
        END""");
  }

  private static float[] embedOne(String text) throws TranslateException {
    if (text == null) {
      return null;
    }
    EmbeddingParams defaults = EmbeddingParams.defaults();
    try (Predictor<List<String>, float[][]> predictor =
        TextEncoderModel.get(defaults.device()).newPredictor(defaults.maxLength())) {
      return predictor.predict(List.of(text))[0];
    }
  }

  private static StructType outputSchema(StructType schema, String idCol, String textCol) {
    List<String> names = Arrays.asList(schema.fieldNames());
    for (String column : List.of(idCol, textCol)) {
      if (!names.contains(column)) {
        throw new IllegalArgumentException("column '" + column + "' not found; the input has " + names
            + ": pass the name of the " + (column.equals(idCol) ? "item id" : "item text") + " column");
      }
    }
    StructField text = schema.apply(textCol);
    if (!text.dataType().equals(DataTypes.StringType)) {
      throw new IllegalArgumentException("text column '" + textCol + "' has type " + text.dataType().sql()
          + ", expected STRING: cast it first, e.g. in.withColumn(\"" + textCol + "\", col(\"" + textCol
          + "\").cast(\"string\"))");
    }
    StructField id = schema.apply(idCol);
    return new StructType(new StructField[] {id, DataTypes.createStructField(VECTOR_COL, VECTOR_TYPE, false)});
  }

  /** Embeds one partition of (id, text) rows. */
  private static final class EmbedPartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final EmbeddingParams params;

    EmbedPartition(EmbeddingParams params) {
      this.params = params;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      TaskContext task = TaskContext.get();
      Predictor<List<String>, float[][]> predictor =
          TextEncoderModel.get(params.device()).newPredictor(params.maxLength());
      task.addTaskCompletionListener((TaskCompletionListener) completed -> predictor.close());
      return new EmbeddingIterator(rows, predictor, params.batchSize(), task.partitionId());
    }
  }

  /** Reads a window of rows, embeds it, hands its rows out, then reads the next window. */
  private static final class EmbeddingIterator implements Iterator<Row> {
    private final Iterator<Row> input;
    private final Predictor<List<String>, float[][]> predictor;
    private final int batchSize;
    private final int partition;
    private final long start = System.nanoTime();
    private Iterator<Row> window = Collections.emptyIterator();
    private long embedded;

    EmbeddingIterator(Iterator<Row> input, Predictor<List<String>, float[][]> predictor, int batchSize, int partition) {
      this.input = input;
      this.predictor = predictor;
      this.batchSize = batchSize;
      this.partition = partition;
    }

    @Override
    public boolean hasNext() {
      if (window.hasNext()) {
        return true;
      }
      if (!input.hasNext()) {
        return false;
      }
      window = embedNextWindow().iterator();
      if (!input.hasNext()) {
        LOG.info("partition {}: embedded {} texts in {} ms", partition, embedded, (System.nanoTime() - start) / 1_000_000);
      }
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return window.next();
    }

    private List<Row> embedNextWindow() {
      List<Object> ids = new ArrayList<>();
      List<String> texts = new ArrayList<>();
      while (input.hasNext() && texts.size() < batchSize * SORT_WINDOW_BATCHES) {
        Row row = input.next();
        ids.add(row.get(0));
        texts.add(row.isNullAt(1) ? "" : row.getString(1));
      }
      float[][] vectors;
      try {
        vectors = LengthSortedBatches.encode(predictor, texts, batchSize);
      } catch (TranslateException e) {
        throw new IllegalStateException("text encoder failed in partition " + partition, e);
      }
      embedded += texts.size();
      LOG.debug("partition {}: {} texts embedded so far", partition, embedded);
      List<Row> out = new ArrayList<>(texts.size());
      for (int i = 0; i < texts.size(); i++) {
        out.add(RowFactory.create(ids.get(i), vectors[i]));
      }
      return out;
    }
  }
}
