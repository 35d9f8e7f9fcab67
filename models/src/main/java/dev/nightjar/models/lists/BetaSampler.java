package dev.nightjar.models.lists;

import java.util.SplittableRandom;

/**
 * Draws from Beta(a, b) as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b) (Marsaglia &amp; Tsang's method),
 * from a caller-owned seeded random source so that draws are reproducible.
 *
 * <pre>{@code
 * double p = BetaSampler.sample(new SplittableRandom(42), 2.0, 5.0);
 * }</pre>
 */
public final class BetaSampler {
  private BetaSampler() {}

  public static double sample(SplittableRandom random, double a, double b) {
    if (!(a > 0) || !(b > 0)) {
      throw new IllegalArgumentException("Beta parameters must be > 0, got a=" + a + ", b=" + b);
    }
    double x = gamma(random, a);
    double y = gamma(random, b);
    return x / (x + y);
  }

  static double gamma(SplittableRandom random, double shape) {
    if (shape < 1) {
      // Gamma(a) = Gamma(a + 1) * U^(1/a)
      return gamma(random, shape + 1) * Math.pow(random.nextDouble(), 1 / shape);
    }
    double d = shape - 1.0 / 3.0;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        x = normal(random);
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = random.nextDouble();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }

  private static double normal(SplittableRandom random) {
    // Box–Muller; one of the pair is enough here.
    double u1 = random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}
