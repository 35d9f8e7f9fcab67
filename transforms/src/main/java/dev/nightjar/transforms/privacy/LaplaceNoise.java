package dev.nightjar.transforms.privacy;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.signum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.nightjar.transforms.SchemaCheck.SchemaMismatchException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * The Laplace mechanism on released counts, in built-in Spark functions only: each count gets
 * Laplace(0, b) noise with {@code b = sensitivity / ε}, drawn deterministically from
 * {@code (seed, count column name, key columns)}, so a rerun of the same night with the same seed
 * releases the same numbers.
 *
 * <p>How the noise is drawn: {@code h = xxhash64(seed, countCol, keys…)}; its top 52 bits give
 * {@code u = ((h >>> 12) + 0.5) / 2^52 − 0.5}, uniform on (−0.5, 0.5) with both ends excluded and
 * never 0; then {@code noise = −b · sign(u) · ln(1 − 2|u|)} (inverse-CDF sampling). The count
 * column's name is hashed too, so two count columns of the same keys get independent noise (equal
 * noise would let their exact difference through).
 *
 * <p>Noisy counts are clamped at 0 and kept as doubles: clamping and not rounding are
 * post-processing (no privacy cost); doubles keep the noise unbiased for counts well above {@code b}.
 * The clamp biases small counts upwards. The seed must be secret (xxhash64 is not a cryptographic
 * function: whoever knows the seed can recompute and subtract the noise) and should change every
 * night — see {@link #secretSeed(byte[], String)} and {@code docs/privacy.md}.
 *
 * <pre>{@code
 * Dataset<Row> itemUsers = events.groupBy(Columns.ITEM_ID).agg(countDistinct(Columns.USER_ID).as("users"));
 * long seed = LaplaceNoise.secretSeed(key, "item_users/" + runDate);
 * Dataset<Row> released = LaplaceNoise.addToCounts(itemUsers, "users", DpParams.laplace(1.0), seed, Columns.ITEM_ID);
 * }</pre>
 */
public final class LaplaceNoise {
  private LaplaceNoise() {}

  private static final double TWO_POW_52 = 0x1p52;

  /**
   * Replaces {@code countCol} with its noisy, clamped count as a double; other columns are kept. With
   * {@code p} off (or ε = +∞) the column becomes the exact count as a double, so the schema does not
   * depend on the setting. Null counts stay null.
   *
   * @param counts one row per key; rows sharing a key get the same noise
   * @param countCol a numeric column
   * @param p the mechanism's settings
   * @param seed a secret, per-release seed
   * @param keyCols the columns identifying a count (at least one)
   */
  public static Dataset<Row> addToCounts(
      Dataset<Row> counts, String countCol, DpParams p, long seed, String... keyCols) {
    check(counts, countCol, keyCols);
    Column count = col(countCol).cast(DataTypes.DoubleType);
    if (!p.addsNoise()) {
      return counts.withColumn(countCol, count);
    }
    Column noisy = count.plus(noise(p.scale(), seed, countCol, keyCols));
    return counts.withColumn(countCol, when(noisy.lt(0.0), lit(0.0)).otherwise(noisy));
  }

  /**
   * A 64-bit seed derived from a secret key and a label naming the release, e.g. {@code
   * "item_users/2026-10-31"}: the same label gives the same seed (reruns release the same numbers),
   * another night gives an unrelated one. It is the first 8 bytes of {@code HMAC-SHA256(key, label)}.
   */
  public static long secretSeed(byte[] key, String label) {
    return HexFormat.fromHexDigitsToLong(Pseudonyms.hmacSha256Hex(label, key).substring(0, 16));
  }

  private static Column noise(double scale, long seed, String countCol, String... keyCols) {
    List<Column> hashed =
        Stream.concat(Stream.of(lit(seed), lit(countCol)), Arrays.stream(keyCols).map(c -> col(c))).toList();
    Column bits = shiftrightunsigned(xxhash64(hashed.toArray(Column[]::new)), 12).cast(DataTypes.DoubleType);
    Column u = bits.plus(0.5).divide(TWO_POW_52).minus(0.5);
    return lit(-scale).multiply(signum(u)).multiply(log(lit(1.0).minus(abs(u).multiply(2.0))));
  }

  private static void check(Dataset<Row> counts, String countCol, String... keyCols) {
    if (keyCols.length == 0) {
      throw new IllegalArgumentException(
          "keyCols must name at least one column: the noise of a count is drawn from its key");
    }
    List<String> names = Arrays.asList(counts.columns());
    StructField count =
        Arrays.stream(counts.schema().fields()).filter(f -> f.name().equals(countCol)).findFirst().orElse(null);
    if (count == null) {
      throw new SchemaMismatchException(
          String.format(
              "counts is missing the count column '%s'. Columns found: %s. Fix: pass the name of the "
                  + "numeric count column as countCol.",
              countCol, names));
    }
    if (!(count.dataType() instanceof NumericType)) {
      throw new SchemaMismatchException(
          String.format(
              "counts column '%s' has type %s but a numeric type is required. Fix: cast it to long.",
              countCol, count.dataType().simpleString()));
    }
    for (String key : keyCols) {
      if (!names.contains(key)) {
        throw new SchemaMismatchException(
            String.format(
                "counts is missing key column '%s'. Columns found: %s. Fix: pass the columns that "
                    + "identify each count as keyCols.",
                key, names));
      }
    }
  }
}
