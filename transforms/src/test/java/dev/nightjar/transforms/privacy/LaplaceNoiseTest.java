package dev.nightjar.transforms.privacy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nightjar.transforms.SchemaCheck.SchemaMismatchException;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The noise's distribution is checked on N = 20,000 keys, all with the true count 1,000 (far above
 * the largest possible noise, ≈ 36·b, so no count is clamped and noisy − count is the noise):
 *
 * <ul>
 *   <li>mean: Laplace(0, b) has variance 2b², so the sample mean's standard error is
 *       sqrt(2b²/N); allowed: 5 standard errors;
 *   <li>variance: Var(s²) ≈ (μ₄ − σ⁴)/N with μ₄ = 24b⁴ and σ⁴ = 4b⁴, so the standard error of the
 *       sample variance is b²·sqrt(20/N); allowed: 5 standard errors around 2b²;
 *   <li>shape: the Kolmogorov–Smirnov distance to the Laplace CDF must stay below 1.95/sqrt(N), the
 *       critical value at α ≈ 0.001.
 * </ul>
 *
 * The seed is fixed, so the test is deterministic: it passes or fails the same way on every run.
 */
class LaplaceNoiseTest extends SparkTestBase {
  private static final int N = 20_000;
  private static final long TRUE_COUNT = 1_000;
  private static final long SEED = 20261031L;
  private static final DpParams DP = DpParams.laplace(0.5); // b = 2

  /** N keys over two key columns (a string and an int), each with count {@link #TRUE_COUNT}. */
  private static Dataset<Row> bigCounts() {
    return spark()
        .range(N)
        .select(
            concat(lit("item-"), col("id").cast(DataTypes.StringType)).as("item_id"),
            col("id").mod(7).cast(DataTypes.IntegerType).as("segment"),
            lit(TRUE_COUNT).as("users"));
  }

  private static double[] noise(long seed, DpParams dp) {
    return LaplaceNoise.addToCounts(bigCounts(), "users", dp, seed, "item_id", "segment")
        .orderBy("item_id")
        .select(col("users").minus(TRUE_COUNT))
        .collectAsList()
        .stream()
        .mapToDouble(r -> r.getDouble(0))
        .toArray();
  }

  @Test
  void noiseHasTheLaplaceMeanVarianceAndShape() {
    double b = DP.scale();
    assertEquals(2.0, b, 1e-12);
    double[] x = noise(SEED, DP);
    assertEquals(N, x.length);

    double mean = Arrays.stream(x).average().orElseThrow();
    double meanTolerance = 5 * Math.sqrt(2 * b * b / N);
    assertEquals(0.0, mean, meanTolerance, "mean of the noise");

    double variance = Arrays.stream(x).map(v -> (v - mean) * (v - mean)).sum() / (N - 1);
    double varianceTolerance = 5 * b * b * Math.sqrt(20.0 / N);
    assertEquals(2 * b * b, variance, varianceTolerance, "variance of the noise");

    double[] sorted = x.clone();
    Arrays.sort(sorted);
    double ks = 0;
    for (int i = 0; i < N; i++) {
      double cdf = laplaceCdf(sorted[i], b);
      ks = Math.max(ks, Math.max((i + 1.0) / N - cdf, cdf - (double) i / N));
    }
    double ksBound = 1.95 / Math.sqrt(N);
    assertTrue(ks < ksBound, "KS distance " + ks + " must be below " + ksBound);
  }

  @Test
  void sameSeedGivesTheSameNoiseAndAnotherSeedOtherNoise() {
    double[] first = noise(SEED, DP);
    double[] again = noise(SEED, DP);
    double[] other = noise(SEED + 1, DP);
    assertTrue(Arrays.equals(first, again), "same seed, same noise");
    long equal = 0;
    for (int i = 0; i < N; i++) {
      if (first[i] == other[i]) {
        equal++;
      }
    }
    assertTrue(equal < N / 1000, equal + " of " + N + " noises equal under another seed");
  }

  @Test
  void offAndInfiniteEpsilonGiveExactCountsAsDoubles() {
    Dataset<Row> counts = tinyCounts();
    List<String> expected = List.of("[a,3.0]", "[b,0.0]", "[c,12.0]");
    for (DpParams exact : List.of(DpParams.off(), DpParams.laplace(Double.POSITIVE_INFINITY))) {
      Dataset<Row> out = LaplaceNoise.addToCounts(counts, "users", exact, SEED, "item_id");
      assertEquals(expected, sortedRows(out), exact.toString());
      assertEquals(DataTypes.DoubleType, out.schema().apply("users").dataType());
    }
    Dataset<Row> noisy = LaplaceNoise.addToCounts(counts, "users", DP, SEED, "item_id");
    assertEquals(DataTypes.DoubleType, noisy.schema().apply("users").dataType(), "same type either way");
  }

  @Test
  void noisyCountsAreClampedAtZero() {
    Dataset<Row> zeros = bigCounts().withColumn("users", lit(0L));
    double[] released =
        LaplaceNoise.addToCounts(zeros, "users", DP, SEED, "item_id", "segment")
            .select("users")
            .collectAsList()
            .stream()
            .mapToDouble(r -> r.getDouble(0))
            .toArray();
    assertTrue(Arrays.stream(released).allMatch(v -> v >= 0), "no negative count");
    long clamped = Arrays.stream(released).filter(v -> v == 0.0).count();
    // half of the noise draws are negative: binomial(N, 1/2), allowed 5 standard deviations
    assertEquals(N / 2.0, clamped, 5 * Math.sqrt(N / 4.0), "share of clamped counts");
  }

