package dev.nightjar.models.candidates;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.models.itemitem.EaseParams;
import dev.nightjar.models.lists.SparkListAssembler;
import dev.nightjar.transforms.CoOccurrenceParams;
import dev.nightjar.transforms.InteractionParams;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The pool on a hand-made night: two users, six items (i5 unavailable, i6 blocklisted), u1 bought i1 (Kitchen, not
 * repurchasable) and i3 (Coffee, due after 7 days). Every source brings candidates and the rules hold for all of them.
 */
class CandidatePoolTest extends SparkTestBase {
  static final LocalDate D = LocalDate.of(2026, 10, 31);

  static Dataset<Row> sql(String select) {
    return spark().sql(select);
  }

  static CandidateInputs inputs() {
    String vectors = " FROM VALUES ('i1', 0, 1.0, 0.0), ('i2', 1, 0.5, 0.5), ('i3', 2, 0.25, 0.0), ('i4', 3, 0.0, 1.0),"
        + " ('i5', 4, 1.0, 1.0), ('i6', 5, 2.0, 2.0) AS t(item_id, idx, x, y)";
    Dataset<Row> itemFactors = sql("SELECT item_id, idx, array(CAST(x AS FLOAT), CAST(y AS FLOAT)) AS features" + vectors);
    Dataset<Row> embeddings = sql("SELECT item_id, array(CAST(x AS FLOAT), CAST(y AS FLOAT)) AS vector" + vectors);
    String users = " FROM VALUES ('u1', 0, 1.0, 0.0), ('u2', 1, 0.0, 1.0) AS t(user_id, idx, x, y)";
    Dataset<Row> userFactors = sql("SELECT user_id, idx, array(CAST(x AS FLOAT), CAST(y AS FLOAT)) AS features" + users);
    Dataset<Row> profiles = sql("SELECT user_id, array(CAST(x AS FLOAT), CAST(y AS FLOAT)) AS vector" + users);
    Dataset<Row> items = sql("SELECT * FROM VALUES ('i1', 'Mug', 'Kitchen', true), ('i2', 'Pan', 'Kitchen', true),"
        + " ('i3', 'Coffee beans', 'Coffee', true), ('i4', 'Tent', 'Outdoor', true), ('i5', 'Lamp', 'Outdoor', false),"
        + " ('i6', 'Rope', 'Outdoor', true) AS t(item_id, title, category, available)");
    Dataset<Row> events = sql("SELECT user_id, item_id, event_type, CAST(t AS TIMESTAMP) AS event_time,"
        + " CAST(CAST(t AS TIMESTAMP) AS DATE) AS event_date, CAST(NULL AS DOUBLE) AS value_num FROM VALUES"
        + " ('u1', 'i3', 'purchase', '2026-10-20 10:00:00'), ('u1', 'i1', 'purchase', '2026-10-30 10:00:00'),"
        + " ('u1', 'i2', 'view', '2026-10-29 10:00:00'),"
        + " ('u2', 'i1', 'view', '2026-10-28 10:00:00'), ('u2', 'i2', 'view', '2026-10-30 10:00:00'),"
        + " ('u2', 'i4', 'purchase', '2026-10-31 10:00:00') AS e(user_id, item_id, event_type, t)");
    Dataset<Row> interactions = sql("SELECT user_id, item_id, CAST(weight AS DOUBLE) AS weight, CAST(purchases AS BIGINT) AS purchases,"
        + " CAST(t AS TIMESTAMP) AS last_event_time FROM VALUES"
        + " ('u1', 'i3', 5.0, 1, '2026-10-20 10:00:00'), ('u1', 'i1', 5.0, 1, '2026-10-30 10:00:00'), ('u1', 'i2', 1.0, 0, '2026-10-29 10:00:00'),"
        + " ('u2', 'i1', 1.0, 0, '2026-10-28 10:00:00'), ('u2', 'i2', 1.0, 0, '2026-10-30 10:00:00'), ('u2', 'i4', 5.0, 1, '2026-10-31 10:00:00')"
        + " AS t(user_id, item_id, weight, purchases, t)");
    Dataset<Row> interests = sql("SELECT user_id, category, CAST(alpha AS DOUBLE) AS alpha, CAST(beta AS DOUBLE) AS beta FROM VALUES ('u1', 'Kitchen', 3.0, 1.0), ('u2', 'Outdoor', 2.0, 2.0)"
        + " AS t(user_id, category, alpha, beta)");
    Dataset<Row> userIndex = sql("SELECT user_id AS id, idx" + users);
    Dataset<Row> itemIndex = sql("SELECT item_id AS id, idx" + vectors);
    return new CandidateInputs(userFactors, itemFactors, interactions, items, events, embeddings, profiles, interests, userIndex,
        itemIndex, "als-test+embed-items");
  }

