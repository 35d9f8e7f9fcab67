package dev.nightjar.transforms;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Only available, not blocklisted items may be recommended. */
class EligibilityTest extends SparkTestBase {
  static Dataset<Row> items() {
    return spark().sql("SELECT item_id, title, category, available, 2.0 AS price FROM VALUES"
        + " ('i1', 'Mug', 'Kitchen', true), ('i2', 'Pan', 'Kitchen', false), ('i3', 'Tent', 'Outdoor', true),"
        + " ('i4', 'Odd', CAST(NULL AS STRING), true), ('i5', 'Unknown', 'Kitchen', CAST(NULL AS BOOLEAN))"
        + " AS t(item_id, title, category, available)");
  }

  @Test
  void keepsAvailableItemsNotOnTheBlocklist() {
    assertEquals(List.of("[i1,Mug,Kitchen]", "[i4,Odd,null]"), sortedRows(Eligibility.items(items(), List.of("i3", "i9"))),
        "i2 unavailable, i3 blocklisted, i5 of unknown availability; a missing category is no reason to drop i4");
    assertEquals(List.of("i1", "i3", "i4"),
        Eligibility.items(items(), List.of()).select("item_id").collectAsList().stream().map(r -> r.getString(0)).sorted().toList());
  }

  @Test
  void aMissingAvailabilityColumnIsNamed() {
    Exception e = assertThrows(IllegalArgumentException.class, () -> Eligibility.items(items().drop("available"), List.of()));
    assertTrue(e.getMessage().contains("available"), e.getMessage());
  }
}
