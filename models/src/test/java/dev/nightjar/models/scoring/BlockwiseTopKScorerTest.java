package dev.nightjar.models.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BlockwiseTopKScorerTest extends SparkTestBase {
  private static final int USER_ID_OFFSET = 1000;
  private static final StructType FACTORS = new StructType()
      .add("id", DataTypes.IntegerType)
      .add("features", DataTypes.createArrayType(DataTypes.FloatType, false));
  private static final StructType EXCLUSIONS = new StructType()
      .add("user", DataTypes.IntegerType)
      .add("item", DataTypes.IntegerType);

  /** 300 users × 500 items, d = 16: duplicate items, exclusions, a user with 3 candidates and one with none. */
  private static final TopKKernelTest.Data DATA = data();

  private static TopKKernelTest.Data data() {
    TopKKernelTest.Data data = TopKKernelTest.Data.random(42, 300, 500, 16);
    data.excluded()[2] = java.util.Arrays.stream(data.ids()).sorted().toArray();
    return data;
  }

  @ParameterizedTest(name = "{0}, broadcast budget {1} bytes")
  @CsvSource({"DOT, 268435456", "COSINE, 268435456", "COSINE, 13600"}) // DOT in chunks: see below
  void matchesDoublePrecisionReference(TopKParams.Metric metric, long budget) {
    int k = 20;
    // small blocks and a 13600-byte budget (200 items of 4·16 + 4 bytes per chunk: 3 chunks) exercise every seam
    TopKParams params = new TopKParams(k, metric, 64, 96, budget, 3);

    Dataset<Row> result = BlockwiseTopKScorer.topK(
        factors(DATA.users(), DATA.n(), USER_ID_OFFSET, null), factors(DATA.items(), DATA.m(), 0, DATA.ids()),
        exclusions(), params);

    assertEquals(columns(BlockwiseTopKScorer.OUTPUT_SCHEMA), columns(result.schema()));
    Map<Integer, List<Row>> byUser = new HashMap<>();
    for (Row row : result.collectAsList()) {
      byUser.computeIfAbsent(row.getInt(0), u -> new ArrayList<>()).add(row);
    }
    assertTrue(byUser.keySet().stream().allMatch(u -> u >= USER_ID_OFFSET && u < USER_ID_OFFSET + DATA.n()));
    for (int u = 0; u < DATA.n(); u++) {
      List<Row> rows = byUser.getOrDefault(USER_ID_OFFSET + u, new ArrayList<>());
      rows.sort((a, b) -> Integer.compare(a.getInt(3), b.getInt(3)));
      int[] items = new int[rows.size()];
      float[] scores = new float[rows.size()];
      for (int r = 0; r < rows.size(); r++) {
        assertEquals(r + 1, rows.get(r).getInt(3), "ranks are 1..n without gaps");
        items[r] = rows.get(r).getInt(1);
        scores[r] = rows.get(r).getFloat(2);
      }
      TopKKernelTest.Reference.assertAgrees(
          DATA, u, k, metric == TopKParams.Metric.COSINE, new TopKHeaps.Ranking(items, scores));
    }
    assertTrue(byUser.get(USER_ID_OFFSET).size() == 3 && !byUser.containsKey(USER_ID_OFFSET + 2),
        "user 0 keeps its 3 candidates, user 2 (everything excluded) has no rows");
  }

  /** Several chunks, tiny blocks, more partitions: bit-identical rows to the defaults. */
  @Test
  void chunkingAndBlockingDoNotChangeTheResult() {
    Dataset<Row> users = factors(DATA.users(), DATA.n(), USER_ID_OFFSET, null);
    Dataset<Row> items = factors(DATA.items(), DATA.m(), 0, DATA.ids());
    List<String> whole = sortedRows(BlockwiseTopKScorer.topK(users, items, exclusions(), TopKParams.of(15, TopKParams.Metric.DOT)));
    List<String> pieces = sortedRows(BlockwiseTopKScorer.topK(users, items, exclusions(),
        new TopKParams(15, TopKParams.Metric.DOT, 7, 33, 12_000, 5)));
    assertEquals(whole, pieces);
  }

  @Test
  void mistypedOrMissingColumnsFailAtOnceNamingColumnTypeAndFix() {
    Dataset<Row> items = factors(DATA.items(), DATA.m(), 0, DATA.ids());
    Dataset<Row> doubles = items.withColumn("features", items.col("features").cast("array<double>"));
    IllegalArgumentException mistyped = assertThrows(IllegalArgumentException.class,
        () -> BlockwiseTopKScorer.topK(doubles, items, null, TopKParams.defaults()));
    assertEquals("userFactors: column 'features' has type array<double>, expected array<float>; "
        + "fix: cast it, col(\"features\").cast(\"array<float>\")", mistyped.getMessage());

    Dataset<Row> renamed = items.withColumnRenamed("id", "item_id");
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> BlockwiseTopKScorer.topK(items, renamed, null, TopKParams.defaults()));
    assertTrue(missing.getMessage().startsWith("itemFactors: missing column 'id' of type int (found [item_id int, "),
        missing.getMessage());

    Dataset<Row> longUsers = exclusions().selectExpr("CAST(user AS BIGINT) AS user", "item");
    IllegalArgumentException exclusionType = assertThrows(IllegalArgumentException.class,
        () -> BlockwiseTopKScorer.topK(items, items, longUsers, TopKParams.defaults()));
    assertTrue(exclusionType.getMessage().contains("exclusions: column 'user' has type bigint, expected int"),
        exclusionType.getMessage());
  }

  @Test
  void vectorsOfAnotherLengthAreRejectedNamingTheId() {
    Dataset<Row> items = factors(DATA.items(), DATA.m(), 0, DATA.ids());
    Dataset<Row> shortUsers = spark().createDataFrame(List.of(RowFactory.create(7, new float[] {1f, 2f})), FACTORS);
    Exception e = assertThrows(Exception.class,
        () -> BlockwiseTopKScorer.topK(shortUsers, items, null, TopKParams.defaults()).collectAsList());
    Throwable cause = e;
    while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
      cause = cause.getCause();
    }
    assertTrue(String.valueOf(cause.getMessage()).contains("userFactors: id 7 has 2 features but the items have 16"),
        String.valueOf(cause.getMessage()));
  }

  @Test
  void paramsAreValidatedWithClearMessages() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TopKParams.of(0, TopKParams.Metric.DOT));
    assertEquals("k must be between 1 and 10000, got 0", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new TopKParams(10_000, TopKParams.Metric.DOT, 1 << 12, 1024, 1 << 20, 0));
    assertThrows(NullPointerException.class, () -> TopKParams.of(10, null));
  }

  private static List<String> columns(StructType schema) {
    return java.util.Arrays.stream(schema.fields()).map(f -> f.name() + " " + f.dataType().simpleString()).toList();
  }

  /** {@code id, features} rows; ids are {@code offset + row} unless given. */
  private static Dataset<Row> factors(float[] vectors, int rows, int offset, int[] ids) {
    int d = vectors.length / rows;
    List<Row> list = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      list.add(RowFactory.create(ids == null ? offset + i : ids[i], java.util.Arrays.copyOfRange(vectors, i * d, (i + 1) * d)));
    }
    return spark().createDataFrame(list, FACTORS);
  }

  /** The data's exclusions plus rows the scorer must ignore: duplicates, unknown ids, nulls. */
  private static Dataset<Row> exclusions() {
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < DATA.n(); u++) {
      for (int item : DATA.excluded()[u]) {
        rows.add(RowFactory.create(USER_ID_OFFSET + u, item));
      }
    }
    rows.add(RowFactory.create(USER_ID_OFFSET + 5, DATA.excluded()[5][0]));
    rows.add(RowFactory.create(999_999, DATA.ids()[0]));
    rows.add(RowFactory.create(USER_ID_OFFSET + 6, -12345));
    rows.add(RowFactory.create(null, DATA.ids()[0]));
    rows.add(RowFactory.create(USER_ID_OFFSET + 7, null));
    return spark().createDataFrame(rows, EXCLUSIONS);
  }
}