  @Test
  void twoCountColumnsOfTheSameKeysGetIndependentNoise() {
    Dataset<Row> twice = bigCounts().withColumn("buyers", col("users"));
    Dataset<Row> out =
        LaplaceNoise.addToCounts(
            LaplaceNoise.addToCounts(twice, "users", DP, SEED, "item_id"), "buyers", DP, SEED, "item_id");
    long sameNoise = out.where(col("users").equalTo(col("buyers"))).count();
    assertTrue(sameNoise < N / 1000, sameNoise + " rows with equal noise on both columns");
  }

  @Test
  void nullCountsStayNullAndOtherColumnsAreKept() {
    StructType schema =
        new StructType()
            .add("item_id", DataTypes.StringType)
            .add("users", DataTypes.LongType)
            .add("note", DataTypes.StringType);
    Dataset<Row> in =
        spark().createDataFrame(List.of(RowFactory.create("a", null, "kept")), schema);
    Row out = LaplaceNoise.addToCounts(in, "users", DP, SEED, "item_id").first();
    assertNull(out.get(out.fieldIndex("users")));
    assertEquals("kept", out.getString(out.fieldIndex("note")));
    assertEquals(List.of("item_id", "users", "note"), Arrays.asList(out.schema().fieldNames()));
  }

  @Test
  void badInputsFailNamingTheColumn() {
    Dataset<Row> counts = tinyCounts();
    SchemaMismatchException missing =
        assertThrows(
            SchemaMismatchException.class,
            () -> LaplaceNoise.addToCounts(counts, "n", DP, SEED, "item_id"));
    assertTrue(missing.getMessage().contains("'n'"), missing.getMessage());
    SchemaMismatchException notNumeric =
        assertThrows(
            SchemaMismatchException.class,
            () -> LaplaceNoise.addToCounts(counts, "item_id", DP, SEED, "users"));
    assertTrue(notNumeric.getMessage().contains("'item_id' has type string"), notNumeric.getMessage());
    SchemaMismatchException noKey =
        assertThrows(
            SchemaMismatchException.class,
            () -> LaplaceNoise.addToCounts(counts, "users", DP, SEED, "user_id"));
    assertTrue(noKey.getMessage().contains("'user_id'"), noKey.getMessage());
    IllegalArgumentException noKeys =
        assertThrows(IllegalArgumentException.class, () -> LaplaceNoise.addToCounts(counts, "users", DP, SEED));
    assertTrue(noKeys.getMessage().contains("keyCols"), noKeys.getMessage());
  }

  @Test
  void paramsValidateAndParse() {
    for (double bad : new double[] {0.0, -1.0, Double.NaN}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DpParams.laplace(bad));
      assertTrue(e.getMessage().startsWith("epsilon must be > 0"), e.getMessage());
    }
    for (double bad : new double[] {0.0, -2.0, Double.POSITIVE_INFINITY, Double.NaN}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> DpParams.laplace(1.0, bad));
      assertTrue(e.getMessage().startsWith("sensitivity must be > 0"), e.getMessage());
    }
    assertEquals(DpParams.off(), DpParams.parse(" OFF "));
    assertEquals(DpParams.laplace(0.25), DpParams.parse("0.25"));
    assertEquals(DpParams.off(), new DpParams(false, 3.0, 1.0), "epsilon is ignored when off");
    IllegalArgumentException words = assertThrows(IllegalArgumentException.class, () -> DpParams.parse("low"));
    assertTrue(words.getMessage().contains("epsilon"), words.getMessage());
    assertEquals(1.0, DpParams.defaults().scale());
    assertEquals(0.0, DpParams.off().scale());
  }

  @Test
  void secretSeedIsStablePerLabelAndKey() {
    byte[] key = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    long night1 = LaplaceNoise.secretSeed(key, "item_users/2026-10-31");
    assertEquals(night1, LaplaceNoise.secretSeed(key, "item_users/2026-10-31"));
    assertNotEquals(night1, LaplaceNoise.secretSeed(key, "item_users/2026-11-01"));
    assertNotEquals(night1, LaplaceNoise.secretSeed(new byte[] {1}, "item_users/2026-10-31"));
    String hmac = Pseudonyms.hmacSha256Hex("item_users/2026-10-31", key);
    assertEquals(Long.parseUnsignedLong(hmac.substring(0, 16), 16), night1);
  }

  private static Dataset<Row> tinyCounts() {
    StructType schema = new StructType().add("item_id", DataTypes.StringType).add("users", DataTypes.LongType);
    return spark()
        .createDataFrame(
            List.of(RowFactory.create("a", 3L), RowFactory.create("b", 0L), RowFactory.create("c", 12L)),
            schema);
  }

  private static double laplaceCdf(double x, double b) {
    return x < 0 ? 0.5 * Math.exp(x / b) : 1 - 0.5 * Math.exp(-x / b);
  }
}
