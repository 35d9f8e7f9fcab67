package dev.nightjar.jobs.stages;

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

/** Night D's weighted, decayed user × item interactions over the look-back window, written to partition {@code run_date = D}. */
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

    Dataset<Row> inWindow = Interactions.window(events, date, p);
    long windowEvents = inWindow.count();
    long bots = Interactions.bots(inWindow, p).count();
    lake.replaceWhere(
        Tables.INTERACTIONS,
        Interactions.compute(events, date, p),
        "run_date = DATE'" + date + "'",
        Columns.RUN_DATE);
    Dataset<Row> written = lake.read(Tables.INTERACTIONS).where("run_date = DATE'" + date + "'");
    long pairs = written.count();
    long users = written.select(Columns.USER_ID).distinct().count();
    LOG.info("Interactions {}: {} events in the {}-day window, {} bot users left out, {} (user, item) pairs, {} users",
        date, windowEvents, p.lookbackDays(), bots, pairs, users);
    report
        .rowsIn(windowEvents)
        .accepted(windowEvents)
        .detail("pairs", pairs)
        .detail("users", users)
        .detail("bot_users", bots)
        .detail("lookback_days", p.lookbackDays())
        .detail("half_life_days", p.halfLifeDays())
        .detail(RunReport.CONFIG, ctx.config().describe());
    if (pairs == 0) {
      report.status(RunReport.STATUS_NO_DATA);
    }
    return report.write(lake);
  }
}
