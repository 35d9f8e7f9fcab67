package dev.nightjar.transforms;

import static org.apache.spark.sql.functions.*;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Weighted, time-decayed user × item interactions from clean events, in built-in Spark SQL
 * functions only (the RAPIDS Accelerator can run every operator).
 *
 * <p>weight(user, item) = Σ over the user's events on the item in the look-back window of
 * {@code eventWeight[type] × 0.5^(age / halfLife)}, where age is measured from the end of D. Ratings
 * are scaled by {@code rating / 5}. Users with more than {@code botMaxEventsPerDay} events on any
 * day of the window are left out as bots (see {@link #bots}).
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

  /** Events inside the look-back window of D: {@code D - lookbackDays < event_date <= D}. */
  public static Dataset<Row> window(Dataset<Row> events, LocalDate runDate, InteractionParams p) {
    check(events);
    Date first = Date.valueOf(runDate.minusDays(p.lookbackDays() - 1L));
    Date last = Date.valueOf(runDate);
    return events.where(col(Columns.EVENT_DATE).between(first, last));
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
    Dataset<Row> inWindow = window(events, runDate, p);
    Dataset<Row> humans = inWindow.join(bots(inWindow, p).select(Columns.USER_ID), Columns.USER_ID, "left_anti");
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
    double endOfDay = runDate.plusDays(1).toEpochDay() * 86_400.0;
    Column ageDays = lit(endOfDay).minus(unix_timestamp(col(Columns.EVENT_TIME))).divide(86_400.0);
    Column decay = exp(ageDays.multiply(-Math.log(2.0) / p.halfLifeDays()));
    return humans
        .where(col(Columns.ITEM_ID).isNotNull())
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
