package dev.nightjar.models.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class EmbeddingBenchmarkTest {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddingBenchmarkTest.class);
  private static final Pattern LINE = Pattern.compile(
      "embedding: batched \\d+/s, batch1 \\d+/s, langchain4j \\d+/s, speedup \\d+\\.\\d{2}, min-cosine \\d\\.\\d{5}");

  @Test
  void smallRunAgreesWithLangchain4jAndPrintsTheLine() throws Exception {
    EmbeddingBenchmark.Result result = EmbeddingBenchmark.run(
        new EmbeddingBenchmark.Params(Optional.empty(), 40, 1, new EmbeddingParams(8, 128, "cpu")));

    assertEquals("generated", result.textSource());
    assertEquals(40, result.textCount());
    assertTrue(result.agrees(), result.line());
    assertTrue(LINE.matcher(result.line()).matches(), result.line());
  }

  @Test
  void joinsDescriptionsIntoLongerTexts() throws Exception {
    EmbeddingBenchmark.Result result = EmbeddingBenchmark.run(
        new EmbeddingBenchmark.Params(Optional.empty(), 10, 4, new EmbeddingParams(8, 128, "cpu")));

    assertEquals(10, result.textCount());
    assertTrue(result.meanTokens() > 20, "4 titles of ~6 tokens and 3 commas: " + result.meanTokens());
    assertTrue(result.agrees(), result.line());
  }

  /** The real benchmark on short texts (single descriptions): {@code -Dnightjar.bench=true}. */
  @Test
  @EnabledIfSystemProperty(named = "nightjar.bench", matches = "true")
  void benchmark() throws Exception {
    report(EmbeddingBenchmark.run(EmbeddingBenchmark.Params.defaults(SparkTestBase.sharedDir())));
  }

  /**
   * The real benchmark on ~30-token texts (4 descriptions each), at batch 64 and at batch 16 (the better size
   * for such texts here): {@code -Dnightjar.bench=true}.
   */
  @Test
  @EnabledIfSystemProperty(named = "nightjar.bench", matches = "true")
  void benchmarkLongerTexts() throws Exception {
    for (int batchSize : new int[] {EmbeddingParams.DEFAULT_BATCH_SIZE, 16}) {
      report(EmbeddingBenchmark.run(new EmbeddingBenchmark.Params(SparkTestBase.sharedDir(), 1000, 4,
          new EmbeddingParams(batchSize, EmbeddingParams.DEFAULT_MAX_LENGTH, EmbeddingParams.DEFAULT_DEVICE))));
    }
  }

  private static void report(EmbeddingBenchmark.Result result) {
    LOG.info("{} ({} {} texts, mean {} tokens, max {}, {} cores; batched {} texts per CPU-second)", result.line(),
        result.textCount(), result.textSource(), String.format("%.1f", result.meanTokens()), result.maxTokens(),
        result.cores(), Math.round(result.batchedPerCpuSecond()));
    assertTrue(result.agrees(), result.line());
  }
}
