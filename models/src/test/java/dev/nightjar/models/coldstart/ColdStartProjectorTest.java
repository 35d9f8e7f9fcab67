package dev.nightjar.models.coldstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nightjar.models.text.DeviceSelection;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.SchemaCheck.SchemaMismatchException;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class ColdStartProjectorTest extends SparkTestBase {
  private static final Logger LOG = LoggerFactory.getLogger(ColdStartProjectorTest.class);
  private static final int WARM = 300;
  private static final int COLD = 20;
  private static final int RANK = 8;
  private static final ProjectionParams PARAMS = new ProjectionParams(
      64, 30, 64, 3e-3, 0.2, 3L, DeviceSelection.CPU, ProjectionParams.DEFAULT_MAX_TRAINING_ITEMS);

  private static PlantedProjection data;
  private static Dataset<Row> embeddings;
  private static Dataset<Row> factors;

  /** Items 0..299 warm, 300..319 cold (embedded only), "factors-only" has factors but no vector. */
  @BeforeAll
  static void items() {
    data = new PlantedProjection(WARM + COLD, RANK, 21L);
    List<Row> embeddingRows = new ArrayList<>();
    List<Row> factorRows = new ArrayList<>();
    for (int i = 0; i < WARM + COLD; i++) {
      embeddingRows.add(RowFactory.create(id(i), data.embeddings[i]));
      if (i < WARM) {
        factorRows.add(RowFactory.create(id(i), data.factors[i]));
      }
    }
    factorRows.add(RowFactory.create("factors-only", data.factors[0]));
    embeddingRows.add(RowFactory.create("not-embedded", null));
    // as read from Parquet/Delta: the array may hold nulls
    embeddings = spark().createDataFrame(embeddingRows, new StructType()
        .add(Columns.ITEM_ID, DataTypes.StringType)
        .add(ColdStartProjector.VECTOR_COL, DataTypes.createArrayType(DataTypes.FloatType, true)));
    // as ALS writes them: no nulls in the array
    factors = spark().createDataFrame(factorRows, new StructType()
        .add(Columns.ITEM_ID, DataTypes.StringType)
        .add(Columns.FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false)));
  }

  private static String id(int item) {
    return String.format("item-%03d", item);
  }

  @Test
  void projectsExactlyTheColdItemsCloseToTheirPlantedFactors() {
    ColdStartProjector.Result result = ColdStartProjector.fitAndProject(embeddings, factors, PARAMS);
    ProjectionMetrics m = result.metrics();
    LOG.info("spark adapter: {}", m.summary());

    List<Row> projected = result.coldItemFactors().orderBy(Columns.ITEM_ID).collectAsList();
    List<String> coldIds = new ArrayList<>();
    for (int i = WARM; i < WARM + COLD; i++) {
      coldIds.add(id(i));
    }
    assertEquals(coldIds, projected.stream().map(row -> row.getString(0)).toList());
    assertEquals(List.of(Columns.ITEM_ID, Columns.FEATURES), List.of(result.coldItemFactors().columns()));

    Map<String, float[]> truth = new HashMap<>();
    for (int i = WARM; i < WARM + COLD; i++) {
      truth.put(id(i), data.factors[i]);
    }
    double cosineSum = 0;
    for (Row row : projected) {
      List<Float> values = row.getList(1);
      assertEquals(RANK, values.size(), row.getString(0));
      float[] vector = new float[RANK];
      for (int j = 0; j < RANK; j++) {
        vector[j] = values.get(j);
      }
      cosineSum += FactorProjection.cosine(vector, truth.get(row.getString(0)));
    }
    double coldCosine = cosineSum / COLD;
    LOG.info("spark adapter: mean cosine of the {} cold items to their planted factors {}", COLD, coldCosine);

    assertEquals(WARM, m.trainingItems() + m.holdoutItems());
    assertEquals(60, m.holdoutItems());
    assertTrue(m.holdoutCosine() > m.baselineCosine(), m.summary());
    assertTrue(coldCosine >= 0.9, "cold items' mean cosine " + coldCosine);
  }

  @Test
  void takesAtMostMaxTrainingItems() {
    ProjectionParams capped = new ProjectionParams(16, 1, 64, 1e-3, 0.2, 3L, DeviceSelection.CPU, 100);

    ColdStartProjector.Result result = ColdStartProjector.fitAndProject(embeddings, factors, capped);

    assertEquals(100, result.metrics().trainingItems() + result.metrics().holdoutItems());
  }

  @Test
  void missingOrMistypedColumnsFailFirstNamingThem() {
    SchemaMismatchException missing = assertThrows(SchemaMismatchException.class,
        () -> ColdStartProjector.fitAndProject(embeddings.withColumnRenamed("vector", "embedding"), factors, PARAMS));
    assertTrue(missing.getMessage().startsWith(
        "cold-start item embeddings is missing required column 'vector' (expected type array<float>)"),
        missing.getMessage());

    Dataset<Row> doubles = factors.withColumn(Columns.FEATURES,
        factors.col(Columns.FEATURES).cast(DataTypes.createArrayType(DataTypes.DoubleType)));
    SchemaMismatchException mistyped = assertThrows(SchemaMismatchException.class,
        () -> ColdStartProjector.fitAndProject(embeddings, doubles, PARAMS));
    assertTrue(mistyped.getMessage().startsWith(
        "cold-start item factors column 'features' has type array<double> but array<float> is required"),
        mistyped.getMessage());
  }
}
