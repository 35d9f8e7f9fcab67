package dev.nightjar.transforms.privacy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.nightjar.transforms.SchemaCheck.SchemaMismatchException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * The discrete Laplace mechanism on released integer counts, per key and deterministic: each count gets
 * integer noise from {@link DiscreteLaplace} with scale {@code t = sensitivity / ε}, drawn from
 * {@code (seed, count column name, key columns)}, so a rerun of the same night with the same seed
 * releases the same numbers. For real values (sums of weights), put them on a {@link Grid} first and noise
 * the integer count of grid units.
 *
 * <p>How the noise is drawn: {@code h = xxhash64(seed, countCol, keys…)} seeds a
 * {@link java.util.SplittableRandom}, from which {@link DiscreteLaplace#sample} draws exactly with integer
 * arithmetic (no floating point, so the released integer leaks nothing through low-order bits). The count
 * column's name is hashed too, so two count columns of the same keys get independent noise (equal noise
 * would let their exact difference through).
 *
 * <p>Noisy counts are clamped at 0 (post-processing: no privacy cost; it biases small counts upwards).
 * The seed must be secret (xxhash64 and SplittableRandom are not cryptographic: whoever knows the seed can
 * recompute and subtract the noise) and should change every night — see {@link #secretSeed(byte[], String)}
 * and {@code docs/privacy.md}.
 *
 * <pre>{@code
 * Dataset<Row> itemUsers = events.groupBy(Columns.ITEM_ID).agg(countDistinct(Columns.USER_ID).as("users"));
 * long seed = LaplaceNoise.secretSeed(key, "item_users/" + runDate);
 * Dataset<Row> released = LaplaceNoise.addToCounts(itemUsers, "users", DpParams.laplace(1.0), seed, Columns.ITEM_ID);
 * }</pre>
 */
public final class LaplaceNoise {
  private LaplaceNoise() {}

  private static final Set<DataType> INTEGRAL =
      Set.of(DataTypes.ByteType, DataTypes.ShortType, DataTypes.IntegerType, DataTypes.LongType);

  /**
   * Replaces {@code countCol} with its noisy count, clamped at 0, as a long; other columns are kept. With
   * {@code p} off (or ε = +∞) the column becomes the exact count as a long, so the schema does not depend
   * on the setting. Null counts stay null.
   *
   * @param counts one row per key; rows sharing a key get the same noise
   * @param countCol an integer column (byte, short, int or long)
   * @param p the mechanism's settings; its sensitivity is in the count's units
   * @param seed a secret, per-release seed
   * @param keyCols the columns identifying a count (at least one)
   */
  public static Dataset<Row> addToCounts(
      Dataset<Row> counts, String countCol, DpParams p, long seed, String... keyCols) {
    check(counts, countCol, keyCols);
    Column count = col(countCol).cast(DataTypes.LongType);
    if (!p.addsNoise()) {
      return counts.withColumn(countCol, count);
    }
    DiscreteLaplace sampler = DiscreteLaplace.withScale(p.scale());
    UserDefinedFunction draw =
        udf((UDF1<Long, Long>) h -> sampler.sample(new SplittableRandom(h)), DataTypes.LongType);
    List<Column> hashed =
        Stream.concat(Stream.of(lit(seed), lit(countCol)), Arrays.stream(keyCols).map(c -> col(c))).toList();
    Column noisy = count.plus(draw.apply(xxhash64(hashed.toArray(Column[]::new))));
    return counts.withColumn(countCol, when(noisy.lt(0L), lit(0L)).otherwise(noisy));
  }

  /**
   * A 64-bit seed derived from a secret key and a label naming the release, e.g. {@code
   * "item_users/2026-10-31"}: the same label gives the same seed (reruns release the same numbers),
   * another night gives an unrelated one. It is the first 8 bytes of {@code HMAC-SHA256(key, label)}.
   */
  public static long secretSeed(byte[] key, String label) {
    return HexFormat.fromHexDigitsToLong(Pseudonyms.hmacSha256Hex(label, key).substring(0, 16));
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
    if (!INTEGRAL.contains(count.dataType())) {
      throw new SchemaMismatchException(
          String.format(
              "counts column '%s' has type %s but an integer type is required (the noise is an integer). "
                  + "Fix: cast counts to long; put real values on a Grid first (Grid.units).",
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
