package dev.nightjar.models.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Model;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The translator against a fake block whose token embeddings are known, so pooling is checked exactly. */
class TextEncoderTest {
  private static final List<String> INPUTS =
      List.of(TextEncoder.INPUT_IDS, TextEncoder.ATTENTION_MASK, TextEncoder.TOKEN_TYPE_IDS);
  /** What the fake block puts at padded positions: pooling must ignore it. */
  private static final float PADDING_VALUE = 1000f;

  /** Copies of what the fake block received (the arrays themselves are freed with the predictor). */
  private record SeenInputs(List<String> names, Shape shape, long[] ids, long[] mask, long[] typeIds) {}

  private final List<SeenInputs> seenInputs = new ArrayList<>();

  /**
   * Token t (0-based) of every row gets the 2-d embedding (t + 1, 1); padded positions get (1000, 1000).
   * So a row of n real tokens pools to ((n + 1) / 2, 1) before normalising.
   */
  private NDList fakeEncoder(NDList inputs) {
    seenInputs.add(new SeenInputs(
        inputs.stream().map(NDArray::getName).toList(),
        inputs.get(TextEncoder.INPUT_IDS).getShape(),
        inputs.get(TextEncoder.INPUT_IDS).toLongArray(),
        inputs.get(TextEncoder.ATTENTION_MASK).toLongArray(),
        inputs.get(TextEncoder.TOKEN_TYPE_IDS).toLongArray()));
    long[] mask = inputs.get(TextEncoder.ATTENTION_MASK).toLongArray();
    Shape shape = inputs.get(TextEncoder.INPUT_IDS).getShape();
    int rows = (int) shape.get(0);
    int tokens = (int) shape.get(1);
    float[] values = new float[rows * tokens * 2];
    for (int r = 0; r < rows; r++) {
      for (int t = 0; t < tokens; t++) {
        boolean real = mask[r * tokens + t] == 1;
        values[(r * tokens + t) * 2] = real ? t + 1 : PADDING_VALUE;
        values[(r * tokens + t) * 2 + 1] = real ? 1 : PADDING_VALUE;
      }
    }
    NDArray out = inputs.head().getManager().create(values, new Shape(rows, tokens, 2));
    return new NDList(out);
  }

  private float[][] encode(int maxLength, List<String> texts) throws IOException, TranslateException {
    TextEncoderModel.engine();
    try (HuggingFaceTokenizer tokenizer = TextEncoder.tokenizer(TextEncoderModel.tokenizerFile(), maxLength);
        Model model = Model.newInstance("fake-encoder", TextEncoderModel.ENGINE)) {
      model.setBlock(new LambdaBlock(this::fakeEncoder));
      try (Predictor<List<String>, float[][]> predictor = model.newPredictor(new TextEncoder(tokenizer, INPUTS))) {
        return predictor.predict(texts);
      }
    }
  }

  @Test
  void poolsOnlyRealTokensAndNormalises() throws Exception {
    // "hello" → [CLS] hello [SEP] (3 tokens, 1 padding); "hello world" → [CLS] hello world [SEP] (4 tokens)
    float[][] vectors = encode(128, List.of("hello", "hello world"));

    // 3 tokens: mean (1+2+3)/3 = 2, 1 → (2, 1)/√5;  4 tokens: mean 10/4 = 2.5, 1 → (2.5, 1)/√7.25
    assertArrayEquals(new float[] {2 / (float) Math.sqrt(5), 1 / (float) Math.sqrt(5)}, vectors[0], 1e-6f);
    assertArrayEquals(new float[] {2.5f / (float) Math.sqrt(7.25), 1 / (float) Math.sqrt(7.25)}, vectors[1], 1e-6f);
  }

  @Test
  void feedsNamedInputsPaddedToTheLongestText() throws Exception {
    encode(128, List.of("hello", "hello world"));

    SeenInputs inputs = seenInputs.get(0);
    assertEquals(INPUTS, inputs.names());
    assertEquals(new Shape(2, 4), inputs.shape());
    // bert-base-uncased ids: [CLS]=101, hello=7592, world=2088, [SEP]=102, [PAD]=0
    assertArrayEquals(new long[] {101, 7592, 102, 0, 101, 7592, 2088, 102}, inputs.ids());
    assertArrayEquals(new long[] {1, 1, 1, 0, 1, 1, 1, 1}, inputs.mask());
    assertArrayEquals(new long[8], inputs.typeIds());
  }

  @Test
  void truncatesToMaxLengthKeepingSeparator() throws Exception {
    float[][] vectors = encode(4, List.of("one two three four five six"));

    assertArrayEquals(new long[] {101, 2028, 2048, 102}, seenInputs.get(0).ids());
    // 4 tokens → (2.5, 1)/√7.25
    assertArrayEquals(new float[] {2.5f / (float) Math.sqrt(7.25), 1 / (float) Math.sqrt(7.25)}, vectors[0], 1e-6f);
  }

  @Test
  void emptyTextGivesClsAndSep() throws Exception {
    float[][] vectors = encode(128, List.of(""));

    assertArrayEquals(new long[] {101, 102}, seenInputs.get(0).ids());
    // 2 tokens: mean 1.5, 1 → (1.5, 1)/√3.25
    assertArrayEquals(new float[] {1.5f / (float) Math.sqrt(3.25), 1 / (float) Math.sqrt(3.25)}, vectors[0], 1e-6f);
  }

  @Test
  void rejectsAnEmptyBatchAndUnknownInputs() {
    assertThrows(TranslateException.class, () -> encode(128, List.of()));
    assertThrows(IllegalArgumentException.class, () -> new TextEncoder(null, List.of("pixel_values")));
  }

  @Test
  void meanPoolingOfAZeroVectorStaysFinite() {
    float[][] vectors = TextEncoder.meanPoolAndNormalise(new float[] {0, 0, 0, 0}, new long[][] {{1, 0}}, 2);

    assertArrayEquals(new float[] {0, 0}, vectors[0]);
  }
}
