package dev.nightjar.jobs.stages;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.LakeFiles;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.eval.EvalColumns;
import dev.nightjar.transforms.eval.Slices;
import dev.nightjar.transforms.eval.Split;
import dev.nightjar.transforms.eval.SplitProtocol;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code evaluate} and {@code tune} share: the events up to an end date split by a {@link SplitProtocol}
 * into a training part and a held-out part, the held-out relevant events as sliced truth ({@link Slices#truth}),
 * the users scored (those with a relevant held-out item), and a scratch lakehouse ({@link Lakehouse#workspace})
 * whose events are the training part, whose items are those known by the cut-off (temporal) and whose model stages
 * have run for {@link #trainEnd}. The training part, truth and users stay cached until {@link #close}.
 *
 * <pre>{@code
 * try (OfflineWorkspace w = OfflineWorkspace.split(ctx, events, SplitProtocol.temporal(3), date)) {
 *   Lakehouse work = w.prepare(ctx, "evaluate-temporal", List.of(Stages.INTERACTIONS), Optional.empty());
 *   long users = w.userCount();
 * }
 * }</pre>
 */
final class OfflineWorkspace implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OfflineWorkspace.class);
  /** The file in a workspace naming what its models were trained on (see {@link #fingerprint}). */
  static final String PREPARED_FILE = "_prepared.txt";

  private final SplitProtocol protocol;
  private final LocalDate end;
  private final Dataset<Row> train;
  private final Dataset<Row> heldOut;
  private final Dataset<Row> sliced;
  private final Dataset<Row> users;
  private final long trainRows;
  private final long userCount;

  private OfflineWorkspace(SplitProtocol protocol, LocalDate end, Dataset<Row> train, Dataset<Row> heldOut, Dataset<Row> sliced,
      Dataset<Row> users) {
    this.protocol = protocol;
    this.end = end;
    this.train = train;
    this.heldOut = heldOut;
    this.sliced = sliced;
    this.users = users;
    this.trainRows = train.count();
    this.userCount = users.count();
  }

  /**
   * Splits {@code events} (those up to {@code end}); relevant held-out events and the new-user threshold of the
   * slices are {@code nightjar.evaluate.relevantEvents} and {@code nightjar.evaluate.newUserMaxTrainInteractions}.
   */
  static OfflineWorkspace split(StageContext ctx, Dataset<Row> events, SplitProtocol protocol, LocalDate end) {
    dev.nightjar.jobs.config.EvaluateSettings s = ctx.config().evaluate();
    Split split = protocol.split(events, end);
    Dataset<Row> train = split.train().persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> relevant = split.test().where(col(Columns.EVENT_TYPE).isin(s.relevantEvents().toArray()));
    Dataset<Row> sliced = Slices.truth(new Split(train, relevant), s.newUserMaxTrainInteractions()).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> users = sliced.where(col(EvalColumns.SLICE).equalTo(EvalColumns.SLICE_ALL))
        .select(Columns.USER_ID).distinct().persist(StorageLevel.MEMORY_AND_DISK());
    return new OfflineWorkspace(protocol, end, train, split.test(), sliced, users);
  }

  SplitProtocol protocol() {
    return protocol;
  }

  /** The split protocol's name ({@code temporal}, {@code stratified} or {@code last-n}). */
  String name() {
    return protocol.name();
  }

  /** The date the workspace's models are trained for ({@link SplitProtocol#trainEnd}). */
  LocalDate trainEnd() {
    return protocol.trainEnd(end);
  }

  /** The training part (cached). */
  Dataset<Row> train() {
    return train;
  }

  /** Every held-out event (relevant or not). */
  Dataset<Row> heldOut() {
    return heldOut;
  }

  /** The relevant held-out items per user and slice ({@link Slices#truth}; cached). */
  Dataset<Row> sliced() {
    return sliced;
  }

  /** The truth of slice {@code all}. */
  Dataset<Row> truth() {
    return sliced.where(col(EvalColumns.SLICE).equalTo(EvalColumns.SLICE_ALL));
  }

  /** {@code user_id} of every user with a relevant held-out item (cached). */
  Dataset<Row> users() {
    return users;
  }

  long trainRows() {
    return trainRows;
  }

  long userCount() {
    return userCount;
  }

  /**
   * The scratch lakehouse {@code name} with the training part as its events, the items known by the cut-off
   * (temporal) and {@code stages} run for {@link #trainEnd} on {@code ctx}'s configuration. With a
   * {@code fingerprint}, a workspace prepared with the same one is reused as it is (its models were trained on the
   * same inputs); without, it is always rebuilt.
   */
  Lakehouse prepare(StageContext ctx, String name, List<Stage> stages, Optional<String> fingerprint) {
    Lakehouse work = ctx.lake().workspace(name);
    Path stamp = work.file(PREPARED_FILE);
    if (fingerprint.isPresent()) {
      try {
        if (LakeFiles.readString(work.fileSystem(), stamp).equals(fingerprint)) {
          LOG.info("Workspace {}: reusing its models, trained on the same events, items, model settings and code", work.root());
          return work;
        }
      } catch (UncheckedIOException e) {
        LOG.warn("Workspace {}: could not read {} ({}); retraining", work.root(), stamp, e.toString());
      }
    }
    try (JobGroup group = JobGroup.open(ctx.spark(), name + "/prepare", "nightjar workspace " + name + ": " + Stages.names(stages))) {
      work.clearExperiment();
      work.overwrite(Tables.EVENTS, train, Columns.INGEST_DATE);
      if (protocol.name().equals(SplitProtocol.TEMPORAL)) {
        work.overwrite(Tables.ITEMS, ctx.lake().read(Tables.ITEMS)
            .where(col(Columns.CREATED_AT).isNull().or(col(Columns.CREATED_AT).lt(lit(protocol.cutoff(end))))));
      }
      LOG.info("Workspace {}: {} on {} training events up to {}", work.root(), Stages.names(stages), trainRows, trainEnd());
      StageContext workCtx = new StageContext(ctx.spark(), work, ctx.config());
      for (Stage stage : stages) {
        stage.run(workCtx, trainEnd());
      }
    }
    if (fingerprint.isPresent()) {
      try {
        LakeFiles.writeString(work.fileSystem(), stamp, fingerprint.get());
      } catch (UncheckedIOException e) {
        LOG.warn("Workspace {}: could not write {} ({}); the next run will retrain", work.root(), stamp, e.toString());
      }
    }
    return work;
  }

  /**
   * What a workspace's models depend on: the split, the versions of the production tables they are built from,
   * the model settings ({@link #trainedSettings}), whether models beyond interactions were trained, and the code
   * ({@link CodeDigest#ofRunningCode}). List settings (blend weights, MMR, exploration, rules) are applied later,
   * to candidates, and are not part of it.
   */
  static String fingerprint(StageContext ctx, SplitProtocol protocol, LocalDate end, boolean modelsNeeded) {
    return fingerprint(ctx, protocol, end, modelsNeeded, CodeDigest.ofRunningCode());
  }

  /** {@link #fingerprint} with the code digest given. */
  static String fingerprint(StageContext ctx, SplitProtocol protocol, LocalDate end, boolean modelsNeeded, String code) {
    StringBuilder out = new StringBuilder()
        .append("split=").append(protocol.name()).append(" train_end=").append(protocol.trainEnd(end))
        .append(" ratio=").append(protocol.ratio()).append(" seed=").append(protocol.seed()).append(" last_n=").append(protocol.lastN())
        .append(" models=").append(modelsNeeded).append('\n');
    for (String table : List.of(Tables.EVENTS, Tables.ITEMS, Tables.ITEM_EMBEDDINGS)) {
      out.append(table).append('@').append(ctx.lake().exists(table) ? ctx.lake().version(table) : -1).append('\n');
    }
    trainedSettings(ctx.config()).forEach(settings -> out.append(settings).append('\n'));
    return out.append("code=").append(code).toString();
  }

  /**
   * The settings groups the models a workspace trains depend on; EASE and co-occurrence are computed with the
   * candidates, after the workspace is prepared, so they are not among them.
   */
  static List<Object> trainedSettings(NightjarConfig c) {
    return List.of(c.ingest(), c.interactions(), c.als(), c.embedding(), c.profiles(), c.coldStart());
  }

  @Override
  public void close() {
    train.unpersist();
    sliced.unpersist();
    users.unpersist();
  }
}