  static CandidateParams params(boolean excludeSeen) {
    return new CandidateParams(D, EnumSet.allOf(Source.class), 10, excludeSeen, false, 2, List.of("i6"), Map.of("Coffee", 7),
        new CandidateParams.Trending(7, 3.0, 10, TrendingPopularity.exact()), InteractionParams.defaults(),
        new CoOccurrenceParams(CoOccurrenceParams.Similarity.JACCARD, 1, 50, 50, 10, true), new EaseParams(1.0, 100, 64L << 20, true));
  }

  /** {@code user item source score anchor}, score to 6 decimals. */
  static List<String> rows(Dataset<Row> candidates) {
    return candidates.collectAsList().stream().map(r -> String.format(Locale.ROOT, "%s %s %s %.6f %s", r.getAs("user_id"),
        r.getAs("item_id"), r.getAs("source"), r.<Double>getAs("score"), r.getAs("anchor_item_id"))).sorted().toList();
  }

  static List<String> column(Dataset<Row> d, String name) {
    return d.select(name).distinct().collectAsList().stream().map(r -> String.valueOf(r.get(0))).sorted().toList();
  }

  @Test
  void everySourceBringsCandidatesAndTheRulesHoldForAll() {
    try (CandidatePool pool = CandidatePool.build(inputs(), params(false))) {
      Dataset<Row> all = pool.candidates();
      assertEquals(Source.ids().stream().sorted().toList(), column(all, "source"), "every source is in the pool");
      assertEquals(List.of("i1", "i2", "i3", "i4"), column(all, "item_id"), "i5 is unavailable, i6 blocklisted");
      assertEquals(0, all.where("user_id = 'u1' AND item_id = 'i1'").count(), "u1 bought i1 (not repurchasable): never again");
      assertEquals(List.of("u1 i2 als 0.500000 null", "u1 i3 als 0.250000 null", "u1 i4 als 0.000000 null"),
          rows(all.where("user_id = 'u1' AND source = 'als'")), "dot products over the eligible items u1 may get");
      assertEquals(List.of("u1 i3 repurchase 12.000000 i3"), rows(all.where("source = 'repurchase'")),
          "i3 bought 12 whole days before the end of D, due after 7; it names itself");
      assertEquals(List.of("u1 i2", "u1 i4", "u2 i1", "u2 i2"),
          all.where("source = 'trending'").select("user_id", "item_id").collectAsList().stream()
              .map(r -> r.getString(0) + " " + r.getString(1)).sorted().toList(),
          "the week's items i1, i2, i4, minus each user's purchase (i3 was bought before the 7 trending days)");
      for (String itemItem : List.of("ease", "cooccurrence")) {
        List<Row> rows = all.where("source = '" + itemItem + "'").orderBy("user_id").collectAsList();
        assertEquals(List.of("u1 i4", "u2 i3"), rows.stream().map(r -> r.getAs("user_id") + " " + r.getAs("item_id")).toList(),
            itemItem + ": each user's one unseen eligible item");
        assertTrue(List.of("i1", "i2", "i3").contains(rows.get(0).<String>getAs("anchor_item_id")), itemItem + " names an item u1 saw");
        assertTrue(List.of("i1", "i2", "i4").contains(rows.get(1).<String>getAs("anchor_item_id")), itemItem + " names an item u2 saw");
      }
      assertEquals(all.count(), ((Number) pool.details().get(CandidatePool.CANDIDATE_ROWS)).longValue());
      assertEquals(4, pool.details().get(CandidatePool.EASE_ITEMS), "EASE covers the four items with interactions");
      assertEquals(List.of(CandidatePool.EASE_ITEMS, CandidatePool.CANDIDATE_ROWS), List.copyOf(pool.details().keySet()));

      ListParams lists = new ListParams(Map.of("als", 0.5, "content", 0.2, "trending", 0.1, "repurchase", 0.6, "cooccurrence", 0.5,
          "ease", 1.0), new SparkListAssembler.Settings(3, 0.9, 35, List.of(), 10, 42L));
      Dataset<Row> everyone = pool.lists(lists);
      assertEquals(List.of("u1 1", "u1 2", "u1 3", "u2 1", "u2 2", "u2 3"), everyone.select("user_id", "rank").collectAsList().stream()
          .map(r -> r.getString(0) + " " + r.getInt(1)).sorted().toList(), "k = 3 per user");
      assertEquals(0, everyone.where("item_id IN ('i5', 'i6') OR (user_id = 'u1' AND item_id = 'i1')").count());
      assertEquals(List.of("als-test+embed-items"), column(everyone, "model_version"));
      assertEquals(List.of(D.toString()), column(everyone, "run_date"));
      List<String> u1 = everyone.where("user_id = 'u1'").drop("components").collectAsList().stream().map(Row::toString).sorted().toList();
      assertEquals(u1, pool.lists(lists, sql("SELECT 'u1' AS user_id")).drop("components").collectAsList().stream()
          .map(Row::toString).sorted().toList(), "a user's list is the same whoever else is asked for");
      assertEquals(List.of("als"), column(pool.lists(new ListParams(Map.of("als", 1.0, "ease", 0.0), lists.assembly())), "source"),
          "a source weighted 0 adds nothing");
    }
  }

