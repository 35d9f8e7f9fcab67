package dev.nightjar.models.coldstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ProjectionParamsTest {
  private static final ProjectionParams D = ProjectionParams.defaults();

  @Test
  void defaultsAreTheNamedConstants() {
    assertEquals(new ProjectionParams(256, 40, 256, 1e-3, 0.2, 42L, "auto", 200_000), D);
  }

  @Test
  void deviceIsNormalised() {
    assertEquals("gpu", withDevice(" GPU ").device());
  }

  @Test
  void eachBadValueFailsNamingTheFieldTheValueAndTheRange() {
    assertMessage("hiddenSize is 0; use 1 to 8192 (default 256)",
        () -> new ProjectionParams(0, D.epochs(), D.batchSize(), D.learningRate(), D.holdoutShare(), D.seed(),
            D.device(), D.maxTrainingItems()));
    assertMessage("epochs is 0; use 1 to 10000 (default 40)",
        () -> new ProjectionParams(D.hiddenSize(), 0, D.batchSize(), D.learningRate(), D.holdoutShare(), D.seed(),
            D.device(), D.maxTrainingItems()));
    assertMessage("batchSize is 100000; use 1 to 65536 (default 256)",
        () -> new ProjectionParams(D.hiddenSize(), D.epochs(), 100_000, D.learningRate(), D.holdoutShare(), D.seed(),
            D.device(), D.maxTrainingItems()));
    assertMessage("learningRate is 0.0; use a value in (0, 1] (default 0.001)",
        () -> new ProjectionParams(D.hiddenSize(), D.epochs(), D.batchSize(), 0.0, D.holdoutShare(), D.seed(),
            D.device(), D.maxTrainingItems()));
    assertMessage("learningRate is NaN; use a value in (0, 1] (default 0.001)",
        () -> new ProjectionParams(D.hiddenSize(), D.epochs(), D.batchSize(), Double.NaN, D.holdoutShare(), D.seed(),
            D.device(), D.maxTrainingItems()));
    assertMessage("holdoutShare is 0.7; use 0 to 0.5 (default 0.2)",
        () -> new ProjectionParams(D.hiddenSize(), D.epochs(), D.batchSize(), D.learningRate(), 0.7, D.seed(),
            D.device(), D.maxTrainingItems()));
    assertMessage("maxTrainingItems is 5; use 10 to 10000000 (default 200000)",
        () -> new ProjectionParams(D.hiddenSize(), D.epochs(), D.batchSize(), D.learningRate(), D.holdoutShare(),
            D.seed(), D.device(), 5));
    assertMessage("device is 'cuda'; allowed values are [auto, cpu, gpu] (default auto)", () -> withDevice("cuda"));
    assertMessage("device is 'null'; allowed values are [auto, cpu, gpu] (default auto)", () -> withDevice(null));
  }

  private static ProjectionParams withDevice(String device) {
    return new ProjectionParams(D.hiddenSize(), D.epochs(), D.batchSize(), D.learningRate(), D.holdoutShare(),
        D.seed(), device, D.maxTrainingItems());
  }

  private static void assertMessage(String expected, Runnable construct) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct::run);
    assertEquals(expected, e.getMessage());
  }
}
