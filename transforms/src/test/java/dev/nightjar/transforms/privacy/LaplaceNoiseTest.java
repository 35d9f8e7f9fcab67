package dev.nightjar.transforms.privacy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
 * The mechanism as Spark runs it, on N = 20,000 keys all with the true count 1,000 (far above any noise
 * drawn at t = 2, so no count is clamped and noisy − count is the noise):
 *
 * <ul>
 *   <li>the released counts are longs and the noise follows the discrete Laplace mass function: the same
 *       chi-square check as {@link DiscreteLaplaceTest} (bins of at least 5 expected draws, α = 0.001),
 *       here on the per-key draws seeded by the hash of (seed, column, key);
 *   <li>independence where it matters: two independent draws are equal with probability
 *       {@code Σ P(k)² = (1 − q)² (1 + q²) / ((1 + q)² (1 − q²))} (≈ 0.131 at t = 2), so the number of equal
 *       draws under another seed, or on another count column, is binomial: allowed 5 standard deviations.
 *       Equal noise (a reused draw) would make all N equal.
 * </ul>
 *
 * The seed is fixed, so the test is deterministic: it passes or fails the same way on every run.
 */
class LaplaceNoiseTest extends SparkTestBase {
  private static final int N = 20_000;
  private static final long TRUE_COUNT = 1_000;
  private static final long SEED = 20261031L;
  private static final DpParams DP = DpParams.laplace(0.5); // t = 2

  /** N keys over two key columns (a string and an int), each with count {@link #TRUE_COUNT}. */
  private static Dataset<Row> bigCounts() {
    return spark()
        .range(N)
        .select(
            concat(lit("item-"), col("id").cast(DataTypes.StringType)).as("item_id"),
            col("id").mod(7).cast(DataTypes.IntegerType).as("segment"),
            lit(TRUE_COUNT).as("users"));
  }

  private static long[] noise(long seed, DpParams dp) {
    Dataset<Row> out = LaplaceNoise.addToCounts(bigCounts(), "users", dp, seed, "item_id", "segment");
    assertEquals(DataTypes.LongType, out.schema().apply("users").dataType(), "integer release");
    return out.orderBy("item_id")
        .select(col("users").minus(TRUE_COUNT))
        .collectAsList()
        .stream()
        .mapToLong(r -> r.getLong(0))
        .toArray();
  }

  /** Asserts that about N·Σ P(k)² of the paired draws are equal, as for independent draws at scale t. */
  private static void assertIndependent(long equal, double t, String what) {
    double q = Math.exp(-1 / t);
    double collision = (1 - q) * (1 - q) * (1 + q * q) / ((1 + q) * (1 + q) * (1 - q * q));
    double sd = Math.sqrt(N * collision * (1 - collision));
    assertEquals(N * collision, equal, 5 * sd, what + ": equal draws as for independent noise");
  }

  @Test
  void noiseIsAnIntegerFollowingTheDiscreteLaplaceLaw() {
    double t = DP.scale();
    assertEquals(2.0, t, 1e-12);
    long[] x = noise(SEED, DP);
    assertEquals(N, x.length);
    double chi2 = DiscreteLaplaceTest.chiSquare(x, t);
    double critical = DiscreteLaplaceTest.chiSquareQuantile999((int) (2 * DiscreteLaplaceTest.cut(t, N)));
    assertTrue(chi2 < critical, "chi-square " + chi2 + " must be below " + critical);
  }

  @Test
  void sameSeedGivesTheSameNoiseAndAnotherSeedOtherNoise() {
    long[] first = noise(SEED, DP);
    long[] again = noise(SEED, DP);
    long[] other = noise(SEED + 1, DP);
    assertArrayEquals(first, again, "same seed, same noise");
    long equal = 0;
    for (int i = 0; i < N; i++) {
      if (first[i] == other[i]) {
        equal++;
      }
    }
    assertIndependent(equal, DP.scale(), "another seed");
  }

  @Test
  void offAndInfiniteEpsilonGiveExactCountsAsLongs() {
    Dataset<Row> counts = tinyCounts();
    List<String> expected = List.of("[a,3]", "[b,0]", "[c,12]");
    for (DpParams exact : List.of(DpParams.off(), DpParams.laplace(Double.POSITIVE_INFINITY))) {
      Dataset<Row> out = LaplaceNoise.addToCounts(counts, "users", exact, SEED, "item_id");
      assertEquals(expected, sortedRows(out), exact.toString());
      assertEquals(DataTypes.LongType, out.schema().apply("users").dataType());
    }
    Dataset<Row> ints = counts.withColumn("users", col("users").cast(DataTypes.IntegerType));
    Dataset<Row> noisy = LaplaceNoise.addToCounts(ints, "users", DP, SEED, "item_id");
    assertEquals(DataTypes.LongType, noisy.schema().apply("users").dataType(), "same type either way");
  }

  @Test
  void noisyCountsAreClampedAtZero() {
    Dataset<Row> zeros = bigCounts().withColumn("users", lit(0L));
    long[] released =
        LaplaceNoise.addToCounts(zeros, "users", DP, SEED, "item_id", "segment")
            .select("users")
            .collectAsList()
            .stream()
            .mapToLong(r -> r.getLong(0))
            .toArray();
    assertTrue(Arrays.stream(released).allMatch(v -> v >= 0), "no negative count");
    long zero = Arrays.stream(released).filter(v -> v == 0).count();
    // P(noise <= 0) = (1 + P(0)) / 2: binomial(N, p), allowed 5 standard deviations
    double p = (1 + DiscreteLaplaceTest.pmf(0, DP.scale())) / 2;
    assertEquals(N * p, zero, 5 * Math.sqrt(N * p * (1 - p)), "share of counts released as 0");
  }

  @Test
  void twoCountColumnsOfTheSameKeysGetIndependentNoise() {
    Dataset<Row> twice = bigCounts().withColumn("buyers", col("users"));
    Dataset<Row> out =
        LaplaceNoise.addToCounts(
            LaplaceNoise.addToCounts(twice, "users", DP, SEED, "item_id"), "buyers", DP, SEED, "item_id");
    assertIndependent(out.where(col("users").equalTo(col("buyers"))).count(), DP.scale(), "two columns");
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
    Dataset<Row> real = counts.withColumn("users", col("users").cast(DataTypes.DoubleType));
    SchemaMismatchException notInteger =
        assertThrows(
            SchemaMismatchException.class,
            () -> LaplaceNoise.addToCounts(real, "users", DP, SEED, "item_id"));
    assertTrue(notInteger.getMessage().contains("'users' has type double"), notInteger.getMessage());
    assertTrue(notInteger.getMessage().contains("Grid"), notInteger.getMessage());
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
}
