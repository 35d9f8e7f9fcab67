package dev.nightjar.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nightjar.transforms.CoOccurrenceParams.Similarity;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CoOccurrenceTest extends SparkTestBase {
  private static final StructType INTERACTIONS = new StructType()
      .add(Columns.USER_ID, DataTypes.StringType)
      .add(Columns.ITEM_ID, DataTypes.StringType)
      .add(Columns.WEIGHT, DataTypes.DoubleType)
      .add(Columns.LAST_EVENT_TIME, DataTypes.TimestampType);

  /** user, item, weight, day of the last event. u7's oldest item (b, day 0) falls outside a cap of 3. */
  private static final List<Event> EVENTS = List.of(
      new Event("u1", "a", 1.0, 1), new Event("u1", "b", 2.0, 2), new Event("u1", "c", 1.0, 3),
      new Event("u2", "a", 1.0, 1), new Event("u2", "b", 1.0, 2),
      new Event("u3", "b", 3.0, 3), new Event("u3", "c", 1.0, 1), new Event("u3", "d", 1.0, 2),
      new Event("u4", "a", 1.0, 4), new Event("u4", "c", 2.0, 2), new Event("u4", "d", 1.0, 1),
      new Event("u5", "d", 1.0, 1), new Event("u5", "e", 2.0, 2),
      new Event("u6", "e", 1.0, 3), new Event("u6", "f", 1.0, 2), new Event("u6", "a", 1.0, 1),
      new Event("u7", "c", 1.0, 1), new Event("u7", "e", 1.0, 2), new Event("u7", "f", 2.0, 3), new Event("u7", "b", 1.0, 0),
      new Event("u8", "a", 0.5, 5));

  record Event(String user, String item, double weight, int day) {}

  @ParameterizedTest(name = "{0}, minCoCount {1}, {2} neighbours")
  @CsvSource({"JACCARD, 1, 10", "LIFT, 2, 10", "COSINE, 1, 2"})
  void similaritiesEqualAPlainJavaReference(Similarity similarity, int minCoCount, int neighbours) {
    CoOccurrenceParams p = new CoOccurrenceParams(similarity, minCoCount, 3, neighbours, 10, true);
    Map<String, List<Neighbour>> expected = Reference.similarities(EVENTS, p);
    Map<String, List<Row>> actual = new TreeMap<>();
    for (Row row : CoOccurrence.similarities(interactions(EVENTS), p).collectAsList()) {
      actual.computeIfAbsent(row.getString(0), i -> new ArrayList<>()).add(row);
    }
    assertEquals(expected.keySet(), actual.keySet(), "items with neighbours");
    int pairs = 0;
    for (Map.Entry<String, List<Neighbour>> e : expected.entrySet()) {
      List<Row> rows = actual.get(e.getKey());
      rows.sort(Comparator.comparingInt(r -> r.getInt(4)));
      assertTrue(rows.size() <= neighbours, "at most " + neighbours + " neighbours");
      assertEquals(e.getValue().stream().map(Neighbour::item).toList(), rows.stream().map(r -> r.getString(1)).toList(),
          "neighbours of " + e.getKey() + " in rank order");
      for (int r = 0; r < rows.size(); r++) {
        assertEquals(e.getValue().get(r).similarity(), rows.get(r).getDouble(2), 1e-12);
        assertEquals(e.getValue().get(r).coCount(), rows.get(r).getLong(3));
        assertEquals(r + 1, rows.get(r).getInt(4));
        pairs++;
      }
    }
    assertTrue(pairs >= 8, "the fixture must give several pairs, got " + pairs);
    if (minCoCount > 1) {
      assertTrue(Reference.similarities(EVENTS, new CoOccurrenceParams(similarity, 1, 3, neighbours, 10, true))
          .values().stream().mapToInt(List::size).sum() > pairs, "the minimum count drops pairs");
    }
    if (neighbours < 10) {
      assertTrue(Reference.similarities(EVENTS, new CoOccurrenceParams(similarity, minCoCount, 3, 10, 10, true))
          .values().stream().anyMatch(l -> l.size() > neighbours), "the top-M cap cuts lists");
    }
  }

  @Test
  void recommendationsEqualAPlainJavaReferenceAndNeverHoldSeenItems() {
    CoOccurrenceParams p = new CoOccurrenceParams(Similarity.COSINE, 1, 3, 10, 3, true);
    Dataset<Row> interactions = interactions(EVENTS);
    Dataset<Row> recs = CoOccurrence.recommend(interactions, p);
    assertEquals("struct<user_id:string,item_id:string,score:double,rank:int,because_item_id:string>",
        recs.schema().simpleString());
    Map<String, List<Row>> actual = new TreeMap<>();
    for (Row row : recs.collectAsList()) {
      actual.computeIfAbsent(row.getString(0), u -> new ArrayList<>()).add(row);
    }
    Map<String, List<Reference.Scored>> expected = Reference.recommend(EVENTS, p);
    assertEquals(expected.keySet(), actual.keySet());
    Map<String, Set<String>> seen = EVENTS.stream()
        .collect(Collectors.groupingBy(Event::user, Collectors.mapping(Event::item, Collectors.toSet())));
    for (Map.Entry<String, List<Reference.Scored>> e : expected.entrySet()) {
      List<Row> rows = actual.get(e.getKey());
      rows.sort(Comparator.comparingInt(r -> r.getInt(3)));
      assertEquals(e.getValue().stream().map(Reference.Scored::item).toList(), rows.stream().map(r -> r.getString(1)).toList(),
          "list of " + e.getKey());
      for (int r = 0; r < rows.size(); r++) {
        assertEquals(e.getValue().get(r).score(), rows.get(r).getDouble(2), 1e-12);
        assertEquals(r + 1, rows.get(r).getInt(3));
        assertEquals(e.getValue().get(r).because(), rows.get(r).getString(4), "because item of " + e.getKey());
        assertFalse(seen.get(e.getKey()).contains(rows.get(r).getString(1)), e.getKey() + " got a seen item");
      }
    }
    // u7's b is outside its 3 most recent items (c, e, f), so it gives u7 no scores, but it is still
    // seen: b is a neighbour of c, so if only the recent items were left out, b would be recommended.
    assertTrue(Reference.recommend(EVENTS, p, Set.of("c", "e", "f")).get("u7").stream().anyMatch(s -> s.item().equals("b")));
    assertTrue(actual.get("u7").stream().noneMatch(r -> r.getString(1).equals("b")));
  }

  /** Item ids compare as strings: "item-10" sorts before "item-9", whatever their numbers say. */
  @Test
  void equalSimilaritiesAndScoresTieByItemIdAscending() {
    List<Event> events = List.of(
        new Event("v1", "x", 1.0, 1), new Event("v1", "item-9", 1.0, 1),
        new Event("v2", "x", 1.0, 1), new Event("v2", "item-10", 1.0, 1),
        new Event("v3", "x", 1.0, 1));
    CoOccurrenceParams p = new CoOccurrenceParams(Similarity.JACCARD, 1, 10, 1, 2, true);
    Dataset<Row> interactions = interactions(events);
    Dataset<Row> similar = CoOccurrence.similarities(interactions, p);
    assertEquals(List.of("[x,item-10,0.3333333333333333,1,1]"),
        sortedRows(similar.where("item_id = 'x'")), "one neighbour kept: the lower id of two at 1/3");
    assertEquals(List.of("[v3,item-10,0.3333333333333333,1,x]"),
        sortedRows(CoOccurrence.recommend(interactions, similar, p).where("user_id = 'v3'")));
    CoOccurrenceParams two = new CoOccurrenceParams(Similarity.JACCARD, 1, 10, 2, 2, true);
    assertEquals(List.of("[v3,item-10,0.3333333333333333,1,x]", "[v3,item-9,0.3333333333333333,2,x]"),
        sortedRows(CoOccurrence.recommend(interactions, two).where("user_id = 'v3'")), "equal scores: lower id first");
  }

  @Test
  void paramsAreValidated() {
    assertEquals(Similarity.COSINE, Similarity.parse(" Cosine "));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Similarity.parse("pearson"));
    assertTrue(bad.getMessage().contains("jaccard, lift, cosine"));
    assertThrows(IllegalArgumentException.class, () -> new CoOccurrenceParams(Similarity.LIFT, 0, 1, 1, 1, true));
    assertThrows(IllegalArgumentException.class, () -> new CoOccurrenceParams(Similarity.LIFT, 1, 0, 1, 1, true));
    assertThrows(IllegalArgumentException.class, () -> new CoOccurrenceParams(Similarity.LIFT, 1, 1, 0, 1, true));
    assertThrows(IllegalArgumentException.class, () -> new CoOccurrenceParams(Similarity.LIFT, 1, 1, 1, 0, true));
    assertThrows(SchemaCheck.SchemaMismatchException.class, () -> CoOccurrence.similarities(
        interactions(EVENTS).drop(Columns.LAST_EVENT_TIME), CoOccurrenceParams.defaults()));
  }

  private static Dataset<Row> interactions(List<Event> events) {
    List<Row> rows = events.stream()
        .map(e -> RowFactory.create(e.user(), e.item(), e.weight(), new Timestamp(86_400_000L * e.day())))
        .toList();
    return spark().createDataFrame(rows, INTERACTIONS);
  }

  record Neighbour(String item, double similarity, long coCount) {}

  /** The definitions, in plain Java over the event list. */
  static final class Reference {
    record Scored(String item, double score, String because) {}

    /** Each user's items after the cap: most recent, then heaviest, then lowest id. */
    static Map<String, List<Event>> capped(List<Event> events, int maxItemsPerUser) {
      Map<String, List<Event>> byUser = new TreeMap<>();
      for (Event e : events) {
        byUser.computeIfAbsent(e.user(), u -> new ArrayList<>()).add(e);
      }
      byUser.replaceAll((u, list) -> list.stream()
          .sorted(Comparator.comparingInt(Event::day).reversed()
              .thenComparing(Comparator.comparingDouble(Event::weight).reversed())
              .thenComparing(Event::item))
          .limit(maxItemsPerUser).toList());
      return byUser;
    }

    static Map<String, List<Neighbour>> similarities(List<Event> events, CoOccurrenceParams p) {
      Map<String, Integer> users = new HashMap<>();
      Map<String, Map<String, Integer>> co = new TreeMap<>();
      for (List<Event> list : capped(events, p.maxItemsPerUser()).values()) {
        for (Event a : list) {
          users.merge(a.item(), 1, Integer::sum);
          for (Event b : list) {
            if (!a.item().equals(b.item())) {
              co.computeIfAbsent(a.item(), i -> new TreeMap<>()).merge(b.item(), 1, Integer::sum);
            }
          }
        }
      }
      Map<String, List<Neighbour>> out = new TreeMap<>();
      co.forEach((i, row) -> {
        List<Neighbour> list = new ArrayList<>();
        row.forEach((j, c) -> {
          if (c >= p.minCoCount()) {
            double ci = users.get(i);
            double cj = users.get(j);
            double s = switch (p.similarity()) {
              case JACCARD -> c / (ci + cj - c);
              case LIFT -> c / (ci * cj);
              case COSINE -> c / Math.sqrt(ci * cj);
            };
            list.add(new Neighbour(j, s, c));
          }
        });
        list.sort(Comparator.comparingDouble(Neighbour::similarity).reversed().thenComparing(Neighbour::item));
        if (!list.isEmpty()) {
          out.put(i, List.copyOf(list.subList(0, Math.min(p.neighboursPerItem(), list.size()))));
        }
      });
      return out;
    }

    static Map<String, List<Scored>> recommend(List<Event> events, CoOccurrenceParams p) {
      Map<String, Set<String>> seen = new HashMap<>();
      events.forEach(e -> seen.computeIfAbsent(e.user(), u -> new TreeSet<>()).add(e.item()));
      Map<String, List<Scored>> out = new TreeMap<>();
      seen.forEach((u, items) -> {
        List<Scored> list = recommend(events, p, items).get(u);
        if (list != null) {
          out.put(u, list);
        }
      });
      return out;
    }

    /** Every user's list leaving out only {@code excluded} items (for every user). */
    static Map<String, List<Scored>> recommend(List<Event> events, CoOccurrenceParams p, Set<String> excluded) {
      Map<String, List<Neighbour>> similar = similarities(events, p);
      Map<String, List<Scored>> out = new TreeMap<>();
      capped(events, p.maxItemsPerUser()).forEach((u, history) -> {
        Map<String, Double> score = new TreeMap<>();
        Map<String, String> because = new HashMap<>();
        Map<String, Double> best = new HashMap<>();
        for (Event e : history.stream().sorted(Comparator.comparing(Event::item)).toList()) {
          for (Neighbour n : similar.getOrDefault(e.item(), List.of())) {
            if (excluded.contains(n.item())) {
              continue;
            }
            double contribution = (p.weightedAffinity() ? e.weight() : 1.0) * n.similarity();
            score.merge(n.item(), contribution, Double::sum);
            if (contribution > best.getOrDefault(n.item(), Double.NEGATIVE_INFINITY)) {
              best.put(n.item(), contribution);
              because.put(n.item(), e.item());
            }
          }
        }
        List<Scored> list = score.entrySet().stream()
            .map(s -> new Scored(s.getKey(), s.getValue(), because.get(s.getKey())))
            .sorted(Comparator.comparingDouble(Scored::score).reversed().thenComparing(Scored::item))
            .limit(p.topN()).toList();
        if (!list.isEmpty()) {
          out.put(u, list);
        }
      });
      return out;
    }
  }
}
