package dev.nightjar.models.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class ScoringBenchmarkTest extends SparkTestBase {
  private static final Logger LOG = LoggerFactory.getLogger(ScoringBenchmarkTest.class);
  private static final StructType MLLIB = new StructType()
      .add("user", DataTypes.IntegerType)
      .add("recommendations", DataTypes.createArrayType(new StructType()
          .add("item", DataTypes.IntegerType)
          .add("rating", DataTypes.FloatType)));

  @Test
  void smallRunAgreesWithMllibAndPrintsTheLine() {
    ScoringBenchmark.Result result = ScoringBenchmark.run(spark(), new ScoringBenchmark.Params(300, 200, 8, 10, 7));

    assertTrue(result.agree(), result.line());
    assertEquals(2, result.cores());
    assertTrue(result.line().matches("scoring: nightjar \\d+\\.\\ds, mllib \\d+\\.\\ds, speedup \\d+\\.\\d, "
        + "agree true, gflops \\d+\\.\\d, sgemm-share \\d+%"), result.line());
  }

  @Test
  void disagreementsCountMissingSlotsAndUnequalScoresButNotTieSwaps() {
    Dataset<Row> mllib = spark().createDataFrame(List.of(
        RowFactory.create(1, List.of(RowFactory.create(10, 5f), RowFactory.create(11, 5f), RowFactory.create(12, 3f))),
        RowFactory.create(2, List.of(RowFactory.create(10, 2f)))), MLLIB);

    assertEquals(0, ScoringBenchmark.disagreements(ours(
        RowFactory.create(1, 11, 5f, 1), RowFactory.create(1, 10, 5f, 2), RowFactory.create(1, 12, 3f, 3),
        RowFactory.create(2, 10, 2f, 1)), mllib));
    assertEquals(2, ScoringBenchmark.disagreements(ours(
        RowFactory.create(1, 10, 5f, 1), RowFactory.create(1, 11, 5f, 2), RowFactory.create(1, 13, 2.9f, 3)),
        mllib), "a different item with another score, and user 2's missing slot");
  }

  /** Full size, on demand: {@code -Dnightjar.bench=true [-Dnightjar.bench.users=… -Dnightjar.bench.items=…]}. */
  @Test
  void benchmark() {
    assumeTrue(Boolean.getBoolean("nightjar.bench"), "set -Dnightjar.bench=true to run the scoring benchmark");
    ScoringBenchmark.Params params = new ScoringBenchmark.Params(
        Integer.getInteger("nightjar.bench.users", 20_000), Integer.getInteger("nightjar.bench.items", 10_000),
        Integer.getInteger("nightjar.bench.rank", 64), Integer.getInteger("nightjar.bench.k", 100), 42);

    ScoringBenchmark.Result result = withSQLConf(Map.of("spark.sql.shuffle.partitions", "4"),
        () -> ScoringBenchmark.run(spark(), params));

    LOG.info("{}", result.line());
    assertTrue(result.agree(), result.line());
  }

  private static Dataset<Row> ours(Row... rows) {
    return spark().createDataFrame(List.of(rows), BlockwiseTopKScorer.OUTPUT_SCHEMA);
  }
}
