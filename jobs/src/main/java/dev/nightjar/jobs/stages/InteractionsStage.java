package dev.nightjar.jobs.stages;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.InteractionParams;
import dev.nightjar.transforms.Interactions;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Night D's weighted, decayed user × item interactions over the user's history (see {@link Interactions}), written to
 * partition {@code run_date = D}. The run report says what the models see: events counted of the history's
 * ({@code counted_events}, {@code history_events}; the rest are bots' or past a user's cap, see rows_in/accepted) and
 * users with interactions of the users known ({@code users}, {@code known_users}).
 */
public final class InteractionsStage {
  private static final Logger LOG = LoggerFactory.getLogger(InteractionsStage.class);
  public static final String NAME = "interactions";

  private InteractionsStage() {}

  public static RunReport run(StageContext ctx, LocalDate date) {
    Lakehouse lake = ctx.lake();
    RunReport report = RunReport.of(NAME, date);
    InteractionParams p = ctx.config().interactions();
    long eventsVersion = lake.version(Tables.EVENTS);
    report.inputVersion(Tables.EVENTS, eventsVersion);
    Dataset<Row> events = lake.readAt(Tables.EVENTS, eventsVersion);

    Dataset<Row> history = Interactions.window(events, date, p);
    Row seen = history.agg(count(lit(1)), countDistinct(col(Columns.USER_ID))).head();
    long historyEvents = seen.getLong(0);
    long knownUsers = seen.getLong(1);
    long bots = Interactions.bots(history, p).count();
    long counted = Interactions.counted(events, date, p).count();
    lake.replaceWhere(
        Tables.INTERACTIONS,
        Interactions.compute(events, date, p),
        "run_date = DATE'" + date + "'",
        Columns.RUN_DATE);
    Dataset<Row> written = lake.read(Tables.INTERACTIONS).where("run_date = DATE'" + date + "'");
    Row pairsAndUsers = written.agg(count(lit(1)), countDistinct(col(Columns.USER_ID))).head();
    long pairs = pairsAndUsers.getLong(0);
    long users = pairsAndUsers.getLong(1);
    LOG.info("Interactions {} over {}: the models see {} of {} events ({}) and {} of {} users ({}); {} bot users left out; {} (user, item) pairs",
        date, p.describeHistory(), counted, historyEvents, share(counted, historyEvents), users, knownUsers, share(users, knownUsers),
        bots, pairs);
    report
        .rowsIn(historyEvents)
        .accepted(counted)
        .detail("history_events", historyEvents)
        .detail("counted_events", counted)
        .detail("known_users", knownUsers)
        .detail("pairs", pairs)
        .detail("users", users)
        .detail("bot_users", bots)
        .detail("history", p.describeHistory())
        .detail(RunReport.CONFIG, ctx.config().describe());
    if (pairs == 0) {
      report.status(RunReport.STATUS_NO_DATA);
    }
    return report.write(lake);
  }

  /** {@code part / whole} as a percentage with one decimal, e.g. {@code 97.5 %}. */
  static String share(long part, long whole) {
    return whole == 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.1f %%", 100.0 * part / whole);
  }
}
