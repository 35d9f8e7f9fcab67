package dev.nightjar.transforms;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Deterministic top-k per group on the executors: score descending, then the tie-break column
 * ascending, so reruns give the same ranks.
 *
 * <pre>{@code
 * Dataset<Row> top = Ranking.topKPerGroup(scored, "user_id", "score", "item_id", 50); // adds "rank"
 * }</pre>
 */
public final class Ranking {
  private Ranking() {}

  /** Keeps the best {@code k} rows per {@code groupCol} and adds a 1-based {@code rank} column. */
  public static Dataset<Row> topKPerGroup(
      Dataset<Row> in, String groupCol, String scoreCol, String tieBreakCol, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    return in.withColumn(
            Columns.RANK,
            row_number().over(Window.partitionBy(groupCol).orderBy(col(scoreCol).desc(), col(tieBreakCol).asc())))
        .where(col(Columns.RANK).leq(k));
  }
}
