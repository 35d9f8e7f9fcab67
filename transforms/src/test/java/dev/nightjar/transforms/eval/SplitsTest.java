package dev.nightjar.transforms.eval;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.transforms.SchemaCheck;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SplitsTest extends SparkTestBase {
  static final StructType SCHEMA =
      new StructType()
          .add("user_id", DataTypes.StringType)
          .add("item_id", DataTypes.StringType)
          .add("event_time", DataTypes.TimestampType)
          .add("event_key", DataTypes.StringType);
  static final Instant BASE = Instant.parse("2026-10-01T00:00:00Z");

  /** 30 users with 1..10 rows (one user with 100), items repeat, every row a distinct time and key. */
  static List<Row> interactions(long seed) {
    Random r = new Random(seed);
    List<int[]> userRows = new ArrayList<>();
    for (int u = 0; u < 30; u++) {
      int n = u == 0 ? 100 : 1 + r.nextInt(10);
      for (int j = 0; j < n; j++) {
        userRows.add(new int[] {u, r.nextInt(15)});
      }
    }
    List<Integer> times = new ArrayList<>();
    for (int i = 0; i < userRows.size(); i++) {
      times.add(i);
    }
    Collections.shuffle(times, r);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < userRows.size(); i++) {
      rows.add(
          RowFactory.create(
              "u" + userRows.get(i)[0],
              "i" + userRows.get(i)[1],
              Timestamp.from(BASE.plusSeconds(600L * times.get(i))),
              "e" + i));
    }
    return rows;
  }

  static Dataset<Row> df(List<Row> rows) {
    return spark().createDataFrame(rows, SCHEMA);
  }

  static Map<String, List<Row>> byUser(List<Row> rows) {
    return rows.stream().collect(Collectors.groupingBy(r -> r.getString(0)));
  }

  static Set<String> keys(List<Row> rows) {
    return rows.stream().map(r -> r.getString(3)).collect(Collectors.toSet());
  }

  /** Train and test are disjoint and together exactly the input (keys are unique). */
  static void assertPartition(List<Row> input, List<Row> train, List<Row> test) {
    Set<String> trainKeys = keys(train);
    Set<String> testKeys = keys(test);
    assertEquals(train.size(), trainKeys.size());
    assertEquals(test.size(), testKeys.size());
    assertTrue(Collections.disjoint(trainKeys, testKeys), "no row on both sides");
    Set<String> union = new HashSet<>(trainKeys);
    union.addAll(testKeys);
    assertEquals(keys(input), union, "train ∪ test = input");
    assertEquals(
        input.stream().map(Row::toString).sorted().toList(),
        Stream.concat(train.stream(), test.stream()).map(Row::toString).sorted().toList(),
        "every column kept unchanged");
  }

  @Test
  void temporalPutsEverythingBeforeTheCutoffInTrain() {
    List<Row> input = interactions(1);
    Timestamp cutoff = Timestamp.from(BASE.plusSeconds(600L * (input.size() / 2)));
    Split split = Splits.temporal(df(input), cutoff);
    List<Row> train = split.train().collectAsList();
    List<Row> test = split.test().collectAsList();
    assertTrue(train.stream().allMatch(r -> r.getTimestamp(2).before(cutoff)), "no train row at or after the cutoff");
    assertTrue(test.stream().noneMatch(r -> r.getTimestamp(2).before(cutoff)), "no test row before the cutoff");
    assertTrue(test.stream().anyMatch(r -> r.getTimestamp(2).equals(cutoff)), "a row at the cutoff is in test");
    assertPartition(input, train, test);
  }

  static long expectedTrain(long n, double ratio) {
    return Math.max(1, (long) Math.floor(ratio * n + Splits.FLOOR_EPSILON));
  }

  @Test
  void stratifiedKeepsTheRatioPerUserAndDependsOnlyOnTheSeed() {
    List<Row> input = interactions(2);
    Map<String, List<Row>> inputByUser = byUser(input);
    for (double ratio : new double[] {0.29, 0.5, 0.8}) {
      Split split = Splits.stratified(df(input), ratio, 7L);
      List<Row> train = split.train().collectAsList();
      List<Row> test = split.test().collectAsList();
      assertPartition(input, train, test);
      Map<String, List<Row>> trainByUser = byUser(train);
      inputByUser.forEach((user, rows) -> {
        long want = expectedTrain(rows.size(), ratio);
        assertEquals(want, trainByUser.getOrDefault(user, List.of()).size(), user + " with " + rows.size() + " rows at ratio " + ratio);
      });
      if (ratio == 0.29) {
        assertEquals(29, trainByUser.get("u0").size(), "0.29 × 100 floors to 29, not 28");
      }
    }
    assertTrue(inputByUser.values().stream().anyMatch(rows -> rows.size() == 1), "the data has one-row users");

    List<String> first = sortedRows(Splits.stratified(df(input), 0.8, 7L).train());
    List<Row> shuffled = new ArrayList<>(input);
    Collections.shuffle(shuffled, new Random(3));
    List<String> again = sortedRows(Splits.stratified(df(shuffled).repartition(5), 0.8, 7L).train());
    assertEquals(first, again, "same seed, other order and partitioning: same split");
    assertNotEquals(first, sortedRows(Splits.stratified(df(input), 0.8, 8L).train()), "another seed: another split");
  }

  @Test
  void lastNPutsEachUsersLatestRowsInTest() {
    List<Row> input = interactions(3);
    int n = 2;
    Split split = Splits.lastN(df(input).repartition(3), n);
    List<Row> train = split.train().collectAsList();
    List<Row> test = split.test().collectAsList();
    assertPartition(input, train, test);
    Map<String, List<Row>> testByUser = byUser(test);
    byUser(input).forEach((user, rows) -> {
      Set<String> latest =
          keys(rows.stream().sorted(Comparator.comparing((Row r) -> r.getTimestamp(2)).reversed()).limit(n).toList());
      assertEquals(latest, keys(testByUser.getOrDefault(user, List.of())), user);
    });
  }

  @Test
  void truthDropsItemsTheUserHadInTrain() {
    Dataset<Row> train = spark().sql("SELECT * FROM VALUES ('a', 'x'), ('a', 'y'), ('c', 'z') AS t(user_id, item_id)");
    Dataset<Row> test =
        spark().sql("SELECT * FROM VALUES ('a', 'x'), ('a', 'z'), ('a', 'z'), ('b', 'x'), ('b', NULL) AS t(user_id, item_id)");
    assertEquals(List.of("[a,z]", "[b,x]"), sortedRows(new Split(train, test).truth()));
  }

  @Test
  void badInputsFailAtOnce() {
    Dataset<Row> noTime = spark().sql("SELECT 'a' AS user_id, 'x' AS item_id");
    SchemaCheck.SchemaMismatchException e =
        assertThrows(SchemaCheck.SchemaMismatchException.class, () -> Splits.lastN(noTime, 1));
    assertTrue(e.getMessage().contains("'event_time'"), e.getMessage());
    Dataset<Row> ok = df(interactions(4));
    assertThrows(IllegalArgumentException.class, () -> Splits.stratified(ok, 1.0, 1L));
    assertThrows(IllegalArgumentException.class, () -> Splits.stratified(ok, 0.0, 1L));
    assertThrows(IllegalArgumentException.class, () -> Splits.lastN(ok, 0));
    assertThrows(NullPointerException.class, () -> Splits.temporal(ok, null));
  }
}
