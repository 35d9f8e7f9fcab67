package dev.nightjar.models.content;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.SchemaCheck;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

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

  /** Unit-length copy of an {@code ARRAY<FLOAT>} column (null stays null; a zero vector stays zero). */
  public static Column normalise(Column vector) {
    Column norm = sqrt(aggregate(vector, lit(0.0), (acc, x) -> acc.plus(x.multiply(x))));
    return transform(vector, x -> when(norm.gt(0), x.divide(norm)).otherwise(lit(0.0)).cast(DataTypes.FloatType));
  }

  /**
   * @param interactions {@code user_id, item_id, weight}
   * @param itemEmbeddings {@code item_id, vector ARRAY<FLOAT>}
   * @return {@code user_id, vector ARRAY<FLOAT>} for users with at least one embedded item
   */
  public static Dataset<Row> profiles(Dataset<Row> interactions, Dataset<Row> itemEmbeddings) {
    SchemaCheck.require(interactions, "interactions", SchemaCheck.columns(
        Columns.USER_ID, DataTypes.StringType, Columns.ITEM_ID, DataTypes.StringType, Columns.WEIGHT, DataTypes.DoubleType));
    SchemaCheck.require(itemEmbeddings, "item_embeddings", SchemaCheck.columns(Columns.ITEM_ID, DataTypes.StringType));
    return interactions
        .join(itemEmbeddings.select(col(Columns.ITEM_ID), functions.array_to_vector(col(VECTOR)).as("v")), Columns.ITEM_ID)
        .groupBy(Columns.USER_ID)
        .agg(Summarizer.mean(col("v"), col(Columns.WEIGHT)).as("mean"))
        .select(col(Columns.USER_ID), normalise(functions.vector_to_array(col("mean"), "float32")).as(VECTOR));
  }

  /** Interest segments: k-means (seeded) over the profile vectors; {@code user_id, segment}. */
  public static Dataset<Row> segments(Dataset<Row> profiles, int k, long seed) {
    Dataset<Row> features = profiles.select(col(Columns.USER_ID), functions.array_to_vector(col(VECTOR)).as("features"));
    KMeansModel model = new KMeans().setK(k).setSeed(seed).setMaxIter(20).setFeaturesCol("features").setPredictionCol(SEGMENT).fit(features);
    return model.transform(features).select(col(Columns.USER_ID), col(SEGMENT));
  }
}
