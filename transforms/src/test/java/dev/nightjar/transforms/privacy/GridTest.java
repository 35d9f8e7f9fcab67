package dev.nightjar.transforms.privacy;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Values to whole grid units (half up) and back, in Java and in Spark alike. */
class GridTest extends SparkTestBase {
  private static final Grid HUNDREDTHS = new Grid(100);
  private static final List<Double> VALUES = List.of(0.0, 0.004, 0.005, 1.234, 1.236, 5.0, 123.456);
  private static final List<Long> UNITS = List.of(0L, 0L, 1L, 123L, 124L, 500L, 12346L);

  @Test
  void valuesRoundHalfUpToWholeUnitsInJavaAndSpark() {
    assertEquals(UNITS, VALUES.stream().map(HUNDREDTHS::units).toList());
    Dataset<Row> values = spark().createDataset(VALUES, Encoders.DOUBLE()).toDF("v");
    List<Long> sparkUnits = values.select(HUNDREDTHS.units(col("v"))).as(Encoders.LONG()).collectAsList();
    assertEquals(UNITS, sparkUnits);
  }

  @Test
  void unitsGoBackToGridMultiples() {
    assertEquals(1.23, HUNDREDTHS.value(123), 0.0);
    assertEquals(5.0, HUNDREDTHS.value(500), 0.0);
    Dataset<Row> units = spark().createDataset(UNITS, Encoders.LONG()).toDF("u");
    List<Double> values = units.select(HUNDREDTHS.value(col("u"))).as(Encoders.DOUBLE()).collectAsList();
    assertEquals(Arrays.asList(0.0, 0.0, 0.01, 1.23, 1.24, 5.0, 123.46), values);
  }

  @Test
  void aGridNeedsAtLeastOneUnit() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Grid(0));
    assertTrue(e.getMessage().contains("must be >= 1"), e.getMessage());
  }
}
