package dev.nightjar.transforms;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.transforms.testing.SparkTestBase;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class InteractionsTest extends SparkTestBase {
  static final LocalDate D = LocalDate.of(2026, 10, 31);

  static Dataset<Row> events(String valuesSql) {
    return spark()
        .sql(
            "SELECT user_id, item_id, event_type, CAST(ts AS TIMESTAMP) AS event_time, "
                + "CAST(CAST(ts AS TIMESTAMP) AS DATE) AS event_date, CAST(v AS DOUBLE) AS value_num FROM VALUES "
                + valuesSql
                + " AS t(user_id, item_id, event_type, ts, v)");
  }

  @Test
  void weightsDecayWithHalfLifeFromTheEndOfTheDay() {
    Dataset<Row> events =
        events(
            "('u1', 'i1', 'view', '2026-10-31 00:00:00', NULL),"
                + "('u1', 'i1', 'purchase', '2026-10-21 00:00:00', 1),"
                + "('u1', 'i2', 'rating', '2026-11-01 00:00:00', 5)," // the day after D: not yet
                + "('u1', 'i3', 'search', '2026-10-31 12:00:00', NULL),"
                + "('u2', 'i2', 'rating', '2026-10-30 00:00:00', 4),"
                + "('u3', 'i9', 'view', '2026-06-01 00:00:00', NULL)");
    InteractionParams p = InteractionParams.window(30, 10.0, Map.of("view", 1.0, "purchase", 5.0, "rating", 2.0), 100);
    List<Row> rows =
        Interactions.compute(events, D, p).orderBy("user_id", "item_id").select("user_id", "item_id", "weight", "events", "purchases").collectAsList();

    assertEquals(2, rows.size(), "u1/i2 is after D, u1/i3 is a search (weight 0), u3 is outside the window: " + rows);
    // u1/i1: view 1 day before the end of D, purchase 11 days before; half-life 10 days.
    double expected = 1.0 * Math.pow(0.5, 1 / 10.0) + 5.0 * Math.pow(0.5, 11 / 10.0);
    assertEquals("u1", rows.get(0).getString(0));
    assertEquals(expected, rows.get(0).getDouble(2), 1e-9);
    assertEquals(2L, rows.get(0).getLong(3));
    assertEquals(1L, rows.get(0).getLong(4));
    // u2/i2: rating 4 of 5, two days before the end of D.
    assertEquals(2.0 * 4 / 5 * Math.pow(0.5, 2 / 10.0), rows.get(1).getDouble(2), 1e-9);
  }

  @Test
  void botsAreLeftOut() {
    StringBuilder values = new StringBuilder("('human', 'i1', 'view', '2026-10-30 10:00:00', NULL)");
    for (int i = 0; i < 6; i++) {
      values.append(", ('bot', 'i").append(i).append("', 'view', '2026-10-30 10:0").append(i).append(":00', NULL)");
    }
    InteractionParams p = InteractionParams.window(30, 10.0, Map.of("view", 1.0), 5);
    Dataset<Row> events = events(values.toString());
    assertEquals(List.of("[bot,6]"), sortedRows(Interactions.bots(Interactions.window(events, D, p), p)));
    assertEquals(List.of("human"), Interactions.compute(events, D, p).select("user_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  @Test
  void paramsRejectUnknownEventTypes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> InteractionParams.window(30, 10, Map.of("clik", 1.0), 5));
    assertTrue(e.getMessage().contains("clik"));
  }

  @Test
  void allHistoryDecaysFromTheUsersOwnLastEventSoAReturningCustomerKeepsTheirHistory() {
    Dataset<Row> events =
        events(
            "('away', 'i1', 'purchase', '2026-04-01 00:00:00', NULL)," // 7 months before D, nothing since
                + "('away', 'i2', 'view', '2026-03-22 00:00:00', NULL)," // 10 days before their last event
                + "('here', 'i3', 'view', '2026-10-31 00:00:00', NULL)");
    InteractionParams p = InteractionParams.defaults()
        .withHistory(0, 10.0, InteractionParams.Recency.USER, 0);
    List<Row> rows = Interactions.compute(events, D, p).orderBy("user_id", "item_id").select("user_id", "item_id", "weight").collectAsList();
    assertEquals(3, rows.size(), "all history counts: " + rows);
    assertEquals(5.0, rows.get(0).getDouble(2), 1e-9, "the last event of a user away for months keeps its full weight");
    assertEquals(1.0 * 0.5, rows.get(1).getDouble(2), 1e-9, "one half-life before that user's last event");
    assertEquals(1.0, rows.get(2).getDouble(2), 1e-9);

    InteractionParams calendar = p.withHistory(0, 10.0, InteractionParams.Recency.CALENDAR, 0);
    double away = Interactions.compute(events, D, calendar).where("item_id = 'i1'").first().getDouble(2);
    assertTrue(away < 5.0 * 1e-6, "calendar decay erases the returning customer: " + away);
    assertEquals(List.of("here"), Interactions.compute(events, D, p.withHistory(90, 10.0, InteractionParams.Recency.USER, 0))
        .select("user_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList(), "a 90-day window drops them");
  }

  @Test
  void theCapKeepsEachUsersMostRecentEvents() {
    Dataset<Row> events =
        events(
            "('u', 'old', 'view', '2026-10-01 00:00:00', NULL),"
                + "('u', 'mid', 'view', '2026-10-10 00:00:00', NULL),"
                + "('u', 'new', 'view', '2026-10-20 00:00:00', NULL),"
                + "('v', 'old', 'view', '2026-10-01 00:00:00', NULL)");
    InteractionParams p = InteractionParams.defaults().withHistory(0, 30.0, InteractionParams.Recency.USER, 2);
    assertEquals(List.of("[u,mid]", "[u,new]", "[v,old]"), sortedRows(Interactions.compute(events, D, p).select("user_id", "item_id")));
    assertEquals(3, Interactions.counted(events, D, p).count());
    assertThrows(IllegalArgumentException.class, () -> p.withHistory(0, 30.0, InteractionParams.Recency.USER, -1));
    assertEquals(InteractionParams.Recency.CALENDAR, InteractionParams.Recency.of("calendar"));
    assertThrows(IllegalArgumentException.class, () -> InteractionParams.Recency.of("weekly"));
  }
}
