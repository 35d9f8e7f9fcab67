package dev.nightjar.transforms;

import static org.apache.spark.sql.functions.*;

import java.util.Collection;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The rule that holds for every user: only available items that are not on the blocklist may be recommended.
 *
 * <pre>{@code
 * Dataset<Row> eligible = Eligibility.items(items, List.of("I000013")); // item_id, title, category
 * }</pre>
 */
public final class Eligibility {
  private Eligibility() {}

  /**
   * @param items the catalogue: {@code item_id STRING, title STRING, category STRING, available BOOLEAN}
   * @param blocklist item ids never to recommend
   * @return {@code item_id, title, category} of the items that are available and not blocklisted
   */
  public static Dataset<Row> items(Dataset<Row> items, Collection<String> blocklist) {
    SchemaCheck.require(items, "items", SchemaCheck.columns(
        Columns.ITEM_ID, DataTypes.StringType, Columns.TITLE, DataTypes.StringType, Columns.CATEGORY, DataTypes.StringType,
        Columns.AVAILABLE, DataTypes.BooleanType));
    return items.where(col(Columns.AVAILABLE).and(not(col(Columns.ITEM_ID).isin(blocklist.toArray()))))
        .select(Columns.ITEM_ID, Columns.TITLE, Columns.CATEGORY);
  }
}
