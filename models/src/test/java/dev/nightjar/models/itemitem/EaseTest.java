package dev.nightjar.models.itemitem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EaseTest extends SparkTestBase {
  private static final StructType INTERACTIONS = new StructType()
      .add(Columns.USER_IDX, DataTypes.IntegerType)
      .add(Columns.ITEM_IDX, DataTypes.IntegerType)
      .add(Columns.WEIGHT, DataTypes.DoubleType);
  private static final StructType PAIRS = new StructType()
      .add(Columns.USER_IDX, DataTypes.IntegerType)
      .add(Columns.ITEM_IDX, DataTypes.IntegerType);

  /** 12 users × 8 items, about 40% filled, weights in [0.5, 3); user row 11 has seen every item. */
  private static final double[][] X = randomMatrix(7, 12, 8);
  /** Item column c has index 3c + 1 and user row r has index 100 + r: indexes are not positions. */
  private static final int[] ITEM_IDX = {1, 4, 7, 10, 13, 16, 19, 22};
  private static final double LAMBDA = 3.0;

  @ParameterizedTest(name = "binarize {0}")
  @ValueSource(booleans = {true, false})
  void weightsEqualAPlainJavaDenseInverse(boolean binarize) {
    EaseParams params = new EaseParams(LAMBDA, 100, 64L << 20, binarize);
    try (EaseModel model = Ease.fit(interactions(X), params)) {
      double[][] expected = Reference.weights(binarize ? Reference.binary(X) : X, LAMBDA);
      assertTrue(model.coverage().complete());
      assertArrayEquals(ITEM_IDX, model.weights().items());
      double largestOffDiagonal = 0;
      for (int i = 0; i < ITEM_IDX.length; i++) {
        for (int j = 0; j < ITEM_IDX.length; j++) {
          assertEquals(expected[i][j], model.weight(ITEM_IDX[i], ITEM_IDX[j]), 1e-6, "B[" + i + "][" + j + "]");
          largestOffDiagonal = Math.max(largestOffDiagonal, Math.abs(expected[i][j]));
        }
      }
      assertTrue(largestOffDiagonal > 0.05, "the fixture must give non-trivial weights, got " + largestOffDiagonal);
    }
  }

  @Test
  void topNEqualsBruteForceScoresWithSeenAndExcludedItemsLeftOut() {
    int n = 4;
    EaseParams params = new EaseParams(LAMBDA, 100, 64L << 20, true);
    double[][] x = Reference.binary(X);
    double[][] b = Reference.weights(x, LAMBDA);
    // user row 0 is also told never to get the first item it has not seen
    int excludedColumn = 0;
    while (x[0][excludedColumn] > 0) {
      excludedColumn++;
    }
    Dataset<Row> exclusions = spark().createDataFrame(
        List.of(RowFactory.create(100, ITEM_IDX[excludedColumn]), RowFactory.create(999, 1)), PAIRS);
    List<Row> rows;
    try (EaseModel model = Ease.fit(interactions(X), params)) {
      Dataset<Row> recs = model.recommend(interactions(X), exclusions, n);
      assertEquals(EaseModel.OUTPUT_SCHEMA.simpleString(), recs.schema().simpleString());
      rows = recs.collectAsList();
    }
    Map<Integer, List<Row>> byUser = new HashMap<>();
    rows.forEach(r -> byUser.computeIfAbsent(r.getInt(0), u -> new ArrayList<>()).add(r));
    assertFalse(byUser.containsKey(111), "user row 11 has seen every item, so it gets nothing");
    for (int u = 0; u < 11; u++) {
      List<Row> list = byUser.get(100 + u);
      list.sort(Comparator.comparingInt(r -> r.getInt(3)));
      // brute force: X·B, seen (and the one exclusion) left out, score desc then index asc
      List<Integer> candidates = new ArrayList<>();
      double[] scores = new double[ITEM_IDX.length];
      for (int j = 0; j < ITEM_IDX.length; j++) {
        for (int i = 0; i < ITEM_IDX.length; i++) {
          scores[j] += x[u][i] * b[i][j];
        }
        if (x[u][j] == 0 && !(u == 0 && j == excludedColumn)) {
          candidates.add(j);
        }
      }
      candidates.sort(Comparator.<Integer>comparingDouble(j -> -scores[j]).thenComparingInt(j -> j));
      assertEquals(Math.min(n, candidates.size()), list.size(), "list length of user row " + u);
      for (int r = 0; r < list.size(); r++) {
        Row row = list.get(r);
        int column = Arrays.binarySearch(ITEM_IDX, row.getInt(1));
        assertEquals(r + 1, row.getInt(3));
        assertEquals(0.0, x[u][column], "user row " + u + " got seen item " + row.getInt(1));
        assertFalse(u == 0 && column == excludedColumn, "the excluded item was recommended");
        assertEquals(scores[candidates.get(r)], row.getDouble(2), 1e-5, "score at rank " + (r + 1));
        assertEquals(scores[column], row.getDouble(2), 1e-5, "score of item " + row.getInt(1));
        boolean clearWinner = r + 1 >= candidates.size()
            || scores[candidates.get(r)] - scores[candidates.get(r + 1)] > 1e-5;
        if (clearWinner && (r == 0 || scores[candidates.get(r - 1)] - scores[candidates.get(r)] > 1e-5)) {
          assertEquals(ITEM_IDX[candidates.get(r)], row.getInt(1), "item at rank " + (r + 1) + " of user row " + u);
        }
        // because: the seen item with the largest x·B[i][j] (ties: lower index)
        int because = -1;
        for (int i = 0; i < ITEM_IDX.length; i++) {
          if (x[u][i] > 0 && (because < 0 || x[u][i] * b[i][column] > x[u][because] * b[because][column] + 1e-9)) {
            because = i;
          }
        }
        assertEquals(ITEM_IDX[because], row.getInt(4), "because item of user row " + u + ", item " + row.getInt(1));
      }
    }
  }

  /**
   * Two disjoint groups of four items; each user holds two items of one group. EASE's weights
   * across groups are exactly 0, so a user's own group comes first and the other group follows at
   * score 0 in item index order.
   */
  @Test
  void plantedGroupsAreRecommendedWithinTheGroupAndZeroScoresTieByItemIndex() {
    int[][] groups = {{30, 31, 32, 33}, {40, 41, 42, 43}};
    List<Row> rows = new ArrayList<>();
    int user = 0;
    for (int[] group : groups) {
      for (int a = 0; a < 4; a++) {
        for (int c = a + 1; c < 4; c++) {
          for (int copy = 0; copy < 2; copy++, user++) {
            rows.add(RowFactory.create(user, group[a], 1.0));
            rows.add(RowFactory.create(user, group[c], 1.0));
          }
        }
      }
    }
    Dataset<Row> interactions = spark().createDataFrame(rows, INTERACTIONS);
    List<Row> recs;
    try (EaseModel model = Ease.fit(interactions, new EaseParams(2.0, 100, 64L << 20, true))) {
      assertEquals(0.0, model.weight(30, 41));
      assertTrue(model.weight(30, 31) > 0.01, "items of one group support each other");
      recs = model.recommend(interactions, null, 6).where("user_idx = 0").orderBy("rank").collectAsList();
    }
    // user 0 holds 30 and 31
    assertEquals(List.of(32, 33), recs.subList(0, 2).stream().map(r -> r.getInt(1)).sorted().toList());
    assertTrue(recs.get(1).getDouble(2) > 0.01, "own group first, with a positive score");
    assertEquals(List.of(40, 41, 42, 43), recs.subList(2, 6).stream().map(r -> r.getInt(1)).toList(),
        "the other group at score 0, ties by item index");
    assertTrue(recs.subList(2, 6).stream().allMatch(r -> r.getDouble(2) == 0.0));
    assertTrue(recs.stream().allMatch(r -> r.getInt(4) == 30 || r.getInt(4) == 31), "because items are seen items");
  }

  @Test
  void aboveMaxItemsOnlyTheMostActiveItemsAreCoveredAndALogLineSaysSo() {
    // users per item: 5 → 6, 2 → 5, 7 → 4, 1 → 4 (tie with 7: the lower index wins), 3 → 2, 0, 4, 6 → 1
    int[][] usersOfItem = {{0}, {0, 1, 2, 3}, {1, 2, 3, 4, 5}, {4, 5}, {6}, {0, 1, 2, 3, 4, 5}, {7}, {4, 5, 6, 7}};
    List<Row> rows = new ArrayList<>();
    double[][] x = new double[8][8];
    for (int item = 0; item < usersOfItem.length; item++) {
      for (int u : usersOfItem[item]) {
        rows.add(RowFactory.create(u, item, 1.0));
        x[u][item] = 1;
      }
    }
    Dataset<Row> interactions = spark().createDataFrame(rows, INTERACTIONS);
    List<String> logged = new CopyOnWriteArrayList<>();
    EaseModel model;
    try (AutoCloseable capture = captureWarnings(logged)) {
      model = Ease.fit(interactions, new EaseParams(LAMBDA, 3, 64L << 20, true));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    try (model) {
      assertArrayEquals(new int[] {1, 2, 5}, model.weights().items());
      assertEquals(new EaseModel.Coverage(3, 8, 3), model.coverage());
      String message = model.coverage().message();
      assertTrue(message.contains("EASE covers 3 of 8 items") && message.contains("nightjar.ease.maxItems = 3")
          && message.contains("the other 5 fall to ALS/content"), message);
      assertTrue(logged.contains(message), "logged at WARN: " + logged);
      // B over the covered items equals the reference on X restricted to them
      double[][] covered = new double[8][3];
      int[] columns = {1, 2, 5};
      for (int u = 0; u < 8; u++) {
        for (int c = 0; c < 3; c++) {
          covered[u][c] = x[u][columns[c]];
        }
      }
      double[][] expected = Reference.weights(covered, LAMBDA);
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          assertEquals(expected[i][j], model.weight(columns[i], columns[j]), 1e-6);
        }
      }
      assertThrows(IllegalArgumentException.class, () -> model.weight(7, 1));
      List<Row> recs = model.recommend(interactions, null, 10).collectAsList();
      assertFalse(recs.isEmpty());
      assertTrue(recs.stream().allMatch(r -> Arrays.asList(1, 2, 5).contains(r.getInt(1))),
          "only covered items are recommended");
      assertTrue(recs.stream().noneMatch(r -> x[r.getInt(0)][r.getInt(1)] > 0), "no seen item");
      assertTrue(recs.stream().noneMatch(r -> r.getInt(0) == 6 || r.getInt(0) == 7),
          "users without a covered item get nothing from EASE");
    }
  }

  @Test
  void refusesWhenTheCoveredItemsWouldExceedTheDriverBudget() {
    Dataset<Row> interactions = interactions(X);
    // 8 items need 8² × 24 = 1536 bytes; 1000 bytes hold at most 6 (864)
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> Ease.fit(interactions, new EaseParams(LAMBDA, 100, 1000, true)));
    assertTrue(refused.getMessage().contains("EASE over 8 items")
        && refused.getMessage().contains("nightjar.ease.driverBudgetBytes")
        && refused.getMessage().contains("set nightjar.ease.maxItems to at most 6"), refused.getMessage());
    try (EaseModel model = Ease.fit(interactions, new EaseParams(LAMBDA, 6, 1000, true))) {
      assertEquals(6, model.coverage().coveredItems(), "following the advice works");
    }
  }

  @Test
  void paramsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> new EaseParams(0, 10, 1 << 20, true));
    assertThrows(IllegalArgumentException.class, () -> new EaseParams(Double.NaN, 10, 1 << 20, true));
    assertThrows(IllegalArgumentException.class, () -> new EaseParams(1, 0, 1 << 20, true));
    assertThrows(IllegalArgumentException.class, () -> new EaseParams(1, EaseParams.MAX_ITEMS + 1, 1 << 20, true));
    assertEquals(6, new EaseParams(1, 10, 1000, true).itemsWithinBudget());
    assertEquals(216_000_000L, EaseParams.driverBytes(3000));
    assertTrue(EaseParams.driverBytes(EaseParams.DEFAULT_MAX_ITEMS) <= EaseParams.DEFAULT_DRIVER_BUDGET_BYTES,
        "the defaults pass the guard");
  }

  private static Dataset<Row> interactions(double[][] x) {
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < x.length; u++) {
      for (int i = 0; i < x[u].length; i++) {
        if (x[u][i] > 0) {
          rows.add(RowFactory.create(100 + u, ITEM_IDX[i], x[u][i]));
        }
      }
    }
    return spark().createDataFrame(rows, INTERACTIONS);
  }

  private static double[][] randomMatrix(long seed, int users, int items) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][] x = new double[users][items];
    for (int u = 0; u < users; u++) {
      for (int i = 0; i < items; i++) {
        if (u == users - 1 || random.nextDouble() < 0.4) {
          x[u][i] = 0.5 + random.nextDouble() * 2.5;
        }
      }
    }
    return x;
  }

  /** Records the formatted WARN (and above) messages of every logger until closed. */
  private static AutoCloseable captureWarnings(List<String> into) {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    AbstractAppender appender = new AbstractAppender("ease-test-capture", null, null, true, Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        into.add(event.getMessage().getFormattedMessage());
      }
    };
    appender.start();
    config.getLoggerConfig(Ease.class.getName()).addAppender(appender, Level.WARN, null);
    context.updateLoggers();
    return () -> {
      config.getLoggerConfig(Ease.class.getName()).removeAppender(appender.getName());
      context.updateLoggers();
      appender.stop();
    };
  }

  /** Plain-Java EASE: Gram in double, Gauss–Jordan inverse with partial pivoting, B = I − P·diag(1/diag P). */
  static final class Reference {
    static double[][] binary(double[][] x) {
      double[][] out = new double[x.length][];
      for (int u = 0; u < x.length; u++) {
        out[u] = Arrays.stream(x[u]).map(v -> v > 0 ? 1 : 0).toArray();
      }
      return out;
    }

    static double[][] weights(double[][] x, double lambda) {
      int n = x[0].length;
      double[][] a = new double[n][2 * n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          for (double[] row : x) {
            a[i][j] += row[i] * row[j];
          }
        }
        a[i][i] += lambda;
        a[i][n + i] = 1;
      }
      for (int c = 0; c < n; c++) {
        int pivot = c;
        for (int r = c + 1; r < n; r++) {
          if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
            pivot = r;
          }
        }
        double[] swap = a[c];
        a[c] = a[pivot];
        a[pivot] = swap;
        double d = a[c][c];
        for (int k = 0; k < 2 * n; k++) {
          a[c][k] /= d;
        }
        for (int r = 0; r < n; r++) {
          if (r != c && a[r][c] != 0) {
            double f = a[r][c];
            for (int k = 0; k < 2 * n; k++) {
              a[r][k] -= f * a[c][k];
            }
          }
        }
      }
      double[][] b = new double[n][n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          b[i][j] = i == j ? 0 : -a[i][n + j] / a[j][n + j];
        }
      }
      return b;
    }
  }
}
