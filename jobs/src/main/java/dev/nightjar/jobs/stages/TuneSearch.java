package dev.nightjar.jobs.stages;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.config.TuneSettings;
import dev.nightjar.jobs.config.TuneSpace;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * The seeded random search plan of {@code tune}: model configurations (ALS rank, regParam, alpha, maxIter and
 * EASE λ — each needs a retrain) and list settings (blend weight per source and MMR λ — cheap, scored on the
 * candidates of every model configuration). The first model configuration and the first list setting are the
 * configured ones, so the chosen parameters are never worse on validation than the configuration as given.
 * Values are drawn uniformly from the space's lists, without repeating a configuration. Pure: same seed and
 * space, same plan; and a plan with fewer trials is a prefix of one with more (models and lists draw from
 * separate seeded streams).
 *
 * <pre>{@code
 * TuneSearch.Plan plan = TuneSearch.plan(config);
 * plan.models().get(0); // {nightjar.als.rank=32, …} the configured ALS and EASE settings
 * plan.lists().size();  // nightjar.tune.listTrials
 * }</pre>
 */
public final class TuneSearch {
  private static final long LIST_STREAM = 0x5DEECE66DL;

  private TuneSearch() {}

  /** What to try: model configurations and list settings, each as tuned config keys → values. */
  public record Plan(List<Map<String, String>> models, List<Map<String, String>> lists) {}

  /** The plan for {@code config}'s {@code nightjar.tune.*} settings. */
  public static Plan plan(NightjarConfig config) {
    TuneSettings t = config.tune();
    TuneSpace s = t.space();
    Random random = new Random(t.seed());
    Map<String, String> configured = TunedParams.of(config);
    Set<Map<String, String>> models = new LinkedHashSet<>();
    models.add(pick(configured, TunedParams.MODEL_KEYS));
    long modelSpace = (long) s.alsRank().size() * s.alsRegParam().size() * s.alsAlpha().size() * s.alsMaxIter().size()
        * s.easeLambda().size();
    for (int attempt = 0; models.size() < t.modelTrials() && models.size() <= modelSpace && attempt < 100 * t.modelTrials(); attempt++) {
      Map<String, String> m = new TreeMap<>();
      m.put(TunedParams.ALS_RANK, Integer.toString(draw(random, s.alsRank())));
      m.put(TunedParams.ALS_REG_PARAM, Double.toString(draw(random, s.alsRegParam())));
      m.put(TunedParams.ALS_ALPHA, Double.toString(draw(random, s.alsAlpha())));
      m.put(TunedParams.ALS_MAX_ITER, Integer.toString(draw(random, s.alsMaxIter())));
      m.put(TunedParams.EASE_LAMBDA, Double.toString(draw(random, s.easeLambda())));
      models.add(m);
    }
    // A stream of its own, so the list settings do not depend on how many model configurations were drawn:
    // the first L list settings are the same for any nightjar.tune.listTrials >= L.
    random = new Random(t.seed() ^ LIST_STREAM);
    Set<Map<String, String>> lists = new LinkedHashSet<>();
    List<String> listKeys = new ArrayList<>();
    listKeys.add(TunedParams.MMR_LAMBDA);
    s.weights().keySet().forEach(source -> listKeys.add(TunedParams.WEIGHT_PREFIX + source));
    lists.add(pick(configured, listKeys));
    for (int attempt = 0; lists.size() < t.listTrials() && attempt < 100 * t.listTrials(); attempt++) {
      Map<String, String> l = new TreeMap<>();
      l.put(TunedParams.MMR_LAMBDA, Double.toString(draw(random, s.mmrLambda())));
      boolean any = false;
      for (Map.Entry<String, List<Double>> w : s.weights().entrySet()) {
        double v = draw(random, w.getValue());
        any |= v > 0;
        l.put(TunedParams.WEIGHT_PREFIX + w.getKey(), Double.toString(v));
      }
      if (any) {
        lists.add(l);
      }
    }
    return new Plan(List.copyOf(models).subList(0, Math.min(models.size(), t.modelTrials())), List.copyOf(lists));
  }

  private static <T> T draw(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static Map<String, String> pick(Map<String, String> all, List<String> keys) {
    Map<String, String> out = new TreeMap<>();
    for (String k : keys) {
      out.put(k, all.get(k));
    }
    return out;
  }
}
