package dev.nightjar.transforms;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Min-max normalisation per user and source, weighted sum per (user, item), the winning source and its anchor. */
class BlendTest extends SparkTestBase {
  static Dataset<Row> candidates() {
    return spark().sql("SELECT user_id, item_id, source, CAST(score AS DOUBLE) AS score, anchor_item_id FROM VALUES"
        + " ('u1', 'i1', 'als', 2.0, CAST(NULL AS STRING)), ('u1', 'i2', 'als', 1.0, 'h2'), ('u1', 'i3', 'als', 0.0, NULL),"
        + " ('u1', 'i1', 'content', 5.0, 'h9')," // one candidate of its source: normalised to 1
        + " ('u1', 'i2', 'trending', 3.0, NULL),"
        + " ('u1', 'i4', 'ease', 9.0, 'h4')," // not weighted: weight 0
        + " ('u2', 'i1', 'als', 4.0, NULL), ('u2', 'i2', 'als', 4.0, NULL)" // all equal: each 1
        + " AS t(user_id, item_id, source, score, anchor_item_id)");
  }

  /** {@code user item score source anchor {components}}, scores to 9 decimals. */
  static List<String> rows(Dataset<Row> blended) {
    return blended.collectAsList().stream().map(r -> String.format(java.util.Locale.ROOT, "%s %s %.9f %s %s %s", r.getAs("user_id"),
        r.getAs("item_id"), r.<Double>getAs("score"), r.getAs("source"), r.getAs("anchor_item_id"),
        new TreeMap<>(r.<String, Double>getJavaMap(r.fieldIndex("components"))))).sorted().toList();
  }

  @Test
  void normalisesPerUserAndSourceAndSumsTheWeightedScores() {
    Dataset<Row> blended = Blend.combine(candidates(), Map.of("als", 0.5, "content", 0.2, "trending", 0.1));
    assertEquals(List.of(
            "u1 i1 0.700000000 als null {als=1.0, content=1.0}", // 0.5·1 + 0.2·1; als wins, so its (null) anchor
            "u1 i2 0.350000000 als h2 {als=0.5, trending=1.0}", // 0.5·0.5 + 0.1·1
            "u1 i3 0.000000000 als null {als=0.0}",
            "u1 i4 0.000000000 ease h4 {ease=1.0}",
            "u2 i1 0.500000000 als null {als=1.0}",
            "u2 i2 0.500000000 als null {als=1.0}"),
        rows(blended));
  }

  @Test
  void theSourceContributingMostNamesTheRowAndItsAnchor() {
    Dataset<Row> blended = Blend.combine(candidates(), Map.of("als", 0.1, "content", 0.2));
    assertEquals("u1 i1 0.300000000 content h9 {als=1.0, content=1.0}", rows(blended.where("user_id = 'u1' AND item_id = 'i1'")).get(0));
  }

  @Test
  void withoutAnAnchorColumnEveryAnchorIsNull() {
    Dataset<Row> blended = Blend.combine(candidates().drop("anchor_item_id"), Map.of("als", 1.0));
    assertEquals(List.of("[null]"), sortedRows(blended.select("anchor_item_id").distinct()));
    assertEquals(0.5, blended.where("user_id = 'u1' AND item_id = 'i2'").head().<Double>getAs("score"), 1e-12);
  }
}
