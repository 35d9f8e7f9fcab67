package dev.nightjar.models.coldstart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nightjar.models.text.DeviceSelection;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class FactorProjectionTest {
  private static final Logger LOG = LoggerFactory.getLogger(FactorProjectionTest.class);
  private static final int RANK = 16;
  /** Small enough to train in about a second on 2 cores. */
  private static final ProjectionParams FAST = new ProjectionParams(
      128, 30, 64, 3e-3, 0.2, 11L, DeviceSelection.CPU, ProjectionParams.DEFAULT_MAX_TRAINING_ITEMS);
  /** For checks that need a trained projection but not a good one. */
  private static final ProjectionParams QUICK = new ProjectionParams(
      64, 5, 64, 3e-3, 0.2, 11L, DeviceSelection.CPU, ProjectionParams.DEFAULT_MAX_TRAINING_ITEMS);

  @Test
  void learnsAPlantedMapFarBetterThanTheMeanVector() {
    PlantedProjection data = new PlantedProjection(1000, RANK, 5L);

    try (FactorProjection.Trained trained = FactorProjection.train(data.embeddings, data.factors, FAST)) {
      ProjectionMetrics m = trained.metrics();
      LOG.info("planted map: {}", m.summary());

      assertEquals(800, m.trainingItems());
      assertEquals(200, m.holdoutItems());
      assertTrue(m.epochsRun() >= 1 && m.epochsRun() <= FAST.epochs(), m.summary());
      assertTrue(m.holdoutCosine() >= 0.9, m.summary());
      assertTrue(m.holdoutCosine() >= m.baselineCosine() + 0.15, m.summary());
      assertEquals("cpu()", m.device());
    }
  }

  @Test
  void sameSeedGivesIdenticalPredictionsAndAnotherSeedDifferentOnes() {
    PlantedProjection data = new PlantedProjection(300, RANK, 6L);
    float[][] probe = Arrays.copyOf(data.embeddings, 20);

    float[][] first;
    float[][] second;
    float[][] otherSeed;
    ProjectionMetrics firstMetrics;
    ProjectionMetrics secondMetrics;
    try (FactorProjection.Trained trained = FactorProjection.train(data.embeddings, data.factors, QUICK)) {
      first = trained.predict(probe);
      firstMetrics = trained.metrics();
    }
    try (FactorProjection.Trained trained = FactorProjection.train(data.embeddings, data.factors, QUICK)) {
      second = trained.predict(probe);
      secondMetrics = trained.metrics();
    }
    ProjectionParams reseeded = new ProjectionParams(QUICK.hiddenSize(), QUICK.epochs(), QUICK.batchSize(),
        QUICK.learningRate(), QUICK.holdoutShare(), QUICK.seed() + 1, QUICK.device(), QUICK.maxTrainingItems());
    try (FactorProjection.Trained trained = FactorProjection.train(data.embeddings, data.factors, reseeded)) {
      otherSeed = trained.predict(probe);
    }

    for (int i = 0; i < probe.length; i++) {
      assertArrayEquals(first[i], second[i], "item " + i);
    }
    assertEquals(firstMetrics.holdoutCosine(), secondMetrics.holdoutCosine());
    assertEquals(firstMetrics.epochsRun(), secondMetrics.epochsRun());
    assertFalse(Arrays.equals(first[0], otherSeed[0]));
  }

  @Test
  void plainJavaWeightsGiveTheEnginesPredictions() {
    PlantedProjection data = new PlantedProjection(200, RANK, 7L);

    try (FactorProjection.Trained trained = FactorProjection.train(data.embeddings, data.factors, QUICK)) {
      float[][] byEngine = trained.predict(data.embeddings);
      ProjectionWeights weights = trained.weights();

      assertEquals(PlantedProjection.EMBEDDING_SIZE, weights.inputSize());
      assertEquals(QUICK.hiddenSize(), weights.hiddenSize());
      assertEquals(RANK, weights.outputSize());
      for (int i = 0; i < data.embeddings.length; i++) {
        assertArrayEquals(byEngine[i], weights.apply(data.embeddings[i]), 1e-4f, "item " + i);
      }
    }
  }

  @Test
  void noHoldoutMeansNoMeasurement() {
    PlantedProjection data = new PlantedProjection(50, RANK, 8L);
    ProjectionParams allTraining = new ProjectionParams(32, 2, 16, 1e-3, 0.0, 1L, DeviceSelection.CPU, 1000);

    try (FactorProjection.Trained trained = FactorProjection.train(data.embeddings, data.factors, allTraining)) {
      assertEquals(50, trained.metrics().trainingItems());
      assertEquals(0, trained.metrics().holdoutItems());
      assertTrue(Double.isNaN(trained.metrics().holdoutCosine()));
    }
  }

  @Test
  void badInputsFailNamingTheProblem() {
    float[][] embeddings = new PlantedProjection(20, RANK, 9L).embeddings;
    float[][] factors = new PlantedProjection(20, RANK, 9L).factors;

    IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class, () -> {
      float[][] broken = embeddings.clone();
      broken[3] = new float[10];
      FactorProjection.train(broken, factors, QUICK);
    });
    assertEquals("embeddings[3] has 10 values but embeddings[0] has 384", ragged.getMessage());

    IllegalArgumentException counts = assertThrows(IllegalArgumentException.class,
        () -> FactorProjection.train(embeddings, Arrays.copyOf(factors, 19), QUICK));
    assertEquals("embeddings has 20 rows but factors has 19; give one of each per item", counts.getMessage());

    IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class,
        () -> FactorProjection.train(Arrays.copyOf(embeddings, 9), Arrays.copyOf(factors, 9), QUICK));
    assertEquals("only 9 warm items; the projection needs at least 10", tooFew.getMessage());

    try (FactorProjection.Trained trained = FactorProjection.train(embeddings, factors, QUICK)) {
      IllegalArgumentException wrongLength = assertThrows(IllegalArgumentException.class,
          () -> trained.predict(new float[][] {new float[383]}));
      assertEquals("embeddings[0] has 383 values; the projection was trained on 384", wrongLength.getMessage());
    }
  }

  @Test
  void cosineIsZeroForAZeroVector() {
    assertEquals(0.0, FactorProjection.cosine(new float[] {0, 0}, new float[] {1, 2}));
    assertEquals(1.0, FactorProjection.cosine(new float[] {1, 2}, new float[] {2, 4}), 1e-12);
  }
}
