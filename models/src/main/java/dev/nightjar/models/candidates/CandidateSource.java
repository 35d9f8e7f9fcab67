package dev.nightjar.models.candidates;

import static org.apache.spark.sql.functions.lit;

import dev.nightjar.transforms.Blend;
import dev.nightjar.transforms.Columns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One source of the candidate pool: its candidates for every user, in the columns every source shares
 * ({@link #SCHEMA}). The pool maps each {@link Source} to its implementation in {@link CandidatePool#source}.
 * The rules the pool applies to all (eligibility, purchased and excluded items) are in the {@link CandidateContext}
 * a source receives; a source applies the exclusions itself where it can do so cheaper (inside the scorer).
 *
 * <pre>{@code
 * final class ViewedCandidates implements CandidateSource {
 *   public Dataset<Row> candidates(CandidateContext c) {
 *     return CandidateSource.withoutAnchor(c.inputs().interactions()
 *         .select(col("user_id"), col("item_id"), col("weight").as("score"), lit("viewed").as("source")));
 *   }
 * }
 * }</pre>
 */
public interface CandidateSource {
  /** {@code user_id, item_id, score DOUBLE, source, anchor_item_id} (the last nullable: the history item behind the row). */
  StructType SCHEMA = new StructType()
      .add(Columns.USER_ID, DataTypes.StringType).add(Columns.ITEM_ID, DataTypes.StringType).add(Columns.SCORE, DataTypes.DoubleType)
      .add(Blend.SOURCE, DataTypes.StringType).add(Blend.ANCHOR_ITEM_ID, DataTypes.StringType);

  /** This source's candidates, {@link #SCHEMA}; at most {@code c.params().perSource()} per user unless the source says otherwise. */
  Dataset<Row> candidates(CandidateContext c);

  /** {@code rows} ({@code user_id, item_id, score, source}) with a null {@code anchor_item_id}: a source that names no history item. */
  static Dataset<Row> withoutAnchor(Dataset<Row> rows) {
    return rows.withColumn(Blend.ANCHOR_ITEM_ID, lit(null).cast(DataTypes.StringType));
  }
}
