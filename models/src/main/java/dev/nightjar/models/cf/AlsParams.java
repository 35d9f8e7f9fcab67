package dev.nightjar.models.cf;

/**
 * Settings of implicit-feedback ALS (Hu, Koren &amp; Volinsky 2008) as run by Spark MLlib.
 *
 * @param rank number of latent factors
 * @param regParam L2 regularisation
 * @param alpha confidence scaling of implicit weights
 * @param maxIter alternating iterations
 * @param seed random seed of the factor initialisation (fixed so reruns give the same factors)
 * @param numBlocks user and item blocks; 0 means the session's default parallelism
 */
public record AlsParams(int rank, double regParam, double alpha, int maxIter, long seed, int numBlocks) {
  public static final int DEFAULT_RANK = 32;
  public static final double DEFAULT_REG_PARAM = 0.05;
  public static final double DEFAULT_ALPHA = 10.0;
  public static final int DEFAULT_MAX_ITER = 10;
  public static final long DEFAULT_SEED = 42L;
  public static final int DEFAULT_NUM_BLOCKS = 0;

  public AlsParams {
    if (rank < 1 || rank > 1024) {
      throw new IllegalArgumentException("rank must be in 1..1024, got " + rank);
    }
    if (regParam < 0) {
      throw new IllegalArgumentException("regParam must be >= 0, got " + regParam);
    }
    if (alpha < 0) {
      throw new IllegalArgumentException("alpha must be >= 0, got " + alpha);
    }
    if (maxIter < 1) {
      throw new IllegalArgumentException("maxIter must be >= 1, got " + maxIter);
    }
    if (numBlocks < 0) {
      throw new IllegalArgumentException("numBlocks must be >= 0, got " + numBlocks);
    }
  }

  public static AlsParams defaults() {
    return new AlsParams(DEFAULT_RANK, DEFAULT_REG_PARAM, DEFAULT_ALPHA, DEFAULT_MAX_ITER, DEFAULT_SEED, DEFAULT_NUM_BLOCKS);
  }

  /** A short, stable name of these settings, used as {@code model_version} prefix. */
  public String versionTag() {
    return String.format(java.util.Locale.ROOT, "als-r%d-reg%s-a%s-i%d-s%d", rank, regParam, alpha, maxIter, seed);
  }
}
