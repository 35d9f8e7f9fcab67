package dev.nightjar.models.content;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class ContentProfilesTest extends SparkTestBase {

  @Test
  void profileIsTheNormalisedWeightedMeanOfItemVectors() {
    Dataset<Row> embeddings = spark().sql(
        "SELECT * FROM VALUES ('a', array(CAST(1 AS FLOAT), CAST(0 AS FLOAT))), ('b', array(CAST(0 AS FLOAT), CAST(1 AS FLOAT))),"
            + " ('c', array(CAST(0.6 AS FLOAT), CAST(0.8 AS FLOAT))) AS t(item_id, vector)");
    Dataset<Row> interactions = spark().sql(
        "SELECT * FROM VALUES ('u1', 'a', 3.0D), ('u1', 'b', 1.0D), ('u2', 'c', 0.5D), ('u3', 'nope', 1.0D) AS t(user_id, item_id, weight)");
    List<Row> rows = ContentProfiles.profiles(interactions, embeddings).orderBy("user_id").collectAsList();
    assertEquals(2, rows.size(), "u3 has no embedded item, so no profile");
    List<Float> u1 = rows.get(0).getList(1);
    // (3·(1,0) + 1·(0,1)) / |(3,1)| = (3, 1)/√10
    assertEquals(3 / Math.sqrt(10), u1.get(0), 1e-6);
    assertEquals(1 / Math.sqrt(10), u1.get(1), 1e-6);
    List<Float> u2 = rows.get(1).getList(1);
    assertEquals(0.6, u2.get(0), 1e-6);
    assertEquals(0.8, u2.get(1), 1e-6);
  }
}
