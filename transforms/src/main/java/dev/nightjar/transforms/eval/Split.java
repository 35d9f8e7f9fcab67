package dev.nightjar.transforms.eval;

import static org.apache.spark.sql.functions.col;

import dev.nightjar.transforms.Columns;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A train/test split of interaction rows, as made by {@link Splits}. Both sides keep every input
 * column.
 *
 * <pre>{@code
 * Split split = Splits.lastN(interactions, 1);
 * Dataset<Row> truth = split.truth(); // user_id, item_id: what a good model should find
 * }</pre>
 *
 * @param train rows the model may learn from
 * @param test held-out rows
 */
public record Split(Dataset<Row> train, Dataset<Row> test) {
  public Split {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(test, "test");
  }

  /**
   * The test truth: distinct {@code (user_id, item_id)} pairs of {@code test} (null ids left out)
   * that the user does not also have in {@code train}. An item a user already had in training is
   * never counted as a hit for that user.
   */
  public Dataset<Row> truth() {
    Dataset<Row> seen = train.select(Columns.USER_ID, Columns.ITEM_ID);
    return test.select(Columns.USER_ID, Columns.ITEM_ID)
        .where(col(Columns.USER_ID).isNotNull().and(col(Columns.ITEM_ID).isNotNull()))
        .distinct()
        .join(seen, new String[] {Columns.USER_ID, Columns.ITEM_ID}, "left_anti");
  }
}
