package dev.nightjar.models.coldstart;

import java.util.Random;

/**
 * Seeded synthetic warm items whose factors follow from their embeddings by a known map, so a projection
 * can be checked against the truth: embeddings are unit vectors near a {@value #LATENT}-dimensional subspace
 * (as sentence embeddings of one catalogue are), factors are {@code offset + W · embedding + noise} for a random
 * {@code W} and a shared offset (as ALS factors share a popularity direction, which the mean-vector baseline
 * captures).
 */
final class PlantedProjection {
  static final int EMBEDDING_SIZE = 384;
  static final int LATENT = 16;
  static final double EMBEDDING_NOISE = 0.05;
  static final double FACTOR_NOISE = 0.02;

  final float[][] embeddings;
  final float[][] factors;

  PlantedProjection(int items, int rank, long seed) {
    Random random = new Random(seed);
    double[][] basis = gaussian(random, EMBEDDING_SIZE, LATENT, 1.0);
    double[][] map = gaussian(random, rank, EMBEDDING_SIZE, 1.0);
    double[] offset = gaussian(random, 1, rank, 1.0)[0];
    embeddings = new float[items][];
    factors = new float[items][];
    for (int item = 0; item < items; item++) {
      double[] latent = gaussian(random, 1, LATENT, 1.0)[0];
      double[] embedding = new double[EMBEDDING_SIZE];
      for (int i = 0; i < EMBEDDING_SIZE; i++) {
        double sum = EMBEDDING_NOISE * random.nextGaussian();
        for (int k = 0; k < LATENT; k++) {
          sum += basis[i][k] * latent[k] / Math.sqrt(LATENT);
        }
        embedding[i] = sum;
      }
      embeddings[item] = unit(embedding);
      factors[item] = new float[rank];
      for (int f = 0; f < rank; f++) {
        double sum = offset[f] + FACTOR_NOISE * random.nextGaussian();
        for (int i = 0; i < EMBEDDING_SIZE; i++) {
          sum += map[f][i] * embeddings[item][i];
        }
        factors[item][f] = (float) sum;
      }
    }
  }

  private static double[][] gaussian(Random random, int rows, int cols, double scale) {
    double[][] out = new double[rows][cols];
    for (double[] row : out) {
      for (int j = 0; j < cols; j++) {
        row[j] = scale * random.nextGaussian();
      }
    }
    return out;
  }

  private static float[] unit(double[] v) {
    double norm = 0;
    for (double x : v) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / norm);
    }
    return out;
  }
}
