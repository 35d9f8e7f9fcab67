package dev.nightjar.models.coldstart;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.nightjar.models.text.DeviceSelection;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns a projection from the text embedding space to the CF item-factor space on warm items (those with
 * both), so that items with text but no interactions get CF-comparable factor vectors: a small MLP
 * ({@code in → hidden, ReLU → rank}) trained with Adam on the halved mean squared error, in mini-batches,
 * with DJL on the PyTorch engine. No Spark here (see {@link ColdStartProjector} for the adapter).
 *
 * <pre>{@code
 * try (FactorProjection.Trained trained = FactorProjection.train(warmEmbeddings, warmFactors, ProjectionParams.defaults())) {
 *   LOG.info("{}", trained.metrics().summary());
 *   float[][] coldFactors = trained.predict(coldEmbeddings);
 * }
 * }</pre>
 *
 * <p>A seeded share of the warm items is held out: the metrics compare the mean cosine between projected and
 * true factors there with that of the mean factor vector, so the number means something. The model used is
 * the one trained without the hold-out.
 *
 * <p>Reproducible for a fixed seed on the CPU: the split and the batch order come from {@code Random(seed)},
 * the weight initialisation from PyTorch's generator seeded through {@link Engine#setRandomSeed}. Trainings
 * in one JVM run one at a time (PyTorch's generator and DJL's gradient collector are process-wide). GPU
 * results may differ in the last bits from run to run (cuBLAS).
 *
 * <p>Nothing is downloaded: DJL runs offline ({@code ai.djl.offline=true} unless set otherwise) and takes
 * PyTorch's natives from the {@code pytorch-native-cpu} jar, unpacked once (~450 MB) into DJL's cache:
 * {@code DJL_CACHE_DIR} when set, else {@code ${java.io.tmpdir}/nightjar-djl}.
 */
public final class FactorProjection {
  /** DJL's name of the engine that trains the projection. */
  public static final String ENGINE = "PyTorch";
  /** Training stops when the epoch's loss has not improved for this many epochs in a row ... */
  public static final int EARLY_STOP_PATIENCE = 5;
  /** ... by at least this share of the best loss so far. */
  public static final double EARLY_STOP_MIN_IMPROVEMENT = 1e-3;
  /** Rows per forward pass when predicting. */
  public static final int PREDICT_BATCH_SIZE = 4096;
  /** DJL's system property for PyTorch's intra-op threads, read once when the engine starts. */
  public static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";
  /**
   * PyTorch intra-op threads unless {@value #THREADS_PROPERTY} says otherwise. One: the network is small (a
   * step is well under a millisecond of arithmetic), the driver shares its cores with Spark, and PyTorch's
   * default (one OpenMP thread per core, spinning while it waits) ran the same training 3.5× slower on this
   * shared 2-core machine, with identical results.
   */
  public static final int DEFAULT_THREADS = 1;

  private static final Logger LOG = LoggerFactory.getLogger(FactorProjection.class);
  private static final String MODEL_NAME = "nightjar-coldstart-projection";
  private static final Object TRAINING_LOCK = new Object();
  /** Device choices by setting: asking the engine for GPUs is slow and logs, so once per JVM. */
  private static final ConcurrentMap<String, Device> DEVICES = new ConcurrentHashMap<>();

  private FactorProjection() {}

