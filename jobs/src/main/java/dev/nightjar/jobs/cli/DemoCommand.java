package dev.nightjar.jobs.cli;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.demo.PlantedTruth;
import dev.nightjar.jobs.demo.SyntheticShop;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.jobs.privacy.PseudonymKey;
import dev.nightjar.jobs.stages.ImportStage;
import dev.nightjar.jobs.stages.Pipeline;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.privacy.Pseudonyms;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The embedded demo: generates a seeded synthetic shop, imports it, runs the nightly pipeline for
 * its last day and shows what came out.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {
      "The embedded demo: a seeded synthetic shop, imported, its last night run, its lists shown.",
      "Generate a seeded synthetic shop (users with 1-3 latent interest categories, view->cart->purchase funnels,",
      "a long tail, a few bots, ~1%% malformed rows), import it, run `nightly` for its last day and print",
      "rows per stage, quarantine counts, three users' history beside their recommendations, and how to query the tables.",
      "Running it again re-imports nothing and rebuilds the same night: same rows."})
public final class DemoCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--scale", defaultValue = "small",
      description = "small (5k users, 2k items, 30 days; the default), medium or large (200k users, 50k items, ~10M events).")
  String scale;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the generator (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws IOException {
    SyntheticShop.Params base = SyntheticShop.Params.scaled(scale);
    SyntheticShop.Params params =
        new SyntheticShop.Params(base.users(), base.items(), base.days(), base.lastDay(), seed, base.categories(),
            base.malformedShare(), base.bots(), base.coldStartItems(), base.eventsPerUserPerDay());
    // The generated shop is local CSV files that an embedded run imports: the demo needs a local lakehouse.
    Path lake = Lakehouse.localFolder(common.productionLakehouse(common.config()));
    Path dataDir = lake.resolve("_demo_input");
    PrintStream out = System.out;
    out.printf("Nightjar demo (%s): generating a synthetic shop into %s%n", scale, dataDir);
    SyntheticShop.Summary shop = new SyntheticShop(params).generate(dataDir);
    out.printf("  %,d users (+%d bots), %,d items, %,d events over %d days ending %s; %,d malformed rows planted %s%n%n",
        shop.users(), shop.bots(), shop.items(), shop.events(), params.days(), params.lastDay(),
        shop.malformedEvents(), shop.malformedByKind());
    LocalDate date = params.lastDay();
    String[] exampleUser = common.withContext("nightjar demo", ctx -> {
      List<RunReport> reports = new ArrayList<>();
      reports.add(ImportStage.importCsv(ctx, shop.eventsCsv(), shop.itemsCsv(),
          date.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)));
      reports.addAll(Pipeline.nightly(ctx, date));
      out.println("Rows per stage:");
      Reports.print(out, reports);
      byte[] key = ctx.pseudonymKey();
      out.printf("%nUsers are keyed by HMAC-SHA256 pseudonyms in every derived table (key fingerprint %s; docs/privacy.md).%n",
          PseudonymKey.fingerprint(key));
      String[] shownUser = showUsers(ctx, out, date, dataDir, key);
      PlantedTruth.Result truth = PlantedTruth.latentCategoryShare(ctx.spark(), dataDir,
          ctx.lake().read(Tables.RECOMMENDATIONS).where("run_date = DATE'" + date + "'"), ctx.lake().read(Tables.ITEMS), key);
      out.printf(Locale.ROOT, "%nPlanted structure check: %.1f%% of recommended items are in the user's latent categories"
          + " (random lists would give %.1f%%, lift %.1fx) over %,d rows.%n", 100 * truth.share(), 100 * truth.chance(),
          truth.lift(), truth.rows());
      return shownUser;
    });
    out.printf("%nThe Delta tables are under %s (one folder per table). Query them with Spark SQL, e.g.:%n", lake);
    out.printf("  bin/nightjar sql --lakehouse %s \"SELECT reason, count(*) AS n FROM quarantine GROUP BY reason ORDER BY n DESC\"%n", lake);
    out.printf("  bin/nightjar pseudonym --lakehouse %s %s    # the user_id the tables key %s by%n", lake, exampleUser[0], exampleUser[0]);
    out.printf("  bin/nightjar sql --lakehouse %s \"SELECT * FROM recommendations WHERE user_id = '%s' ORDER BY rank\"%n", lake, exampleUser[1]);
    out.printf("  bin/nightjar sql --lakehouse %s \"SELECT stage, status, rows_in, rows_accepted, rows_quarantined FROM run_report\"%n", lake);
    out.printf("The night's HTML report (charts, quarantine, list composition): bin/nightjar report --lakehouse %s --date %s%n", lake, date);
    return 0;
  }

  /**
   * Three users' recent history beside their recommendations, with their planted interests; returns the
   * first one's raw id and pseudonym.
   */
  private static String[] showUsers(StageContext ctx, PrintStream out, LocalDate date, Path dataDir, byte[] key) {
    Dataset<Row> items = ctx.lake().read(Tables.ITEMS).select(Columns.ITEM_ID, Columns.TITLE, Columns.CATEGORY);
    Dataset<Row> recs = ctx.lake().read(Tables.RECOMMENDATIONS).where("run_date = DATE'" + date + "'");
    Dataset<Row> interests =
        PlantedTruth.userCategories(ctx.spark(), dataDir, key)
            .groupBy(Columns.USER_ID, PlantedTruth.RAW_USER_ID)
            .agg(concat_ws("|", sort_array(collect_list(Columns.CATEGORY))).as("interests"));
    List<Row> users =
        ctx.lake().read(Tables.INTERACTIONS).where("run_date = DATE'" + date + "'")
            .groupBy(Columns.USER_ID).count().where("count >= 8")
            .join(recs.select(Columns.USER_ID).distinct(), Columns.USER_ID)
            .join(interests, Columns.USER_ID)
            .orderBy(PlantedTruth.RAW_USER_ID).limit(3).collectAsList();
    for (Row user : users) {
      String userId = user.getString(0);
      out.printf("%nUser %s (pseudonym %s…) — planted interests: %s%n", user.getString(2), userId.substring(0, 12), user.getString(3));
      List<Row> history =
          ctx.lake().read(Tables.EVENTS).where(col(Columns.USER_ID).equalTo(userId))
              .join(items, Columns.ITEM_ID)
              .orderBy(col(Columns.EVENT_TIME).desc(), col(Columns.ITEM_ID))
              .select(col(Columns.EVENT_TIME).cast("string"), col(Columns.EVENT_TYPE), col(Columns.CATEGORY), col(Columns.TITLE))
              .limit(6).collectAsList();
      out.println("  recent history:");
      TablePrinter.aligned(out, List.of("  time", "event", "category", "title"), indent(TablePrinter.cells(history)));
      List<Row> top =
          recs.where(col(Columns.USER_ID).equalTo(userId)).join(items, Columns.ITEM_ID)
              .orderBy(Columns.RANK)
              .select(col(Columns.RANK).cast("string"), col("source"), col(Columns.CATEGORY), col(Columns.TITLE), col(Columns.REASON))
              .limit(12).collectAsList();
      out.println("  recommendations (top 12; exploration slots at ranks " + ctx.config().recommend().exploreRanks() + "):");
      TablePrinter.aligned(out, List.of("  rank", "source", "category", "title", "reason"), indent(TablePrinter.cells(top)));
    }
    String raw = users.isEmpty() ? "U000001" : users.get(0).getString(2);
    return new String[] {raw, Pseudonyms.hmacSha256Hex(raw, key)};
  }

  private static List<List<String>> indent(List<List<String>> rows) {
    List<List<String>> out = new ArrayList<>();
    for (List<String> row : rows) {
      List<String> copy = new ArrayList<>(row);
      copy.set(0, "  " + copy.get(0));
      out.add(copy);
    }
    return out;
  }
}
