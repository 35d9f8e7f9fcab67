package dev.nightjar.models.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds the same item texts three ways in one process and compares: Nightjar's encoder in length-sorted
 * batches, the same encoder one text at a time — both with one caller per core, each with its own
 * Predictor and one ONNX Runtime thread, as Spark runs it (one task per core) — and langchain4j's own
 * runner of the same model ({@code AllMiniLmL6V2EmbeddingModel}) one text at a time from one caller,
 * its ONNX Runtime session using every core itself. Each way is warmed up first, then the three take
 * turns on {@value #ROUNDS} slices of the texts (fair on a shared, noisy machine). The texts are the
 * distinct Online Retail descriptions when the shared folder holds them, else seeded generated titles.
 *
 * <pre>{@code
 * EmbeddingBenchmark.Result result = EmbeddingBenchmark.run(EmbeddingBenchmark.Params.defaults(sharedDir));
 * String line = result.line();   // e.g. "embedding: batched 241/s, batch1 154/s, langchain4j 69/s, speedup 3.50, min-cosine 1.00000"
 * }</pre>
 *
 * <p>Needs {@code dev.langchain4j:langchain4j-embeddings} at run time (an optional dependency of this module).
 */
public final class EmbeddingBenchmark {
  /** Nightjar's vectors must agree with langchain4j's at least this well (cosine) for every text. */
  public static final double MIN_AGREEMENT = 0.999;
  public static final int DEFAULT_TEXT_COUNT = 3000;
  public static final int WARMUP_TEXTS = 128;
  public static final long GENERATED_TITLES_SEED = 42L;
  /** The texts are cut into this many slices, and the three ways take turns on each. */
  public static final int ROUNDS = 5;

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddingBenchmark.class);

  private EmbeddingBenchmark() {}

  /**
   * @param sharedDir the shared folder holding {@code datasets/online-retail}, if any
   * @param textCount how many texts to embed (each way embeds all of them); fewer when the data set runs out
   * @param descriptionsPerText how many distinct descriptions (or titles) each text joins with ", ": 1 gives
   *     short texts (~8 tokens on Online Retail), 4 gives ~30 tokens
   * @param encoder batch size, max length and device of Nightjar's encoder
   */
  public record Params(Optional<Path> sharedDir, int textCount, int descriptionsPerText, EmbeddingParams encoder) {
    public Params {
      if (textCount < 1) {
        throw new IllegalArgumentException("textCount is " + textCount + "; use at least 1 (default "
            + DEFAULT_TEXT_COUNT + ")");
      }
      if (descriptionsPerText < 1) {
        throw new IllegalArgumentException("descriptionsPerText is " + descriptionsPerText + "; use at least 1");
      }
    }

    /** {@value #DEFAULT_TEXT_COUNT} single descriptions, the encoder's defaults. */
    public static Params defaults(Optional<Path> sharedDir) {
      return new Params(sharedDir, DEFAULT_TEXT_COUNT, 1, EmbeddingParams.defaults());
    }
  }

  /**
   * Throughputs in texts per second and the worst agreement with langchain4j's vectors.
   *
   * @param textSource "online-retail" or "generated"
   * @param meanTokens mean tokens per text, counting [CLS] and [SEP]
   * @param batchedPerCpuSecond batched texts per second of the process's CPU time: the rate per core, which
   *     other processes on a shared machine do not lower
   */
  public record Result(String textSource, int textCount, double meanTokens, int maxTokens, int cores,
      double batchedPerSecond, double batchedPerCpuSecond, double batch1PerSecond, double langchain4jPerSecond,
      double minCosine) {
    /** Batched throughput over langchain4j's. */
    public double speedup() {
      return batchedPerSecond / langchain4jPerSecond;
    }

    /** Whether every Nightjar vector is within {@link #MIN_AGREEMENT} of langchain4j's. */
    public boolean agrees() {
      return minCosine >= MIN_AGREEMENT;
    }

    /** {@code embedding: batched N/s, batch1 N/s, langchain4j N/s, speedup R, min-cosine C}. */
    public String line() {
      return String.format(Locale.ROOT, "embedding: batched %.0f/s, batch1 %.0f/s, langchain4j %.0f/s, speedup %.2f,"
          + " min-cosine %.5f", batchedPerSecond, batch1PerSecond, langchain4jPerSecond, speedup(), minCosine);
    }
  }

  /** Runs the comparison; see the class comment. */
  public static Result run(Params p) throws TranslateException {
    // DJL's engine first: once langchain4j's runner has made ONNX Runtime's environment, DJL's engine fails
    // ("Tried to specify the thread pool when creating an OrtEnvironment, but one already exists")
    TextEncoderModel.engine();
    Path retail = p.sharedDir().map(dir -> dir.resolve(SampleItemTexts.ONLINE_RETAIL_BY_DAY)).orElse(null);
    boolean realTexts = retail != null && Files.isDirectory(retail);
    int pieces = p.textCount() * p.descriptionsPerText();
    List<String> texts = joined(p.descriptionsPerText(), realTexts
        ? SampleItemTexts.onlineRetailDescriptions(p.sharedDir().get(), pieces)
        : SampleItemTexts.generatedTitles(pieces, GENERATED_TITLES_SEED));
    List<String> warmup = texts.subList(0, Math.min(WARMUP_TEXTS, texts.size()));
    EmbeddingParams encoder = p.encoder();
    TextEncoderModel model = TextEncoderModel.get(encoder.device());
    int[] tokens = tokenCounts(model, encoder.maxLength(), texts);
    LOG.info("benchmark: {} {} texts, mean {} tokens (max {}), batch {}, {} cores",
        texts.size(), realTexts ? "Online Retail" : "generated", String.format(Locale.ROOT, "%.1f", mean(tokens)),
        max(tokens), encoder.batchSize(), Runtime.getRuntime().availableProcessors());

    AllMiniLmL6V2EmbeddingModel langchain4j = new AllMiniLmL6V2EmbeddingModel();
    float[][] batched = new float[texts.size()][];
    float[][] reference = new float[texts.size()][];
    long batchedNanos = 0;
    long batchedCpuNanos = 0;
    long batch1Nanos = 0;
    long langchain4jNanos = 0;
    // Nightjar's encoder runs one caller per core (one ONNX Runtime thread each, as Spark runs one task per
    // core); langchain4j's runner is one caller whose ONNX Runtime session uses every core itself.
    int callers = Runtime.getRuntime().availableProcessors();
    List<Predictor<List<String>, float[][]>> predictors = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      for (int i = 0; i < callers; i++) {
        predictors.add(model.newPredictor(encoder.maxLength()));
      }
      encodeInParallel(pool, predictors, warmup, encoder.batchSize());
      encodeInParallel(pool, predictors, warmup, 1);
      warmup.forEach(langchain4j::embed);
      // the three ways take turns slice by slice, so load from other processes hits them alike
      int sliceSize = (texts.size() + ROUNDS - 1) / ROUNDS;
      for (int from = 0; from < texts.size(); from += sliceSize) {
        List<String> slice = texts.subList(from, Math.min(from + sliceSize, texts.size()));
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        float[][] vectors = encodeInParallel(pool, predictors, slice, encoder.batchSize());
        batchedNanos += System.nanoTime() - start;
        batchedCpuNanos += processCpuNanos() - cpuStart;
        System.arraycopy(vectors, 0, batched, from, vectors.length);

        start = System.nanoTime();
        encodeInParallel(pool, predictors, slice, 1);
        batch1Nanos += System.nanoTime() - start;

        start = System.nanoTime();
        for (int i = 0; i < slice.size(); i++) {
          reference[from + i] = langchain4j.embed(slice.get(i)).content().vector();
        }
        langchain4jNanos += System.nanoTime() - start;
        LOG.info("benchmark: {} of {} texts done", from + slice.size(), texts.size());
      }
    } finally {
      pool.shutdownNow();
      predictors.forEach(Predictor::close);
    }

    Result result = new Result(realTexts ? "online-retail" : "generated", texts.size(), mean(tokens), max(tokens),
        Runtime.getRuntime().availableProcessors(), rate(texts.size(), batchedNanos),
        rate(texts.size(), batchedCpuNanos), rate(texts.size(), batch1Nanos),
        rate(texts.size(), langchain4jNanos), minCosine(batched, reference));
    LOG.info("{}", result.line());
    return result;
  }

  /** Encodes {@code texts} split into one contiguous part per predictor, each on its own thread; input order kept. */
  private static float[][] encodeInParallel(
      ExecutorService pool, List<Predictor<List<String>, float[][]>> predictors, List<String> texts, int batchSize)
      throws TranslateException {
    int parts = predictors.size();
    int partSize = (texts.size() + parts - 1) / parts;
    List<Future<float[][]>> futures = new ArrayList<>();
    for (int i = 0; i < parts && i * partSize < texts.size(); i++) {
      List<String> part = texts.subList(i * partSize, Math.min(texts.size(), (i + 1) * partSize));
      Predictor<List<String>, float[][]> predictor = predictors.get(i);
      futures.add(pool.submit(() -> LengthSortedBatches.encode(predictor, part, batchSize)));
    }
    float[][] out = new float[texts.size()][];
    int at = 0;
    try {
      for (Future<float[][]> f : futures) {
        float[][] vectors = f.get();
        System.arraycopy(vectors, 0, out, at, vectors.length);
        at += vectors.length;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TranslateException("interrupted while encoding", e);
    } catch (ExecutionException e) {
      throw new TranslateException("encoding failed: " + e.getCause(), e.getCause());
    }
    return out;
  }

  /** Consecutive groups of {@code size} pieces joined with ", "; an incomplete last group is dropped. */
  private static List<String> joined(int size, List<String> pieces) {
    List<String> texts = new ArrayList<>();
    for (int from = 0; from + size <= pieces.size(); from += size) {
      texts.add(String.join(", ", pieces.subList(from, from + size)));
    }
    return texts;
  }

  private static int[] tokenCounts(TextEncoderModel model, int maxLength, List<String> texts) {
    try (HuggingFaceTokenizer tokenizer = model.tokenizer(maxLength)) {
      return texts.stream().mapToInt(text -> tokenizer.encode(text).getIds().length).toArray();
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static double rate(int count, long nanos) {
    return count / (nanos / 1e9);
  }

  private static double mean(int[] values) {
    double sum = 0;
    for (int v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  private static int max(int[] values) {
    int max = 0;
    for (int v : values) {
      max = Math.max(max, v);
    }
    return max;
  }

  private static double minCosine(float[][] a, float[][] b) {
    double min = Double.POSITIVE_INFINITY;
    for (int i = 0; i < a.length; i++) {
      double dot = 0;
      double normA = 0;
      double normB = 0;
      for (int k = 0; k < a[i].length; k++) {
        dot += (double) a[i][k] * b[i][k];
        normA += (double) a[i][k] * a[i][k];
        normB += (double) b[i][k] * b[i][k];
      }
      min = Math.min(min, dot / Math.sqrt(normA * normB));
    }
    return min;
  }
}