  @Test
  void excludeSeenLeavesOutEverySeenItemButTheDueRepurchase() {
    try (CandidatePool pool = CandidatePool.build(inputs(), params(true))) {
      Dataset<Row> all = pool.candidates();
      assertEquals(List.of("u1 i3 repurchase", "u1 i4 als", "u1 i4 content", "u1 i4 cooccurrence", "u1 i4 ease", "u1 i4 fallback",
              "u1 i4 trending", "u2 i3 als", "u2 i3 content", "u2 i3 cooccurrence", "u2 i3 ease"),
          all.select("user_id", "item_id", "source").collectAsList().stream()
              .map(r -> r.getString(0) + " " + r.getString(1) + " " + r.getString(2)).sorted().toList(),
          "u1 saw i1-i3, u2 i1, i2, i4; the repurchase source offers u1's due i3 all the same; i3 is not trending (bought"
              + " 12 days ago), so the fallback has nothing for u2");
      assertTrue(Arrays.asList(all.columns()).containsAll(List.of("user_id", "item_id", "source", "score", "anchor_item_id")));
    }
  }

  /**
   * u3 arrived on D with one view: known, but in no model (no factors, profile or interactions). The fallback gives
   * them a full list of the week's items; a customer not known at all gets the same kind of list under {@code *}.
   */
  @Test
  void aKnownUserOutsideEveryModelGetsAFullFallbackListAndNewCustomersTheShopsList() {
    CandidateInputs base = inputs();
    Dataset<Row> events = base.events().unionByName(sql("SELECT 'u3' AS user_id, 'i4' AS item_id, 'view' AS event_type,"
        + " CAST('2026-10-31 09:00:00' AS TIMESTAMP) AS event_time, DATE'2026-10-31' AS event_date, CAST(NULL AS DOUBLE) AS value_num"));
    CandidateInputs withU3 = new CandidateInputs(base.userFactors(), base.itemFactors(), base.interactions(), base.items(), events,
        base.embeddings(), base.profiles(), base.interests(), base.userIndex(), base.itemIndex(), base.modelVersion());
    ListParams lists = new ListParams(Map.of("als", 0.5, "content", 0.2, "fallback", 0.01),
        new SparkListAssembler.Settings(3, 1.0, 35, List.of(), 10, 42L));
    try (CandidatePool pool = CandidatePool.build(withU3, params(false))) {
      assertEquals(List.of("u1", "u2", "u3"), column(pool.users(), "user_id"), "every user with an event up to D is served");
      Dataset<Row> u3 = pool.lists(lists, sql("SELECT 'u3' AS user_id"));
      assertEquals(List.of("u3 1 fallback", "u3 2 fallback", "u3 3 fallback"), u3.select("user_id", "rank", "source").collectAsList()
          .stream().map(r -> r.getString(0) + " " + r.getInt(1) + " " + r.getString(2)).sorted().toList(), "a full list of k");
      ListParams withTrending = new ListParams(Map.of("als", 0.5, "trending", 0.1, "fallback", 0.01), lists.assembly());
      assertEquals(3, pool.lists(withTrending, sql("SELECT 'u3' AS user_id")).count(), "trending outweighs the fallback, k all the same");
      assertEquals(List.of("i1", "i2", "i4"), column(u3, "item_id"), "the week's eligible items (i3 was bought 12 days ago)");
      assertTrue(u3.collectAsList().stream().allMatch(r -> r.<String>getAs("reason").startsWith("popular in ")),
          "the fallback's reason names the category");

      Dataset<Row> newcomer = pool.newCustomerList(lists);
      assertEquals(List.of(CandidatePool.NEW_CUSTOMER), column(newcomer, "user_id"));
      assertEquals(List.of("1", "2", "3"), column(newcomer, "rank"));
      assertEquals(List.of("i1", "i2", "i4"), column(newcomer, "item_id"));
      assertEquals(0, pool.newCustomerList(new ListParams(Map.of("als", 1.0), lists.assembly())).count(),
          "no fallback weight, no new-customer list");

      Dataset<Row> served = pool.listsAsServed(lists, sql("SELECT * FROM VALUES ('u2'), ('u9') AS t(user_id)"));
      assertEquals(List.of("u2", "u9"), column(served, "user_id"), "a customer unknown at D is served the new-customer list");
      assertEquals(column(newcomer, "item_id"), column(served.where("user_id = 'u9'"), "item_id"));
    }
  }
}
