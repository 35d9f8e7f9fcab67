package dev.nightjar.transforms;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Interest counts for every event mix: a ratings-only shop (positive = at least 4 or at least the user's own mean),
 * a purchase-only shop (nothing records what was seen and not bought) and a view/cart funnel. Exact rows.
 */
class InterestsTest extends SparkTestBase {
  static Dataset<Row> items() {
    return spark().sql("SELECT * FROM VALUES ('i1', 'Kitchen'), ('i2', 'Kitchen'), ('i3', 'Garden'), ('i4', NULL)"
        + " AS t(item_id, category)");
  }

  static Dataset<Row> events(String values) {
    return spark().sql("SELECT user_id, item_id, event_type, CAST(value AS DOUBLE) AS value_num FROM VALUES " + values
        + " AS t(user_id, item_id, event_type, value)");
  }

  static List<String> counts(Dataset<Row> events) {
    return Interests.counts(events, items()).collectAsList().stream()
        .map(r -> r.getAs("user_id") + " " + r.getAs("category") + " " + r.getAs("exposures") + "/" + r.getAs("positives"))
        .sorted().toList();
  }

  @Test
  void aRatingAtLeastFourOrAtLeastTheUsersOwnMeanIsPositive() {
    // u1's mean is 3.33: the 5 is positive, the 2 and the 3 are not. u2 rates both 3 = their mean: both positive.
    assertEquals(List.of("u1 Garden 1/0", "u1 Kitchen 2/1", "u2 Garden 2/1", "u2 Kitchen 2/1"), counts(events(
        "('u1', 'i1', 'rating', 5), ('u1', 'i2', 'rating', 2), ('u1', 'i3', 'rating', 3),"
            + " ('u2', 'i1', 'rating', 3), ('u2', 'i3', 'rating', 3)")));
  }

  @Test
  void aPurchaseOnlyUserIsExposedToEachOfTheirCategoriesAtEveryEvent() {
    // Without the rule every category's rate would be 1 (exposures = positives); with it, the share of what they chose.
    assertEquals(List.of("u3 Garden 3/1", "u3 Kitchen 3/2"), counts(events(
        "('u3', 'i1', 'purchase', NULL), ('u3', 'i2', 'purchase', NULL), ('u3', 'i3', 'purchase', NULL),"
            + " ('u3', 'i4', 'purchase', NULL)")));
  }

  @Test
  void aViewIsAnExposureACartAPositiveAndASearchNothing() {
    assertEquals(List.of("u4 Garden 1/0", "u4 Kitchen 3/1"), counts(events(
        "('u4', 'i1', 'view', NULL), ('u4', 'i1', 'cart', NULL), ('u4', 'i2', 'view', NULL), ('u4', 'i3', 'view', NULL),"
            + " ('u4', NULL, 'search', NULL), ('u4', 'i3', 'search', NULL)")));
  }

  @Test
  void eventsWithoutAValueColumnAreCountedToo() {
    Dataset<Row> noValue = events("('u4', 'i1', 'view', NULL), ('u4', 'i1', 'favorite', NULL)").drop("value_num");
    assertEquals(List.of("u4 Kitchen 2/1"), counts(noValue));
  }
}
