package dev.nightjar.jobs.stages;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.config.RecommendSettings;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.models.candidates.Source;
import dev.nightjar.models.cf.AlsParams;
import dev.nightjar.models.itemitem.EaseParams;
import dev.nightjar.transforms.Columns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parameters {@code tune} searches, as config keys ({@code nightjar.als.rank=32}, …), and how a night's
 * effective configuration is made from them: the base configuration overlaid with the latest chosen row of
 * {@code model_params} (scope {@value TuneStage#SCOPE_NIGHTLY}, tuned on or before D) when
 * {@code nightjar.tune.use=latest}. Only the tuned keys change; everything else stays as configured.
 *
 * <pre>{@code
 * Map<String, String> p = TunedParams.of(config);              // the configured values of the tuned keys
 * NightjarConfig tuned = TunedParams.overlay(config, Map.of("nightjar.als.rank", "64"));
 * Optional<TunedParams.Chosen> latest = TunedParams.latest(lake, date); // what nights would apply
 * }</pre>
 */
public final class TunedParams {
  private static final Logger LOG = LoggerFactory.getLogger(TunedParams.class);
  public static final String ALS_RANK = "nightjar.als.rank";
  public static final String ALS_REG_PARAM = "nightjar.als.regParam";
  public static final String ALS_ALPHA = "nightjar.als.alpha";
  public static final String ALS_MAX_ITER = "nightjar.als.maxIter";
  public static final String EASE_LAMBDA = "nightjar.ease.lambda";
  public static final String MMR_LAMBDA = "nightjar.recommend.mmrLambda";
  public static final String WEIGHT_PREFIX = "nightjar.recommend.weight.";
  /** Keys whose change needs retraining (ALS) or recomputed candidates (EASE); the rest only re-assemble lists. */
  public static final List<String> MODEL_KEYS = List.of(ALS_RANK, ALS_REG_PARAM, ALS_ALPHA, ALS_MAX_ITER, EASE_LAMBDA);
  /** Stages whose configuration the latest chosen parameters overlay on production nights. */
  public static final List<String> TUNED_STAGES = List.of(TrainStage.NAME, RecommendStage.NAME);

  /** The run report details a tuned night records: the parameters applied, and the date they were tuned on. */
  public static final String RECORDED_PARAMS = "tuned_params";
  public static final String RECORDED_FROM = "tuned_params_from";

  private TunedParams() {}

  /** Tuned parameters as a run report records them: {@code {nightjar.als.rank=64, nightjar.ease.lambda=250.0}}. */
  public static String recorded(Map<String, String> params) {
    return new TreeMap<>(params).toString();
  }

  /** The inverse of {@link #recorded}; keys and values are config keys and numbers, free of ", " and "=". */
  public static Map<String, String> parseRecorded(String recorded) {
    String body = recorded.strip();
    if (!body.startsWith("{") || !body.endsWith("}")) {
      throw new IllegalArgumentException("recorded tuned parameters '" + recorded + "' are not of the form {key=value, ...}");
    }
    Map<String, String> out = new TreeMap<>();
    body = body.substring(1, body.length() - 1);
    for (String entry : body.isBlank() ? new String[0] : body.split(", ")) {
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("recorded tuned parameters '" + recorded + "': '" + entry + "' is not key=value");
      }
      out.put(entry.substring(0, eq), entry.substring(eq + 1));
    }
    return out;
  }

  /** One chosen row of {@code model_params}: the tune date, its parameters and validation value. */
  public record Chosen(LocalDate tunedOn, Map<String, String> params, String metric, double value) {}

  /** The configured values of every tuned key. */
  public static Map<String, String> of(NightjarConfig c) {
    Map<String, String> p = new TreeMap<>();
    p.put(ALS_RANK, Integer.toString(c.als().rank()));
    p.put(ALS_REG_PARAM, Double.toString(c.als().regParam()));
    p.put(ALS_ALPHA, Double.toString(c.als().alpha()));
    p.put(ALS_MAX_ITER, Integer.toString(c.als().maxIter()));
    p.put(EASE_LAMBDA, Double.toString(c.ease().lambda()));
    p.put(MMR_LAMBDA, Double.toString(c.recommend().mmrLambda()));
    c.recommend().weights().forEach((source, w) -> p.put(WEIGHT_PREFIX + source, Double.toString(w)));
    return p;
  }

  /** {@code base} with the given tuned keys replaced; other keys are refused (model_params holds only these). */
  public static NightjarConfig overlay(NightjarConfig base, Map<String, String> params) {
    AlsParams a = base.als();
    EaseParams e = base.ease();
    RecommendSettings r = base.recommend();
    Map<String, Double> weights = new LinkedHashMap<>(r.weights());
    double mmr = r.mmrLambda();
    int rank = a.rank();
    int maxIter = a.maxIter();
    double reg = a.regParam();
    double alpha = a.alpha();
    double lambda = e.lambda();
    for (Map.Entry<String, String> p : params.entrySet()) {
      String key = p.getKey();
      String v = p.getValue();
      try {
        switch (key) {
          case ALS_RANK -> rank = Integer.parseInt(v);
          case ALS_REG_PARAM -> reg = Double.parseDouble(v);
          case ALS_ALPHA -> alpha = Double.parseDouble(v);
          case ALS_MAX_ITER -> maxIter = Integer.parseInt(v);
          case EASE_LAMBDA -> lambda = Double.parseDouble(v);
          case MMR_LAMBDA -> mmr = Double.parseDouble(v);
          default -> {
            String source = key.startsWith(WEIGHT_PREFIX) ? key.substring(WEIGHT_PREFIX.length()) : null;
            if (source == null || !Source.isSource(source)) {
              throw new IllegalArgumentException("'" + key + "' is not a tuned parameter; tuned: " + MODEL_KEYS + ", " + MMR_LAMBDA
                  + ", " + WEIGHT_PREFIX + "<" + String.join("|", Source.ids()) + ">");
            }
            weights.put(source, Double.parseDouble(v));
          }
        }
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException("tuned parameter " + key + " = '" + v + "' is not a number", ex);
      }
    }
    RecommendSettings recommend = r.withWeights(weights).withMmrLambda(mmr);
    return base.withAls(new AlsParams(rank, reg, alpha, maxIter, a.seed(), a.numBlocks()))
        .withEase(new EaseParams(lambda, e.maxItems(), e.driverBudgetBytes(), e.binarize()))
        .withRecommend(recommend);
  }

  /** The latest chosen parameters of nightly tuning with {@code run_date <= date}, if any. */
  public static Optional<Chosen> latest(Lakehouse lake, LocalDate date) {
    if (!lake.exists(Tables.MODEL_PARAMS)) {
      return Optional.empty();
    }
    List<Row> rows = lake.read(Tables.MODEL_PARAMS)
        .where(col(TuneStage.SCOPE).equalTo(TuneStage.SCOPE_NIGHTLY).and(col(TuneStage.CHOSEN))
            .and(col(Columns.RUN_DATE).leq(lit(Date.valueOf(date)))))
        .orderBy(col(Columns.RUN_DATE).desc(), col(TuneStage.TRIAL))
        .select(Columns.RUN_DATE, TuneStage.PARAMS, TuneStage.METRIC, TuneStage.VALUE)
        .limit(1).collectAsList();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    Row r = rows.get(0);
    return Optional.of(new Chosen(r.getDate(0).toLocalDate(), new TreeMap<>(r.<String, String>getJavaMap(1)), r.getString(2),
        r.getDouble(3)));
  }

  /**
   * The tuned parameters a production night D applies ({@link StageContext#forNight}) to the stages of
   * {@link #TUNED_STAGES}: empty unless the lakehouse is production (experiments, evaluation and tuning workspaces
   * set their parameters themselves), {@code nightjar.tune.use=latest} and {@code model_params} has a chosen row
   * for D or before. Logs what it found.
   */
  public static Optional<Chosen> applicable(StageContext ctx, LocalDate date) {
    if (ctx.lake().isExperiment() || !"latest".equals(ctx.configured().tune().use())) {
      return Optional.empty();
    }
    Optional<Chosen> chosen = latest(ctx.lake(), date);
    if (chosen.isEmpty()) {
      LOG.info("Night {}: no tuned parameters in {} yet; {} use the configuration as given", date, Tables.MODEL_PARAMS, TUNED_STAGES);
      return chosen;
    }
    Chosen c = chosen.get();
    LOG.info("Night {}: {} apply the parameters tuned on {} ({} {} on validation; nightjar.tune.use=latest): {}",
        date, TUNED_STAGES, c.tunedOn(), c.metric(), String.format(Locale.ROOT, "%.4f", c.value()), c.params());
    return chosen;
  }
}
