package dev.nightjar.jobs.stages;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.transforms.privacy.DpParams;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.ArrayList;
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
 * The wiring of differential privacy into trending popularity (the Laplace sampler's distribution is
 * LaplaceNoiseTest's): off gives the exact sums, on bounds each user's contribution and adds noise of
 * the configured scale over every eligible item, deterministically per seed.
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
    TrendingNoise bounded = new TrendingNoise(DpParams.laplace(Double.POSITIVE_INFINITY, 2 * 5.0), 1L, 2, 5.0);
    Map<String, Double> on = scores(bounded.popularity(contributions(HEAVY_USER), eligible("a", "b", "c", "d")));
    // u1 keeps a (10 → clipped to 5) and b (4), drops c; u2 keeps c (2) and e (3, not eligible), drops a (1).
    assertEquals(Map.of("a", 5.0, "b", 4.0, "c", 2.0, "d", 0.0), on,
        "every eligible item is released, the untouched one too, so absence reveals nothing");
  }

  @Test
  void noiseHasTheScaleSensitivityOverEpsilonAndIsDeterministicPerSeed() {
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
    double epsilon = 0.5;
    DpParams dp = DpParams.laplace(epsilon, 1 * 1.0); // one item per user, weights clipped to 1: Δ = 1
    assertEquals(2.0, dp.scale(), 1e-12);
    Map<String, Double> noisy = scores(new TrendingNoise(dp, 7L, 1, 1.0).popularity(contributions, eligible));
    assertEquals(items, noisy.size());
    double meanAbs = noisy.values().stream().mapToDouble(v -> Math.abs(v - usersPerItem)).average().orElseThrow();
    // E|Laplace(0, b)| = b, sd b: over 2000 items the mean is within 5 standard errors (0.22) of 2.
    assertEquals(dp.scale(), meanAbs, 5 * dp.scale() / Math.sqrt(items), "mean absolute noise ≈ Δ/ε");
    long unchanged = noisy.values().stream().filter(v -> v == usersPerItem).count();
    assertEquals(0, unchanged, "every count is noised");

    assertEquals(noisy, scores(new TrendingNoise(dp, 7L, 1, 1.0).popularity(contributions, eligible)), "same seed, same release");
    Map<String, Double> otherSeed = scores(new TrendingNoise(dp, 8L, 1, 1.0).popularity(contributions, eligible));
    assertNotEquals(noisy.get(ids[0]), otherSeed.get(ids[0]), "another night's seed draws other noise");

    Map<String, Double> smallerEpsilon = scores(new TrendingNoise(DpParams.laplace(0.1, 1.0), 7L, 1, 1.0).popularity(contributions, eligible));
    double meanAbsSmall = smallerEpsilon.values().stream().mapToDouble(v -> Math.abs(v - usersPerItem)).average().orElseThrow();
    assertTrue(meanAbsSmall > 3 * meanAbs, "a smaller ε adds more noise: " + meanAbsSmall + " vs " + meanAbs);
  }
}
