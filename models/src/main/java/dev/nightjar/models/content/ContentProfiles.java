package dev.nightjar.models.content;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.SchemaCheck;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapGroupsFunction;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * User content profiles: the interaction-weighted (already time-decayed) mean of the embeddings of
 * the items a user interacted with, L2-normalised; and interest segments by k-means over them.
 *
 * <pre>{@code
 * Dataset<Row> profiles = ContentProfiles.profiles(interactions, itemEmbeddings); // user_id, vector
 * Dataset<Row> segments = ContentProfiles.segments(profiles, 8, 42L);              // user_id, segment
 * }</pre>
 */
public final class ContentProfiles {
  public static final String VECTOR = "vector";
  public static final String SEGMENT = "segment";

  private ContentProfiles() {}

  /**
   * @param interactions {@code user_id, item_id, weight}
   * @param itemEmbeddings {@code item_id, vector ARRAY<FLOAT>}
   * @return {@code user_id, vector ARRAY<FLOAT>} for users with at least one embedded item
   */
  public static Dataset<Row> profiles(Dataset<Row> interactions, Dataset<Row> itemEmbeddings) {
    SchemaCheck.require(interactions, "interactions", SchemaCheck.columns(
        Columns.USER_ID, DataTypes.StringType, Columns.ITEM_ID, DataTypes.StringType, Columns.WEIGHT, DataTypes.DoubleType));
    SchemaCheck.require(itemEmbeddings, "item_embeddings", SchemaCheck.columns(Columns.ITEM_ID, DataTypes.StringType));
    StructType out = new StructType()
        .add(Columns.USER_ID, DataTypes.StringType, false)
        .add(VECTOR, DataTypes.createArrayType(DataTypes.FloatType, false), false);
    return interactions
        .join(itemEmbeddings.select(Columns.ITEM_ID, VECTOR), Columns.ITEM_ID)
        .select(Columns.USER_ID, Columns.WEIGHT, VECTOR)
        .groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
        .mapGroups((MapGroupsFunction<String, Row, Row>) ContentProfiles::weightedMean, Encoders.row(out));
  }

  /** One user's weight-averaged, L2-normalised vector (a sum in double precision; the mean's scale drops out). */
  static Row weightedMean(String userId, Iterator<Row> rows) {
    double[] sum = null;
    while (rows.hasNext()) {
      Row r = rows.next();
      double w = r.getDouble(1);
      List<Float> v = r.getList(2);
      if (sum == null) {
        sum = new double[v.size()];
      }
      for (int i = 0; i < sum.length; i++) {
        sum[i] += w * v.get(i);
      }
    }
    double norm = 0;
    for (double x : sum) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    float[] unit = new float[sum.length];
    for (int i = 0; i < unit.length; i++) {
      unit[i] = norm > 0 ? (float) (sum[i] / norm) : 0f;
    }
    return RowFactory.create(userId, unit);
  }

  /** Interest segments: k-means (seeded) over the profile vectors; {@code user_id, segment}. */
  public static Dataset<Row> segments(Dataset<Row> profiles, int k, long seed) {
    Dataset<Row> features = profiles.select(col(Columns.USER_ID), functions.array_to_vector(col(VECTOR)).as("features"));
    KMeansModel model = new KMeans().setK(k).setSeed(seed).setMaxIter(20).setFeaturesCol("features").setPredictionCol(SEGMENT).fit(features);
    return model.transform(features).select(col(Columns.USER_ID), col(SEGMENT));
  }
}