  /**
   * Trains the projection on {@code embeddings[i] → factors[i]} and measures it on the seeded hold-out.
   * Close the result (it holds native memory).
   *
   * @param embeddings one text embedding per warm item, all of one length
   * @param factors the same items' CF factors, all of one length (the rank), in the same order
   * @throws IllegalArgumentException when the arrays are empty, ragged or of different lengths, or there are
   *     fewer than {@link ProjectionParams#MIN_TRAINING_ITEMS} items
   */
  public static Trained train(float[][] embeddings, float[][] factors, ProjectionParams p) {
    int inputSize = requireRectangular("embeddings", embeddings);
    int rank = requireRectangular("factors", factors);
    if (embeddings.length != factors.length) {
      throw new IllegalArgumentException(
          "embeddings has " + embeddings.length + " rows but factors has " + factors.length + "; give one of each per item");
    }
    if (embeddings.length < ProjectionParams.MIN_TRAINING_ITEMS) {
      throw new IllegalArgumentException("only " + embeddings.length + " warm items; the projection needs at least "
          + ProjectionParams.MIN_TRAINING_ITEMS);
    }
    long engineStart = System.nanoTime();
    Engine engine = engine();
    Device device = device(p.device(), engine);
    long start = System.nanoTime();
    LOG.debug("PyTorch engine ready in {} ms", (start - engineStart) / 1_000_000);
    Random random = new Random(p.seed());
    int[] order = permutation(embeddings.length, random);
    int holdoutCount = (int) Math.round(embeddings.length * p.holdoutShare());
    int[] holdout = Arrays.copyOfRange(order, 0, holdoutCount);
    int[] training = Arrays.copyOfRange(order, holdoutCount, order.length);
    LOG.info("training cold-start projection {} → {} (ReLU) → {} on {} items ({} held out) on {}: {} epochs at most,"
            + " batch {}, learning rate {}, seed {}",
        inputSize, p.hiddenSize(), rank, training.length, holdout.length, device, p.epochs(), p.batchSize(),
        p.learningRate(), p.seed());

    synchronized (TRAINING_LOCK) {
      engine.setRandomSeed(Long.hashCode(p.seed()));
      Model model = Model.newInstance(MODEL_NAME, device, ENGINE);
      try {
        Linear hidden = Linear.builder().setUnits(p.hiddenSize()).build();
        Linear output = Linear.builder().setUnits(rank).build();
        model.setBlock(new SequentialBlock().add(hidden).add(Activation.reluBlock()).add(output));
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
            .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) p.learningRate())).build())
            .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT)
            .optDevices(new Device[] {device});
        TrainingOutcome outcome;
        try (Trainer trainer = model.newTrainer(config)) {
          trainer.initialize(new Shape(1, inputSize));
          outcome = fit(trainer, embeddings, factors, training, p, random);
        }
        ProjectionMetrics metrics =
            measure(model, inputSize, embeddings, factors, training, holdout, outcome, device, start);
        LOG.info("cold-start projection: {}", metrics.summary());
        ProjectionWeights weights = new ProjectionWeights(inputSize, values(hidden, "weight"), values(hidden, "bias"),
            values(output, "weight"), values(output, "bias"));
        return new Trained(model, inputSize, weights, metrics);
      } catch (RuntimeException | Error e) {
        model.close();
        throw e;
      }
    }
  }

  /**
   * DJL's PyTorch engine, started with Nightjar's offline and cache settings (the same as the text encoder's)
   * and {@value #DEFAULT_THREADS} intra-op thread unless {@value #THREADS_PROPERTY} is set. The settings only
   * count when this call starts the engine: call it before anything else in the JVM uses PyTorch.
   */
  public static Engine engine() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    if (System.getProperty(THREADS_PROPERTY) == null) {
      System.setProperty(THREADS_PROPERTY, String.valueOf(DEFAULT_THREADS));
    }
    if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
      System.setProperty("DJL_CACHE_DIR", Path.of(System.getProperty("java.io.tmpdir"), "nightjar-djl").toString());
    }
    return Engine.getEngine(ENGINE);
  }

  private static Device device(String setting, Engine engine) {
    return DEVICES.computeIfAbsent(setting, s -> {
      int gpuCount = engine.getGpuCount();
      if (DeviceSelection.GPU.equals(s) && gpuCount == 0) {
        throw new IllegalArgumentException("device=gpu but the PyTorch engine sees no GPU (it needs CUDA and PyTorch "
            + engine.getVersion() + "'s CUDA natives, see docs/cold-start.md); use auto to fall back to the CPU");
      }
      Device chosen = DeviceSelection.choose(s, gpuCount);
      LOG.info("cold-start projection device={}: engine {} {} sees {} GPU(s), training runs on {}",
          s, engine.getEngineName(), engine.getVersion(), gpuCount, chosen);
      return chosen;
    });
  }

  /** Runs the epochs; stops early when the loss stalls. */
  private static TrainingOutcome fit(
      Trainer trainer, float[][] embeddings, float[][] factors, int[] training, ProjectionParams p, Random random) {
    double best = Double.POSITIVE_INFINITY;
    double epochLoss = Double.NaN;
    int stalled = 0;
    int epoch = 0;
    while (epoch < p.epochs() && stalled < EARLY_STOP_PATIENCE) {
      shuffle(training, random);
      double lossSum = 0;
      for (int from = 0; from < training.length; from += p.batchSize()) {
        int to = Math.min(from + p.batchSize(), training.length);
        try (NDManager batch = trainer.getManager().newSubManager()) {
          NDArray x = rows(batch, embeddings, training, from, to);
          NDArray y = rows(batch, factors, training, from, to);
          try (GradientCollector collector = trainer.newGradientCollector()) {
            NDList predictions = trainer.forward(new NDList(x));
            NDArray loss = trainer.getLoss().evaluate(new NDList(y), predictions);
            collector.backward(loss);
            lossSum += loss.getFloat() * (to - from);
          }
          trainer.step();
        }
      }
      epochLoss = lossSum / training.length;
      epoch++;
      if (epochLoss < best * (1 - EARLY_STOP_MIN_IMPROVEMENT)) {
        best = epochLoss;
        stalled = 0;
      } else {
        stalled++;
      }
      LOG.debug("epoch {}: loss {}", epoch, epochLoss);
    }
    if (epoch < p.epochs()) {
      LOG.info("loss stalled for {} epochs: stopped after epoch {} of {}", EARLY_STOP_PATIENCE, epoch, p.epochs());
    }
    return new TrainingOutcome(epoch, epochLoss);
  }

  private static ProjectionMetrics measure(Model model, int inputSize, float[][] embeddings, float[][] factors, int[] training,
      int[] holdout, TrainingOutcome outcome, Device device, long start) {
    double holdoutCosine = Double.NaN;
    double baselineCosine = Double.NaN;
    double normRatio = Double.NaN;
    if (holdout.length > 0) {
      float[] meanFactor = mean(factors, training);
      float[][] truth = select(factors, holdout);
      float[][] projected = forward(model, inputSize, select(embeddings, holdout));
      double cosineSum = 0;
      double baselineSum = 0;
      double projectedNorms = 0;
      double trueNorms = 0;
      for (int i = 0; i < holdout.length; i++) {
        cosineSum += cosine(projected[i], truth[i]);
        baselineSum += cosine(meanFactor, truth[i]);
        projectedNorms += norm(projected[i]);
        trueNorms += norm(truth[i]);
      }
      holdoutCosine = cosineSum / holdout.length;
      baselineCosine = baselineSum / holdout.length;
      normRatio = trueNorms > 0 ? projectedNorms / trueNorms : Double.NaN;
    }
    return new ProjectionMetrics(training.length, holdout.length, outcome.epochsRun(), outcome.finalLoss(),
        holdoutCosine, baselineCosine, normRatio, device.toString(), (System.nanoTime() - start) / 1_000_000);
  }

  /** The model's outputs for {@code embeddings}, in batches of {@value #PREDICT_BATCH_SIZE} rows. */
  private static float[][] forward(Model model, int inputSize, float[][] embeddings) {
    for (int i = 0; i < embeddings.length; i++) {
      if (embeddings[i].length != inputSize) {
        throw new IllegalArgumentException("embeddings[" + i + "] has " + embeddings[i].length
            + " values; the projection was trained on " + inputSize);
      }
    }
    float[][] out = new float[embeddings.length][];
    int[] identity = new int[embeddings.length];
    Arrays.setAll(identity, i -> i);
    for (int from = 0; from < embeddings.length; from += PREDICT_BATCH_SIZE) {
      int to = Math.min(from + PREDICT_BATCH_SIZE, embeddings.length);
      try (NDManager batch = model.getNDManager().newSubManager()) {
        NDArray x = rows(batch, embeddings, identity, from, to);
        NDArray y = model.getBlock().forward(new ParameterStore(batch, false), new NDList(x), false).singletonOrThrow();
        float[] flat = y.toFloatArray();
        int width = flat.length / (to - from);
        for (int i = from; i < to; i++) {
          out[i] = Arrays.copyOfRange(flat, (i - from) * width, (i - from + 1) * width);
        }
      }
    }
    return out;
  }

  private static float[] values(Linear layer, String parameter) {
    return layer.getParameters().get(parameter).getArray().toFloatArray();
  }

  /** Cosine of two vectors of one length; 0 when either is all zeros. */
  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      aa += (double) a[i] * a[i];
      bb += (double) b[i] * b[i];
    }
    return aa == 0 || bb == 0 ? 0 : dot / Math.sqrt(aa * bb);
  }

  private static double norm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    return Math.sqrt(sum);
  }

  private static float[] mean(float[][] vectors, int[] rows) {
    double[] sum = new double[vectors[0].length];
    for (int r : rows) {
      for (int j = 0; j < sum.length; j++) {
        sum[j] += vectors[r][j];
      }
    }
    float[] mean = new float[sum.length];
    for (int j = 0; j < sum.length; j++) {
      mean[j] = (float) (sum[j] / rows.length);
    }
    return mean;
  }

  private static float[][] select(float[][] vectors, int[] rows) {
    float[][] out = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = vectors[rows[i]];
    }
    return out;
  }

  /** Rows {@code order[from..to)} of {@code vectors} as one {@code (to - from) × width} array on {@code manager}. */
  private static NDArray rows(NDManager manager, float[][] vectors, int[] order, int from, int to) {
    int width = vectors[0].length;
    float[] flat = new float[(to - from) * width];
    for (int i = from; i < to; i++) {
      System.arraycopy(vectors[order[i]], 0, flat, (i - from) * width, width);
    }
    return manager.create(flat, new Shape(to - from, width));
  }

  private static int[] permutation(int n, Random random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    shuffle(order, random);
    return order;
  }

  /** Fisher–Yates. */
  private static void shuffle(int[] values, Random random) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = values[i];
      values[i] = values[j];
      values[j] = swap;
    }
  }

  /** The common row length; fails naming the first row that differs. */
  private static int requireRectangular(String name, float[][] matrix) {
    if (matrix.length == 0) {
      throw new IllegalArgumentException(name + " is empty: there are no warm items to learn from");
    }
    int width = matrix[0].length;
    if (width == 0) {
      throw new IllegalArgumentException(name + "[0] is empty");
    }
    for (int i = 1; i < matrix.length; i++) {
      if (matrix[i].length != width) {
        throw new IllegalArgumentException(
            name + "[" + i + "] has " + matrix[i].length + " values but " + name + "[0] has " + width);
      }
    }
    return width;
  }

  private record TrainingOutcome(int epochsRun, double finalLoss) {}

  /**
   * A trained projection: predicts on the device it was trained on, exports its weights for plain-Java use
   * (Spark executors), and tells how it did. Holds native memory until closed; not for concurrent use.
   */
  public static final class Trained implements AutoCloseable {
    private final Model model;
    private final int inputSize;
    private final ProjectionWeights weights;
    private final ProjectionMetrics metrics;

    private Trained(Model model, int inputSize, ProjectionWeights weights, ProjectionMetrics metrics) {
      this.model = model;
      this.inputSize = inputSize;
      this.weights = weights;
      this.metrics = metrics;
    }

    /**
     * The projected factors of each embedding, computed on the training device in batches of
     * {@value FactorProjection#PREDICT_BATCH_SIZE}.
     *
     * @throws IllegalArgumentException when an embedding's length differs from the training embeddings'
     */
    public synchronized float[][] predict(float[][] embeddings) {
      return forward(model, inputSize, embeddings);
    }

    /** The weights as plain arrays, for {@link ProjectionWeights#apply} where PyTorch is not loaded. */
    public ProjectionWeights weights() {
      return weights;
    }

    /** Hold-out and baseline cosines, sizes, epochs run. */
    public ProjectionMetrics metrics() {
      return metrics;
    }

    /** Frees the model's native memory. */
    @Override
    public void close() {
      model.close();
    }
  }
}
