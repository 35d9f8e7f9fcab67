package dev.nightjar.transforms;

import static org.apache.spark.sql.functions.*;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Purchased items and when they are due again. A purchased item is not recommended again, unless its
 * category is repurchasable (a consumable, with a reorder interval of {@code days}) and the interval has
 * passed: the last purchase was at or before the start of day {@code D + 1 − days}, i.e. at least
 * {@code days} whole days before the end of night D.
 *
 * <pre>{@code
 * Dataset<Row> purchases = Repurchase.lastPurchases(events, items, date, InteractionParams.defaults());
 * Dataset<Row> due = Repurchase.due(purchases, date, Map.of("Coffee", 14));         // repurchase candidates
 * Dataset<Row> excluded = Repurchase.excluded(purchases, date, Map.of("Coffee", 14)); // user_id, item_id
 * }</pre>
 */
public final class Repurchase {
  /** Time of the user's last purchase of the item. */
  public static final String LAST_PURCHASE = "last_purchase";
  /** Whole days from the last purchase to the end of night D. */
  public static final String DAYS_SINCE = "days_since";

  private Repurchase() {}

  /**
   * Each user's purchased items in the look-back window of {@code date}.
   *
   * @param events clean events (as {@link Interactions#window})
   * @param items {@code item_id, category}
   * @return {@code item_id, user_id, last_purchase TIMESTAMP, category, days_since INT}
   */
  public static Dataset<Row> lastPurchases(Dataset<Row> events, Dataset<Row> items, LocalDate date, InteractionParams p) {
    Timestamp end = Timestamp.valueOf(date.plusDays(1).atStartOfDay());
    return Interactions.window(events, date, p)
        .where(col(Columns.EVENT_TYPE).equalTo(EventTypes.PURCHASE))
        .groupBy(Columns.USER_ID, Columns.ITEM_ID)
        .agg(max(Columns.EVENT_TIME).as(LAST_PURCHASE))
        .join(items.select(Columns.ITEM_ID, Columns.CATEGORY), Columns.ITEM_ID)
        .withColumn(DAYS_SINCE, datediff(lit(end), col(LAST_PURCHASE)));
  }

  /**
   * The purchases due for reorder on night {@code date}: those of a category in {@code days} whose interval has passed.
   *
   * @param purchases as {@link #lastPurchases}
   * @param days reorder interval in days per repurchasable category
   */
  public static Dataset<Row> due(Dataset<Row> purchases, LocalDate date, Map<String, Integer> days) {
    return purchases.where(dueForReorder(date, days));
  }

  /** {@code user_id, item_id} of the purchases not to recommend on night {@code date}: every purchase not {@link #due}. */
  public static Dataset<Row> excluded(Dataset<Row> purchases, LocalDate date, Map<String, Integer> days) {
    return purchases.where(not(dueForReorder(date, days))).select(Columns.USER_ID, Columns.ITEM_ID);
  }

  private static Column dueForReorder(LocalDate date, Map<String, Integer> days) {
    Column due = lit(false);
    for (Map.Entry<String, Integer> e : days.entrySet()) {
      Timestamp boundary = Timestamp.valueOf(date.plusDays(1).minusDays(e.getValue()).atStartOfDay());
      due = due.or(col(Columns.CATEGORY).equalTo(e.getKey()).and(col(LAST_PURCHASE).leq(lit(boundary))));
    }
    return due;
  }
}
