package dev.nightjar.transforms;

import static org.apache.spark.sql.functions.*;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * Weighted, time-decayed user × item interactions from clean events, in built-in Spark SQL
 * functions only (the RAPIDS Accelerator can run every operator, window functions included).
 *
 * <p>weight(user, item) = Σ over the user's counted events on the item of
 * {@code eventWeight[type] × 0.5^(age / halfLife)}. The counted events are those of the history
 * ({@link #window}: everything up to D, or the last {@code lookbackDays}), at most the user's
 * {@code maxEventsPerUser} most recent; the age is measured from the user's own last counted event
 * ({@link InteractionParams.Recency#USER}) or from the end of D ({@code CALENDAR}). Ratings are
 * scaled by {@code rating / 5}. Users with more than {@code botMaxEventsPerDay} events on any day of
 * the history are left out as bots (see {@link #bots}).
 *
 * <pre>{@code
 * Dataset<Row> interactions = Interactions.compute(events, runDate, InteractionParams.defaults());
 * }</pre>
 */
public final class Interactions {
  private Interactions() {}

  private static void check(Dataset<Row> events) {
    SchemaCheck.require(
        events,
        "events",
        SchemaCheck.columns(
            Columns.USER_ID, DataTypes.StringType,
            Columns.ITEM_ID, DataTypes.StringType,
            Columns.EVENT_TYPE, DataTypes.StringType,
            Columns.EVENT_TIME, DataTypes.TimestampType,
            Columns.EVENT_DATE, DataTypes.DateType,
            Columns.VALUE_NUM, DataTypes.DoubleType));
  }

  /** The history of D: events up to the end of D, and with {@code lookbackDays > 0} only {@code D - lookbackDays < event_date}. */
  public static Dataset<Row> window(Dataset<Row> events, LocalDate runDate, InteractionParams p) {
    check(events);
    Column upToD = col(Columns.EVENT_DATE).leq(lit(Date.valueOf(runDate)));
    return events.where(p.lookbackDays() == 0
        ? upToD
        : upToD.and(col(Columns.EVENT_DATE).geq(lit(Date.valueOf(runDate.minusDays(p.lookbackDays() - 1L))))));
  }

  /**
   * The events that count: the history without bots and item-less events, each user's {@code maxEventsPerUser}
   * most recent (ties broken by item and type, so the cut is deterministic).
   */
  public static Dataset<Row> counted(Dataset<Row> events, LocalDate runDate, InteractionParams p) {
    Dataset<Row> history = window(events, runDate, p);
    Dataset<Row> humans = history.join(bots(history, p).select(Columns.USER_ID), Columns.USER_ID, "left_anti")
        .where(col(Columns.ITEM_ID).isNotNull());
    if (p.maxEventsPerUser() == 0) {
      return humans;
    }
    WindowSpec latestFirst = Window.partitionBy(Columns.USER_ID)
        .orderBy(col(Columns.EVENT_TIME).desc(), col(Columns.ITEM_ID), col(Columns.EVENT_TYPE));
    return humans.withColumn("recent_rank", row_number().over(latestFirst))
        .where(col("recent_rank").leq(p.maxEventsPerUser()))
        .drop("recent_rank");
  }

  /** Users whose busiest day in the window exceeds the bot threshold, with that day's count. */
  public static Dataset<Row> bots(Dataset<Row> windowEvents, InteractionParams p) {
    return windowEvents
        .groupBy(Columns.USER_ID, Columns.EVENT_DATE)
        .count()
        .groupBy(Columns.USER_ID)
        .agg(max("count").as("max_events_per_day"))
        .where(col("max_events_per_day").gt(p.botMaxEventsPerDay()));
  }

  /** The interactions of night D: one row per (user, item) with a positive weight. */
  public static Dataset<Row> compute(Dataset<Row> events, LocalDate runDate, InteractionParams p) {
    Column weight = lit(0.0);
    Column typeWeight = null;
    for (Map.Entry<String, Double> w : p.eventWeights().entrySet()) {
      Column base = lit(w.getValue());
      if (w.getKey().equals(EventTypes.RATING)) {
        base = base.multiply(coalesce(col(Columns.VALUE_NUM), lit(3.0)).divide(5.0));
      }
      typeWeight =
          typeWeight == null
              ? when(col(Columns.EVENT_TYPE).equalTo(w.getKey()), base)
              : typeWeight.when(col(Columns.EVENT_TYPE).equalTo(w.getKey()), base);
    }
    if (typeWeight != null) {
      weight = typeWeight.otherwise(lit(0.0));
    }
    Column reference = p.recency() == InteractionParams.Recency.USER
        ? unix_timestamp(max(col(Columns.EVENT_TIME)).over(Window.partitionBy(Columns.USER_ID)))
        : lit(runDate.plusDays(1).toEpochDay() * 86_400.0);
    Column ageDays = reference.minus(unix_timestamp(col(Columns.EVENT_TIME))).divide(86_400.0);
    Column decay = exp(ageDays.multiply(-Math.log(2.0) / p.halfLifeDays()));
    return counted(events, runDate, p)
        .withColumn("event_weight", weight.multiply(decay))
        .groupBy(Columns.USER_ID, Columns.ITEM_ID)
        .agg(
            sum("event_weight").as(Columns.WEIGHT),
            count(lit(1)).as(Columns.EVENTS),
            sum(when(col(Columns.EVENT_TYPE).equalTo(EventTypes.PURCHASE), 1).otherwise(0))
                .cast(DataTypes.LongType)
                .as(Columns.PURCHASES),
            max(Columns.EVENT_TIME).as(Columns.LAST_EVENT_TIME))
        .where(col(Columns.WEIGHT).gt(0))
        .withColumn(Columns.RUN_DATE, lit(Date.valueOf(runDate)));
  }
}
