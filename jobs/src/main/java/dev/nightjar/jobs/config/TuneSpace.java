package dev.nightjar.jobs.config;

import dev.nightjar.models.candidates.Source;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The search space of {@code tune}: each list holds the values a trial draws from (one value = fixed). Its keys
 * ({@link ConfigKeys.Tune}, {@code nightjar.tune.space.*}) are made from the keys they tune and allow the same range;
 * the blend weight defaults are each {@link Source}'s {@link Source#tuningWeights()}.
 *
 * <pre>{@code
 * TuneSpace s = NightjarConfig.load(null, List.of("nightjar.tune.space.als.rank=16,64")).tune().space();
 * s.alsRank();              // [16, 64]
 * s.weights().get("ease");  // [0.0, 0.5, 1.0, 2.0]
 * }</pre>
 *
 * @param alsRank {@code nightjar.tune.space.als.rank}
 * @param alsRegParam {@code nightjar.tune.space.als.regParam}
 * @param alsAlpha {@code nightjar.tune.space.als.alpha}
 * @param alsMaxIter {@code nightjar.tune.space.als.maxIter}
 * @param easeLambda {@code nightjar.tune.space.ease.lambda}
 * @param weights blend weight values per source id, {@code nightjar.tune.space.weight.<source>}, sorted by source id
 *     (the order the search draws them in)
 * @param mmrLambda {@code nightjar.tune.space.mmrLambda}
 */
public record TuneSpace(
    List<Integer> alsRank, List<Double> alsRegParam, List<Double> alsAlpha, List<Integer> alsMaxIter, List<Double> easeLambda,
    Map<String, List<Double>> weights, List<Double> mmrLambda) {
  public static final List<Integer> DEFAULT_ALS_RANK = List.of(16, 32, 64);
  public static final List<Double> DEFAULT_ALS_REG_PARAM = List.of(0.01, 0.05, 0.1);
  public static final List<Double> DEFAULT_ALS_ALPHA = List.of(1.0, 10.0, 40.0);
  public static final List<Integer> DEFAULT_ALS_MAX_ITER = List.of(10);
  public static final List<Double> DEFAULT_EASE_LAMBDA = List.of(50.0, 100.0, 250.0, 500.0);
  public static final List<Double> DEFAULT_MMR_LAMBDA = List.of(0.8, 0.9, 1.0);

  public TuneSpace {
    alsRank = List.copyOf(alsRank);
    alsRegParam = List.copyOf(alsRegParam);
    alsAlpha = List.copyOf(alsAlpha);
    alsMaxIter = List.copyOf(alsMaxIter);
    easeLambda = List.copyOf(easeLambda);
    Map<String, List<Double>> copy = new TreeMap<>();
    weights.forEach((source, values) -> copy.put(source, List.copyOf(values)));
    weights = Collections.unmodifiableMap(copy);
    mmrLambda = List.copyOf(mmrLambda);
  }
}
