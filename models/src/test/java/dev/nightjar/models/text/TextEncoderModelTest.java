package dev.nightjar.models.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real all-MiniLM-L6-v2 model through {@link TextEncoderModel}. */
class TextEncoderModelTest {
  private static Predictor<List<String>, float[][]> predictor;

  /** (anchor, a description like it, an unrelated description), all present in Online Retail. */
  private static final List<List<String>> TRIPLES = List.of(
      List.of("WHITE HANGING HEART T-LIGHT HOLDER", "CREAM HANGING HEART T-LIGHT HOLDER", "BLUE HAPPY BIRTHDAY BUNTING"),
      List.of("ALARM CLOCK BAKELIKE GREEN", "ALARM CLOCK BAKELIKE PINK", "LUNCH BAG APPLE DESIGN"),
      List.of("LUNCH BAG CARS BLUE", "LUNCH BAG APPLE DESIGN", "BLACK/BLUE POLKADOT UMBRELLA"),
      List.of("CHICK GREY HOT WATER BOTTLE", "CHOCOLATE HOT WATER BOTTLE", "DOORMAT FAIRY CAKE"),
      List.of("CONGRATULATIONS BUNTING", "PAPER BUNTING COLOURED LACE", "BLACK CHRISTMAS TREE 60CM"),
      List.of("CAKE STAND LACE WHITE", "BLACK SMALL GLASS CAKE STAND", "WHITE HANGING HEART T-LIGHT HOLDER"));

  @BeforeAll
  static void load() {
    predictor = TextEncoderModel.get(Device.cpu()).newPredictor(EmbeddingParams.DEFAULT_MAX_LENGTH);
  }

  @AfterAll
  static void close() {
    predictor.close();
  }

  @Test
  void modelTakesTheThreeBertInputs() {
    assertEquals(List.of(TextEncoder.INPUT_IDS, TextEncoder.ATTENTION_MASK, TextEncoder.TOKEN_TYPE_IDS),
        TextEncoderModel.get(Device.cpu()).inputNames());
  }

  @Test
  void vectorsHave384UnitNormDimensions() throws Exception {
    float[][] vectors = predictor.predict(List.of("red mug", "WHITE HANGING HEART T-LIGHT HOLDER", ""));

    for (float[] vector : vectors) {
      assertEquals(EmbeddingParams.DIMENSIONS, vector.length);
      assertEquals(1.0, Math.sqrt(dot(vector, vector)), 1e-5);
    }
  }

  @Test
  void matchesSentenceTransformersOnHelloWorld() throws Exception {
    float[] vector = predictor.predict(List.of("hello world"))[0];

    // first values of sentence-transformers' all-MiniLM-L6-v2 encode("hello world", normalize_embeddings=True)
    assertArrayEquals(new float[] {-0.0344773f, 0.0310232f, 0.0067350f, 0.0261090f, -0.0393620f},
        java.util.Arrays.copyOf(vector, 5), 1e-5f);
  }

  @Test
  void sameTextGivesTheSameVectorAloneOrPaddedInABatch() throws Exception {
    String text = "red mug";
    float[] alone = predictor.predict(List.of(text))[0];
    float[][] batch = predictor.predict(List.of(text, "a much longer product description with many more words", text));

    assertArrayEquals(alone, predictor.predict(List.of(text))[0]);
    assertArrayEquals(alone, batch[0], 1e-5f);
    assertArrayEquals(batch[0], batch[2]);
  }

  @Test
  void knownClosePairsAreClose() throws Exception {
    float[][] v = predictor.predict(List.of("red mug", "red cup", "blue lunch bag", "jumbo bag red retrospot"));

    assertTrue(dot(v[0], v[1]) > 0.7, "red mug ~ red cup: " + dot(v[0], v[1]));
    assertTrue(dot(v[0], v[1]) > dot(v[0], v[2]), "red mug closer to red cup than to blue lunch bag");
  }

  @Test
  void similarOnlineRetailItemsAreCloserThanUnrelatedOnes() throws Exception {
    Optional<Path> shared = SparkTestBase.sharedDir();
    assumeTrue(shared.isPresent(), "shared datasets folder absent (set -Dnightjar.shared.dir): skipping real-text check");
    Set<String> descriptions = new HashSet<>(SampleItemTexts.onlineRetailDescriptions(shared.get(), Integer.MAX_VALUE));

    for (List<String> triple : TRIPLES) {
      assertTrue(descriptions.containsAll(triple), "all of " + triple + " occur in Online Retail");
      float[][] v = predictor.predict(triple);
      double close = dot(v[0], v[1]);
      double far = dot(v[0], v[2]);
      assertTrue(close > far, triple + ": cosine to the similar item " + close + " ≤ to the unrelated one " + far);
    }
  }

  static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }
}
