package dev.nightjar.jobs.cli;

import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.stages.TuneStage;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tune}: the automatic tuning stage for one date (see {@link TuneStage}).
 *
 * <pre>{@code
 * bin/nightjar tune --date 2026-10-31 --force
 * bin/nightjar tune --date 2026-10-31 --set nightjar.tune.budgetSeconds=300 --set nightjar.tune.modelTrials=2
 * }</pre>
 */
@Command(name = "tune", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Automatic tuning of the ALS/EASE and list parameters on the events up to D; writes `model_params`.",
      "Automatic tuning on every clean event up to D: the last nightjar.tune.holdoutDays days (default 3) are the",
      "validation part, the models are fitted on the rest in a scratch lakehouse (<lakehouse>/experiments/tune-nightly/),",
      "and a seeded random search tries nightjar.tune.modelTrials ALS/EASE configurations (rank, regParam, alpha, maxIter,",
      "EASE lambda; each one retrain) x nightjar.tune.listTrials list settings (blend weight per source, MMR lambda; cheap,",
      "on shared candidates), maximising nightjar.tune.metric (default ndcg@10). The first trial is the configuration",
      "as given. Budget: no new ALS/EASE configuration starts after nightjar.tune.budgetSeconds (default 900); the",
      "defaults (3 x 8 trials) take a few minutes on the demo shop on 2 cores. Search space: nightjar.tune.space.*",
      "(`bin/nightjar config`).",
      "Outputs: every trial in the `model_params` table (run_date = D, scope nightly; a rerun replaces D's rows) with",
      "its parameters, validation metrics, best-so-far value and elapsed time, the best flagged chosen; the run report",
      "shows the chosen parameters and the validation curve. Later nights' train and recommend use the latest chosen",
      "parameters (nightjar.tune.use=latest, the default; `off` keeps the configuration as given).",
      "Without --force it tunes only when the last tuning is nightjar.tune.everyDays (default 7) days old or more,",
      "as the weekly re-tune of the Airflow DAG runs it."})
public final class TuneCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "The logical date D: tune on events up to D.")
  LocalDate date;

  @Option(names = "--force", description = "Tune even when the last tuning is more recent than nightjar.tune.everyDays.")
  boolean force;

  @Override
  public Integer call() {
    List<List<String>> curve = new java.util.ArrayList<>();
    RunReport report = common.withContext("nightjar tune " + date, ctx -> {
      RunReport r = TuneStage.run(ctx, date, force);
      if (!TuneStage.STATUS_SKIPPED.equals(r.status())) {
        for (org.apache.spark.sql.Row t : ctx.lake().read(dev.nightjar.jobs.lake.Tables.MODEL_PARAMS)
            .where("run_date = DATE'" + date + "' AND scope = '" + TuneStage.SCOPE_NIGHTLY + "'").orderBy(TuneStage.TRIAL).collectAsList()) {
          curve.add(List.of(String.valueOf(t.<Integer>getAs(TuneStage.TRIAL)), String.valueOf(t.<Integer>getAs(TuneStage.MODEL_TRIAL)),
              String.format(java.util.Locale.ROOT, "%.4f", t.<Double>getAs(TuneStage.VALUE)),
              String.format(java.util.Locale.ROOT, "%.4f", t.<Double>getAs(TuneStage.BEST_SO_FAR)),
              String.format(java.util.Locale.ROOT, "%.0f", t.<Double>getAs(TuneStage.ELAPSED_S)),
              t.<Boolean>getAs(TuneStage.CHOSEN) ? "*" : ""));
        }
      }
      return r;
    });
    Reports.print(System.out, List.of(report));
    if (!curve.isEmpty()) {
      System.out.println();
      System.out.println("Validation curve (" + report.details().get(TuneStage.VALIDATION) + "; every trial's parameters are in `model_params`):");
      TablePrinter.aligned(System.out, List.of("trial", "model", "value", "best_so_far", "elapsed_s", "chosen"), curve);
    }
    return 0;
  }
}
