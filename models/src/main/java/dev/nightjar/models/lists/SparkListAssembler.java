package dev.nightjar.models.lists;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.models.lists.ListAssembler.Candidate;
import dev.nightjar.models.lists.ListAssembler.CategoryBelief;
import dev.nightjar.models.lists.ListAssembler.HistoryItem;
import dev.nightjar.models.lists.ListAssembler.Params;
import dev.nightjar.models.lists.ListAssembler.Recommendation;
import dev.nightjar.transforms.Columns;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Runs {@link ListAssembler} for every user on the executors: candidates, history and category
 * beliefs are brought together per user (one shuffle) and each user's list is assembled in plain
 * Java, seeded per (user, date).
 *
 * <pre>{@code
 * Dataset<Row> lists = SparkListAssembler.assemble(candidates, history, beliefs, vectors, settings, runDate.toEpochDay());
 * }</pre>
 */
public final class SparkListAssembler {
  private static final int CANDIDATE = 0;
  private static final int HISTORY = 1;
  private static final int BELIEF = 2;

  public static final String REASON_ITEM_IDS = "reason_item_ids";
  public static final String PROPENSITY = "propensity";
  /** Candidates' nullable column naming the history item behind them (item-item sources). */
  public static final String ANCHOR_ITEM_ID = "anchor_item_id";

  public static final StructType OUTPUT_SCHEMA =
      new StructType()
          .add(Columns.USER_ID, DataTypes.StringType, false)
          .add(Columns.RANK, DataTypes.IntegerType, false)
          .add(Columns.ITEM_ID, DataTypes.StringType, false)
          .add(Columns.SCORE, DataTypes.DoubleType, false)
          .add("source", DataTypes.StringType, false)
          .add(Columns.REASON, DataTypes.StringType, false)
          .add(REASON_ITEM_IDS, DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add(PROPENSITY, DataTypes.DoubleType, false);

  private SparkListAssembler() {}

  /** Serializable mirror of {@link Params} plus the seed, for the executors. */
  public record Settings(int k, double mmrLambda, int categoryCap, List<Integer> exploreRanks, int propensitySamples, long seed)
      implements Serializable {
    Params params() {
      return new Params(k, mmrLambda, categoryCap, exploreRanks, propensitySamples);
    }
  }

  /**
   * @param candidates {@code user_id, item_id, title, category, score DOUBLE, source, anchor_item_id} (the last
   *     nullable: the history item the source names as the reason, e.g. for item-item sources)
   * @param history {@code user_id, item_id, title, purchased BOOLEAN}
   * @param beliefs {@code user_id, category, alpha DOUBLE, beta DOUBLE}
   * @param itemVectors unit-length item embeddings by item id, broadcast once (bounded by the catalogue:
   *     50k items × 384 floats ≈ 77 MB); items without one count as dissimilar to everything
   * @param day the logical date as epoch day, part of each user's seed
   */
  public static Dataset<Row> assemble(
      Dataset<Row> candidates, Dataset<Row> history, Dataset<Row> beliefs, Broadcast<Map<String, float[]>> itemVectors,
      Settings settings, long day) {
    Column nullText = lit(null).cast(DataTypes.StringType);
    Column nullDouble = lit(null).cast(DataTypes.DoubleType);
    Column nullBool = lit(null).cast(DataTypes.BooleanType);
    Dataset<Row> parts =
        candidates.select(col(Columns.USER_ID), lit(CANDIDATE).as("kind"), col(Columns.ITEM_ID), col(Columns.TITLE),
                col(Columns.CATEGORY), col(Columns.SCORE), col("source"), nullBool.as("purchased"), nullDouble.as("alpha"), nullDouble.as("beta"),
                col(ANCHOR_ITEM_ID))
            .unionByName(history.select(col(Columns.USER_ID), lit(HISTORY).as("kind"), col(Columns.ITEM_ID), col(Columns.TITLE),
                nullText.as(Columns.CATEGORY), nullDouble.as(Columns.SCORE), nullText.as("source"), col("purchased"), nullDouble.as("alpha"), nullDouble.as("beta"),
                nullText.as(ANCHOR_ITEM_ID)))
            .unionByName(beliefs.select(col(Columns.USER_ID), lit(BELIEF).as("kind"), nullText.as(Columns.ITEM_ID),
                nullText.as(Columns.TITLE), col(Columns.CATEGORY), nullDouble.as(Columns.SCORE),
                nullText.as("source"), nullBool.as("purchased"), col("alpha"), col("beta"), nullText.as(ANCHOR_ITEM_ID)));
    return parts
        .groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
        .flatMapGroups(new AssembleUser(settings, day, itemVectors), Encoders.row(OUTPUT_SCHEMA));
  }

  /** A user's seed: stable across JVMs (String.hashCode is specified), different per date and setting. */
  static long seed(String userId, long day, long seed) {
    long h = userId.hashCode() * 0x9E3779B97F4A7C15L;
    h ^= (day + 1) * 0xC2B2AE3D27D4EB4FL;
    h ^= seed * 0x165667B19E3779F9L;
    return h ^ (h >>> 29);
  }

  private static final class AssembleUser implements FlatMapGroupsFunction<String, Row, Row> {
    private static final long serialVersionUID = 1L;
    private final Settings settings;
    private final long day;
    private final Broadcast<Map<String, float[]>> itemVectors;

    AssembleUser(Settings settings, long day, Broadcast<Map<String, float[]>> itemVectors) {
      this.settings = settings;
      this.day = day;
      this.itemVectors = itemVectors;
    }

    @Override
    public Iterator<Row> call(String userId, Iterator<Row> rows) {
      List<Candidate> pool = new ArrayList<>();
      List<HistoryItem> history = new ArrayList<>();
      List<CategoryBelief> beliefs = new ArrayList<>();
      Map<String, float[]> vectors = itemVectors.value();
      while (rows.hasNext()) {
        Row r = rows.next();
        switch (r.getInt(1)) {
          case CANDIDATE -> pool.add(
              new Candidate(r.getString(2), r.getString(3), r.getString(4), vectors.get(r.getString(2)), r.getDouble(5), r.getString(6),
                  r.getString(10)));
          case HISTORY -> history.add(
              new HistoryItem(r.getString(2), r.getString(3), vectors.get(r.getString(2)), !r.isNullAt(7) && r.getBoolean(7)));
          default -> beliefs.add(new CategoryBelief(r.getString(4), r.getDouble(8), r.getDouble(9)));
        }
      }
      List<Row> out = new ArrayList<>();
      for (Recommendation rec : ListAssembler.assemble(pool, history, beliefs, seed(userId, day, settings.seed()), settings.params())) {
        out.add(RowFactory.create(userId, rec.rank(), rec.itemId(), rec.score(), rec.source(), rec.reason(),
            rec.reasonItemIds().toArray(new String[0]), rec.propensity()));
      }
      return out.iterator();
    }
  }

  /** Item id → unit-length vector, from {@code item_id, vector ARRAY<FLOAT>} rows, to broadcast. */
  public static Map<String, float[]> vectorsById(List<Row> rows) {
    Map<String, float[]> out = new HashMap<>();
    for (Row r : rows) {
      List<Float> values = r.getList(1);
      float[] v = new float[values.size()];
      for (int j = 0; j < v.length; j++) {
        v[j] = values.get(j);
      }
      out.put(r.getString(0), v);
    }
    return out;
  }
}
