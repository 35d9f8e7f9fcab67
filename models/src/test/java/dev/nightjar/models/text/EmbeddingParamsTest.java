package dev.nightjar.models.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EmbeddingParamsTest {
  @Test
  void defaults() {
    assertEquals(new EmbeddingParams(64, 128, "auto"), EmbeddingParams.defaults());
  }

  @Test
  void deviceIsNormalised() {
    assertEquals("gpu", new EmbeddingParams(8, 32, "GPU").device());
  }

  @Test
  void outOfRangeValuesFailNamingTheField() {
    assertMessageContains("batchSize is 0", () -> new EmbeddingParams(0, 128, "auto"));
    assertMessageContains("maxLength is 513", () -> new EmbeddingParams(64, 513, "auto"));
    assertMessageContains("nightjar.embedding.device is 'tpu'", () -> new EmbeddingParams(64, 128, "tpu"));
  }

  private static void assertMessageContains(String expected, Runnable construct) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
