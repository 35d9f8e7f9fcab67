package dev.nightjar.models.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ItemTextEmbedderTest extends SparkTestBase {
  private static final StructType ITEMS = new StructType()
      .add("item_id", DataTypes.StringType, false)
      .add("description", DataTypes.StringType, true);

  private static Dataset<Row> items(List<String> texts, int partitions) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      rows.add(RowFactory.create("item-" + i, texts.get(i)));
    }
    return spark().createDataFrame(rows, ITEMS).repartition(partitions);
  }

  private static float[] vector(Row row) {
    List<Float> values = row.getList(1);
    float[] vector = new float[values.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = values.get(i);
    }
    return vector;
  }

  @Test
  void vectorsEqualTheEncodersOwnOneTextAtATime() throws Exception {
    List<String> texts = new ArrayList<>(SampleItemTexts.generatedTitles(100, 7L));
    texts.add("");
    texts.add(null);
    texts.add("WHITE HANGING HEART T-LIGHT HOLDER WITH A RATHER LONG DESCRIPTION THAT NEEDS MORE TOKENS THAN MOST");

    Dataset<Row> out = ItemTextEmbedder.embed(items(texts, 3), "item_id", "description", new EmbeddingParams(7, 128, "cpu"));

    assertEquals(DataTypes.StringType, out.schema().apply("item_id").dataType());
    assertEquals(DataTypes.createArrayType(DataTypes.FloatType, false), out.schema().apply("vector").dataType());
    Map<String, float[]> byId = new HashMap<>();
    for (Row row : out.collectAsList()) {
      byId.put(row.getString(0), vector(row));
    }
    assertEquals(texts.size(), byId.size());
    try (Predictor<List<String>, float[][]> predictor = TextEncoderModel.get(Device.cpu()).newPredictor(128)) {
      for (int i = 0; i < texts.size(); i++) {
        String text = texts.get(i) == null ? "" : texts.get(i);
        float[] expected = predictor.predict(List.of(text))[0];
        assertArrayEquals(expected, byId.get("item-" + i), 1e-5f, "item-" + i + " '" + text + "'");
      }
    }
  }

  @Test
  void keepsRowOrderWithinAPartition() {
    List<String> texts = SampleItemTexts.generatedTitles(40, 11L);

    List<Row> out = ItemTextEmbedder.embed(items(texts, 1).orderBy("item_id").coalesce(1), "item_id", "description",
        new EmbeddingParams(3, 64, "cpu")).collectAsList();

    List<String> expected = java.util.stream.IntStream.range(0, texts.size()).mapToObj(i -> "item-" + i).sorted().toList();
    assertEquals(expected, out.stream().map(r -> r.getString(0)).toList());
  }

  @Test
  void missingColumnFailsNamingItAndTheColumnsThere() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ItemTextEmbedder.embed(items(List.of("a"), 1), "item_id", "title", EmbeddingParams.defaults()));

    assertEquals("column 'title' not found; the input has [item_id, description]: pass the name of the item text column",
        e.getMessage());
  }

  @Test
  void nonStringTextColumnFailsNamingTypeAndFix() {
    Dataset<Row> numbers = spark().sql("SELECT 'x' AS item_id, 42 AS description");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ItemTextEmbedder.embed(numbers, "item_id", "description", EmbeddingParams.defaults()));

    assertTrue(e.getMessage().startsWith("text column 'description' has type INT, expected STRING: cast it first"),
        e.getMessage());
  }

  @Test
  void sqlFunctionsEmbedAndCompare() {
    ItemTextEmbedder.registerSqlFunctions(spark());

    Row row = spark().sql("""
        SELECT cosine(embed_text('red mug'), embed_text('red cup')) AS close,
               cosine(embed_text('red mug'), embed_text('blue lunch bag')) AS far,
               size(embed_text('red mug')) AS dims,
               embed_text(NULL) AS no_text,
               cosine(array(1F, 0F), array(0F, 2F)) AS orthogonal,
               cosine(array(1F, 1F), array(3F, 3F)) AS parallel,
               cosine(NULL, array(1F)) AS no_vector,
               cosine(array(0F), array(1F)) AS zero_vector
        """).first();

    assertTrue(row.getDouble(0) > 0.7, "red mug ~ red cup: " + row.getDouble(0));
    assertTrue(row.getDouble(0) > row.getDouble(1), "red mug closer to red cup than to blue lunch bag");
    assertEquals(384, row.getInt(2));
    assertNull(row.get(3));
    assertEquals(0.0, row.getDouble(4), 1e-12);
    assertEquals(1.0, row.getDouble(5), 1e-12);
    assertNull(row.get(6));
    assertNull(row.get(7));
  }

  @Test
  void cosineOfVectorsOfDifferentLengthsFails() {
    ItemTextEmbedder.registerSqlFunctions(spark());

    Exception e = assertThrows(Exception.class,
        () -> spark().sql("SELECT cosine(array(1F, 0F), array(1F))").collectAsList());

    assertTrue(e.getMessage().contains("cosine of vectors of lengths 2 and 1"), e.getMessage());
  }
}
