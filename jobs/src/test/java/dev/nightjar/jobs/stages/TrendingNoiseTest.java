package dev.nightjar.jobs.stages;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.transforms.privacy.DpParams;
import dev.nightjar.transforms.privacy.Grid;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The wiring of differential privacy into trending popularity (the sampler's distribution is
 * DiscreteLaplaceTest's and LaplaceNoiseTest's): off gives the exact sums, on bounds each user's
 * contribution on the grid and adds noise of the configured scale over every eligible item, releasing
 * grid multiples, deterministically per seed.
 */
class TrendingNoiseTest extends SparkTestBase {
  static final StructType CONTRIBUTIONS =
      new StructType().add("user_id", DataTypes.StringType).add("item_id", DataTypes.StringType).add("weight", DataTypes.DoubleType);
  static final StructType ELIGIBLE = new StructType().add("item_id", DataTypes.StringType).add("category", DataTypes.StringType);

  static Dataset<Row> contributions(Object[]... rows) {
    List<Row> list = new ArrayList<>();
    for (Object[] r : rows) {
      list.add(RowFactory.create(r));
    }
    return spark().createDataFrame(list, CONTRIBUTIONS);
  }

  static Dataset<Row> eligible(String... items) {
    List<Row> list = new ArrayList<>();
    for (String item : items) {
      list.add(RowFactory.create(item, "C"));
    }
    return spark().createDataFrame(list, ELIGIBLE);
  }

  static Map<String, Double> scores(Dataset<Row> popularity) {
    Map<String, Double> out = new TreeMap<>();
    for (Row r : popularity.select("item_id", "score").collectAsList()) {
      out.put(r.getString(0), r.getDouble(1));
    }
    return out;
  }

  static final Grid HUNDREDTHS = new Grid(100);

  /** u1 is heavy (three items, big weights); u2 touches a and c lightly; d is eligible but untouched, e not eligible. */
  static final Object[][] HEAVY_USER = {
      {"u1", "a", 10.0}, {"u1", "b", 4.0}, {"u1", "c", 1.0}, {"u2", "a", 1.0}, {"u2", "c", 2.0}, {"u2", "e", 3.0}};

  @Test
  void offGivesTheExactSumsOverEligibleItems() {
    Map<String, Double> off = scores(TrendingNoise.off().popularity(contributions(HEAVY_USER), eligible("a", "b", "c", "d")));
    assertEquals(Map.of("a", 11.0, "b", 4.0, "c", 3.0), off, "exact, unclipped sums; as before the knob existed");
  }

  @Test
  void onBoundsEachUsersContributionToItsHeaviestItemsClipped() {
    // ε = +∞ keeps the bounding but adds no noise, so the bounded sums show exactly.
    TrendingNoise bounded = new TrendingNoise(DpParams.laplace(Double.POSITIVE_INFINITY, 2 * 500), 1L, 2, 500, HUNDREDTHS);
    Map<String, Double> on = scores(bounded.popularity(contributions(HEAVY_USER), eligible("a", "b", "c", "d")));
    // u1 keeps a (10 → clipped to 5) and b (4), drops c; u2 keeps c (2) and e (3, not eligible), drops a (1).
    assertEquals(Map.of("a", 5.0, "b", 4.0, "c", 2.0, "d", 0.0), on,
        "every eligible item is released, the untouched one too, so absence reveals nothing");
  }

  @Test
  void onRoundsEachWeightToTheGridBeforeSumming() {
    TrendingNoise exactOnGrid = new TrendingNoise(DpParams.laplace(Double.POSITIVE_INFINITY, 1 * 500), 1L, 1, 500, HUNDREDTHS);
    Dataset<Row> fractional = contributions(
        new Object[] {"u1", "a", 1.234}, new Object[] {"u2", "a", 1.236}, new Object[] {"u3", "b", 0.004}, new Object[] {"u4", "b", 7.5});
    Map<String, Double> on = scores(exactOnGrid.popularity(fractional, eligible("a", "b")));
    // a: 1.23 + 1.24 (half up, per contribution); b: 0.004 rounds to 0, 7.5 is clipped to 5
    assertEquals(2.47, on.get("a"), 1e-12);
    assertEquals(5.0, on.get("b"), 1e-12);
  }

  @Test
  void aSensitivityBelowWhatOneUserCanChangeIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TrendingNoise(DpParams.laplace(1.0, 5.0), 1L, 2, 500, HUNDREDTHS));
    assertTrue(e.getMessage().contains("2 items × 500 units"), e.getMessage());
  }

  @Test
  void noiseHasTheScaleSensitivityOverEpsilonOnTheGridAndIsDeterministicPerSeed() {
    int items = 2000;
    int usersPerItem = 20;
    List<Object[]> rows = new ArrayList<>();
    String[] ids = new String[items];
    for (int i = 0; i < items; i++) {
      ids[i] = String.format("i%05d", i);
      for (int u = 0; u < usersPerItem; u++) {
        rows.add(new Object[] {"u" + i + "_" + u, ids[i], 1.0});
      }
    }
    Dataset<Row> contributions = contributions(rows.toArray(Object[][]::new));
    Dataset<Row> eligible = eligible(ids);
    Grid tenths = new Grid(10);
    double epsilon = 0.5;
    // one item per user, weights clipped to 1.0 = 10 units: Δ = 10 units, t = 20 units = 2.0 in weight
    DpParams dp = DpParams.laplace(epsilon, 1 * 10);
    assertEquals(20.0, dp.scale(), 1e-12);
    Map<String, Double> noisy = scores(new TrendingNoise(dp, 7L, 1, 10, tenths).popularity(contributions, eligible));
    assertEquals(items, noisy.size());
    for (double v : noisy.values()) {
      assertEquals(Math.rint(v * 10), v * 10, 1e-9, v + " is a multiple of 0.1");
    }
    // |X| of the discrete Laplace with q = e^(−1/t): E|X| = 2q/((1+q)(1−q)), E X² = 2q/(1−q)²; in weight units /10.
    double q = Math.exp(-1 / dp.scale());
    double meanAbsUnits = 2 * q / ((1 + q) * (1 - q));
    double sdAbsUnits = Math.sqrt(2 * q / ((1 - q) * (1 - q)) - meanAbsUnits * meanAbsUnits);
    double meanAbs = noisy.values().stream().mapToDouble(v -> Math.abs(v - usersPerItem)).average().orElseThrow();
    assertEquals(meanAbsUnits / 10, meanAbs, 5 * sdAbsUnits / 10 / Math.sqrt(items), "mean absolute noise ≈ E|X| / g (≈ Δ/ε)");

    assertEquals(noisy, scores(new TrendingNoise(dp, 7L, 1, 10, tenths).popularity(contributions, eligible)), "same seed, same release");
    Map<String, Double> otherSeed = scores(new TrendingNoise(dp, 8L, 1, 10, tenths).popularity(contributions, eligible));
    long equal = Arrays.stream(ids).filter(id -> noisy.get(id).equals(otherSeed.get(id))).count();
    assertTrue(equal < items / 10, equal + " items equal under another night's seed");

    Map<String, Double> smallerEpsilon =
        scores(new TrendingNoise(DpParams.laplace(0.1, 10), 7L, 1, 10, tenths).popularity(contributions, eligible));
    double meanAbsSmall = smallerEpsilon.values().stream().mapToDouble(v -> Math.abs(v - usersPerItem)).average().orElseThrow();
    assertTrue(meanAbsSmall > 3 * meanAbs, "a smaller ε adds more noise: " + meanAbsSmall + " vs " + meanAbs);
  }
}
