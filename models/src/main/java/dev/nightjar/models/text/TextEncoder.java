package dev.nightjar.models.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * DJL {@code Translator} from a batch of texts to unit-length sentence embeddings with a BERT-style
 * encoder: tokenizes (truncated to the tokenizer's max length, padded to the longest text of the batch),
 * feeds the model's inputs among {@code input_ids}, {@code attention_mask} and {@code token_type_ids},
 * averages the token embeddings the attention mask keeps, and scales each average to length 1.
 *
 * <p>It is stateless apart from the tokenizer, so one instance may serve several predictors at once.
 * Most callers get a predictor from {@link TextEncoderModel} instead of building one:
 *
 * <pre>{@code
 * try (ai.djl.inference.Predictor<List<String>, float[][]> predictor = TextEncoderModel.get("auto").newPredictor(128)) {
 *   float[][] vectors = predictor.predict(List.of("red mug", "blue cup"));   // 2 × 384, unit norm
 * }
 * }</pre>
 */
public final class TextEncoder implements NoBatchifyTranslator<List<String>, float[][]> {
  public static final String INPUT_IDS = "input_ids";
  public static final String ATTENTION_MASK = "attention_mask";
  public static final String TOKEN_TYPE_IDS = "token_type_ids";

  private static final String MASK_ATTACHMENT = "nightjar.attentionMask";
  /** Floor for the token count and the norm, as sentence-transformers uses. */
  private static final float EPSILON = 1e-9f;

  private final HuggingFaceTokenizer tokenizer;
  private final List<String> inputNames;

  /**
   * @param tokenizer truncating, padding-to-longest tokenizer (see {@link #tokenizer(Path, int)})
   * @param inputNames the model's input names, in the model's order; each one of the three above
   */
  public TextEncoder(HuggingFaceTokenizer tokenizer, List<String> inputNames) {
    for (String name : inputNames) {
      if (!List.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS).contains(name)) {
        throw new IllegalArgumentException(
            "model input '" + name + "' is not one of " + INPUT_IDS + ", " + ATTENTION_MASK + ", " + TOKEN_TYPE_IDS);
      }
    }
    this.tokenizer = tokenizer;
    this.inputNames = List.copyOf(inputNames);
  }

  /** A tokenizer from a HuggingFace {@code tokenizer.json} that truncates to {@code maxLength} and pads to the longest. */
  public static HuggingFaceTokenizer tokenizer(Path tokenizerJson, int maxLength) throws IOException {
    return HuggingFaceTokenizer.builder()
        .optTokenizerPath(tokenizerJson)
        .optAddSpecialTokens(true)
        .optTruncation(true)
        .optMaxLength(maxLength)
        .optPadding(true)
        .build();
  }

  @Override
  public NDList processInput(TranslatorContext ctx, List<String> texts) {
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("nothing to encode: the batch of texts is empty");
    }
    Encoding[] encodings = tokenizer.batchEncode(texts);
    long[][] ids = new long[encodings.length][];
    long[][] mask = new long[encodings.length][];
    long[][] typeIds = new long[encodings.length][];
    for (int i = 0; i < encodings.length; i++) {
      ids[i] = encodings[i].getIds();
      mask[i] = encodings[i].getAttentionMask();
      typeIds[i] = encodings[i].getTypeIds();
    }
    ctx.setAttachment(MASK_ATTACHMENT, mask);
    NDManager manager = ctx.getNDManager();
    NDList inputs = new NDList(inputNames.size());
    for (String name : inputNames) {
      long[][] values = switch (name) {
        case INPUT_IDS -> ids;
        case ATTENTION_MASK -> mask;
        default -> typeIds;
      };
      NDArray array = manager.create(values);
      array.setName(name);
      inputs.add(array);
    }
    return inputs;
  }

  @Override
  public float[][] processOutput(TranslatorContext ctx, NDList outputs) {
    long[][] mask = (long[][]) ctx.getAttachment(MASK_ATTACHMENT);
    NDArray tokenEmbeddings = outputs.get(0);
    Shape shape = tokenEmbeddings.getShape();
    if (shape.dimension() != 3 || shape.get(0) != mask.length || shape.get(1) != mask[0].length) {
      throw new IllegalStateException(
          "expected token embeddings of shape (" + mask.length + ", " + mask[0].length + ", hidden), got " + shape);
    }
    return meanPoolAndNormalise(tokenEmbeddings.toFloatArray(), mask, (int) shape.get(2));
  }

  /**
   * Averages each row's token vectors where its mask is 1 and scales the average to length 1.
   *
   * @param tokenEmbeddings row-major (rows × tokens × hidden) values
   * @param mask rows × tokens, 1 for a real token and 0 for padding
   */
  static float[][] meanPoolAndNormalise(float[] tokenEmbeddings, long[][] mask, int hidden) {
    int tokens = mask[0].length;
    float[][] vectors = new float[mask.length][hidden];
    for (int row = 0; row < mask.length; row++) {
      float[] sum = vectors[row];
      long kept = 0;
      for (int token = 0; token < tokens; token++) {
        if (mask[row][token] == 0) {
          continue;
        }
        kept++;
        int offset = (row * tokens + token) * hidden;
        for (int h = 0; h < hidden; h++) {
          sum[h] += tokenEmbeddings[offset + h];
        }
      }
      double squares = 0;
      for (int h = 0; h < hidden; h++) {
        sum[h] /= Math.max(kept, EPSILON);
        squares += (double) sum[h] * sum[h];
      }
      float norm = (float) Math.max(Math.sqrt(squares), EPSILON);
      for (int h = 0; h < hidden; h++) {
        sum[h] /= norm;
      }
    }
    return vectors;
  }
}
