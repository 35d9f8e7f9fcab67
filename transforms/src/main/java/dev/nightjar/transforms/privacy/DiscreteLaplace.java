package dev.nightjar.transforms.privacy;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;

/**
 * An exact sampler of the discrete Laplace distribution (the two-sided geometric distribution) with
 * scale {@code t}: {@code P(k) = (1 − e^{−1/t}) / (1 + e^{−1/t}) · e^{−|k|/t}} for every integer k.
 * Added to an integer count of sensitivity Δ with {@code t = Δ/ε}, it is ε-differentially private: two
 * neighbouring counts c, c' (|c − c'| ≤ Δ) give any output y with probabilities whose ratio is
 * {@code e^{(|y−c'| − |y−c|)/t} ≤ e^{Δ/t} = e^ε}.
 *
 * <p>Exact means the draws follow that mass function exactly given uniform random integers: no floating
 * point is used, so nothing leaks through low-order bits as it does with the textbook {@code −b·ln(u)}
 * sampler on doubles (Mironov 2012). The scale is held as the rational {@code num / den} with
 * {@code den = 2^20}, rounded <em>up</em> from the requested t (more noise, so ε is still met). The
 * algorithm is Algorithm 2 of Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential
 * Privacy" (2020), written from the paper:
 *
 * <ol>
 *   <li>draw U uniform on {0, …, num−1}; accept it with probability e^{−U/num}, else start over;
 *   <li>draw V ≥ 0 geometric: count successes of Bernoulli(e^{−1}) up to the first failure;
 *   <li>X = U + num·V is then geometric with P(X = x) ∝ e^{−x/num}; Y = ⌊X / den⌋ has
 *       P(Y = y) ∝ e^{−y·den/num} = e^{−y/t};
 *   <li>draw a sign B uniform on {0, 1}; if B = 1 and Y = 0 start over (so 0 is not counted twice);
 *       return (1 − 2B)·Y.
 * </ol>
 *
 * Bernoulli(e^{−γ}) for a rational γ = x/n in [0, 1] is drawn as in the paper's Algorithm 1: count the
 * K ≥ 1 at which the first Bernoulli(γ/K) fails; the result is 1 when K is odd. Bernoulli(γ/K) is drawn
 * as Bernoulli(x/n) and Bernoulli(1/K) both succeeding, so no product can overflow; each Bernoulli(a/b)
 * is {@code rng.nextLong(b) < a}, an unbiased integer draw. The expected number of draws per sample is a
 * small constant whatever t.
 *
 * <pre>{@code
 * DiscreteLaplace noise = DiscreteLaplace.withScale(sensitivity / epsilon);
 * long released = count + noise.sample(new SplittableRandom(seed));
 * }</pre>
 */
public final class DiscreteLaplace implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The denominator of the scale: t is rounded up to a multiple of 1/2^20. */
  static final long DENOMINATOR = 1L << 20;

  /** The largest scale accepted: num = t·2^20 must stay below 2^62. */
  public static final double MAX_SCALE = 0x1p42;

  private final long num;

  private DiscreteLaplace(long num) {
    this.num = num;
  }

  /**
   * The sampler whose scale is {@code t} rounded up to the next multiple of 2^−20.
   *
   * @param t the scale Δ/ε, {@code > 0} and at most {@link #MAX_SCALE} (≈ 4.4·10^12)
   */
  public static DiscreteLaplace withScale(double t) {
    if (!(t > 0) || !(t <= MAX_SCALE)) {
      throw new IllegalArgumentException(
          "the discrete Laplace scale t = sensitivity / epsilon must be > 0 and at most 2^42 (noise that large "
              + "leaves no signal; raise epsilon or lower the sensitivity), got " + t);
    }
    BigDecimal exact = new BigDecimal(t).multiply(BigDecimal.valueOf(DENOMINATOR));
    return new DiscreteLaplace(exact.setScale(0, RoundingMode.CEILING).longValueExact());
  }

  /** The scale actually used: the requested t rounded up to a multiple of 2^−20. */
  public double scale() {
    return (double) num / DENOMINATOR;
  }

  /** One draw; the same generator state gives the same draw. */
  public long sample(SplittableRandom rng) {
    while (true) {
      long u = rng.nextLong(num);
      if (!bernoulliExpMinus(u, num, rng)) {
        continue;
      }
      long v = 0;
      while (bernoulliExpMinus(1, 1, rng)) {
        v++;
      }
      // X = u + num·v in 128-bit-free form: ⌊X/den⌋ = v·(num/den) + ⌊(u + v·(num mod den)) / den⌋.
      long y = Math.addExact(
          Math.multiplyExact(v, num / DENOMINATOR),
          Math.addExact(u, Math.multiplyExact(v, num % DENOMINATOR)) / DENOMINATOR);
      boolean negative = rng.nextBoolean();
      if (negative && y == 0) {
        continue;
      }
      return negative ? -y : y;
    }
  }

  /** Bernoulli(e^{−x/n}) for 0 ≤ x ≤ n (Algorithm 1 of Canonne, Kamath and Steinke). */
  private static boolean bernoulliExpMinus(long x, long n, SplittableRandom rng) {
    long k = 1;
    while (rng.nextLong(n) < x && rng.nextLong(k) == 0) {
      k++;
    }
    return k % 2 == 1;
  }
}
