package dev.nightjar.transforms.privacy;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * A grid of multiples of {@code 1/unitsPerOne} on which real values are released with discrete noise:
 * a value v is held as the integer count of grid units {@code round(v · unitsPerOne)} (half up), noised
 * with {@link LaplaceNoise#addToCounts}, and released as {@code units / unitsPerOne}. A released value is
 * then a function of an integer only, so its floating-point bits carry nothing else.
 *
 * <pre>{@code
 * Grid grid = new Grid(100);                    // hundredths
 * long maxUnits = grid.units(5.0);              // 500
 * Column units = grid.units(col("weight"));     // 1.234 -> 123
 * Column released = grid.value(col("units"));   // 123 -> 1.23
 * }</pre>
 *
 * @param unitsPerOne grid units in 1.0, at least 1: the grid step is its inverse
 */
public record Grid(long unitsPerOne) {
  public Grid {
    if (unitsPerOne < 1) {
      throw new IllegalArgumentException(
          "grid units per 1.0 must be >= 1 (the released values are multiples of 1/unitsPerOne), got " + unitsPerOne);
    }
  }

  /** {@code value} in whole grid units, rounded half up. */
  public long units(double value) {
    return Math.round(value * unitsPerOne);
  }

  /** {@code value} in whole grid units, rounded half up, as a long column (null stays null). */
  public Column units(Column value) {
    return round(value.multiply(unitsPerOne)).cast(DataTypes.LongType);
  }

  /** A number of grid units as a value: {@code units / unitsPerOne}. */
  public double value(double units) {
    return units / unitsPerOne;
  }

  /** A column of grid units as a double column of values. */
  public Column value(Column units) {
    return units.cast(DataTypes.DoubleType).divide(lit((double) unitsPerOne));
  }
}
