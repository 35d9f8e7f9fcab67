package dev.nightjar.jobs.stages;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * When an evaluation may reuse the models its workspace already holds: only when they were trained on
 * the same split, the same versions of the production tables and the same model settings; list
 * settings (weights, MMR, exploration) do not matter, since they are applied to candidates afterwards.
 */
class EvaluateWorkspaceTest extends SparkTestBase {
  static final LocalDate D = LocalDate.of(2026, 10, 31);

  static String fingerprint(Lakehouse lake, String... settings) {
    NightjarConfig config = NightjarConfig.load(null, List.of(settings));
    StageContext ctx = new StageContext(spark(), lake, config);
    return OfflineWorkspace.fingerprint(ctx, EvaluateStage.protocol(config.evaluate()), D, true);
  }

  @Test
  void modelsAreReusedOnlyForTheSameInputsAndModelSettings() {
    Lakehouse lake = new Lakehouse(spark(), tempDir.resolve("lake"));
    StructType schema = new StructType().add("user_id", DataTypes.StringType).add("ingest_date", DataTypes.DateType);
    lake.overwrite(Tables.EVENTS, spark().createDataFrame(List.of(RowFactory.create("u1", java.sql.Date.valueOf(D))), schema));
    String base = fingerprint(lake);

    assertEquals(base, fingerprint(lake), "same inputs, same settings");
    assertEquals(base, fingerprint(lake, "nightjar.recommend.weight.als=0", "nightjar.recommend.mmrLambda=0.5",
        "nightjar.recommend.exploreRanks=5,10"), "list settings are applied to candidates, after the models");
    assertNotEquals(base, fingerprint(lake, "nightjar.als.rank=8"), "another ALS rank is another model");
    assertNotEquals(base, fingerprint(lake, "nightjar.interactions.halfLifeDays=7"), "other interaction weights");
    assertNotEquals(base, fingerprint(lake, "nightjar.evaluate.holdoutDays=7"), "another cut-off is another training part");
    assertNotEquals(base, fingerprint(lake, "nightjar.evaluate.split=stratified"), "another split");

    lake.overwrite(Tables.EVENTS, spark().createDataFrame(List.of(RowFactory.create("u2", java.sql.Date.valueOf(D))), schema));
    assertNotEquals(base, fingerprint(lake), "new events (a new table version) mean retraining");
  }

  @Test
  void modelsTrainedByOtherCodeAreNotReused() {
    Lakehouse lake = new Lakehouse(spark(), tempDir.resolve("code"));
    StageContext ctx = new StageContext(spark(), lake, NightjarConfig.defaults());
    var protocol = EvaluateStage.protocol(ctx.config().evaluate());
    String now = OfflineWorkspace.fingerprint(ctx, protocol, D, true);
    assertTrue(now.endsWith("code=" + CodeDigest.ofRunningCode()), now);
    assertEquals(now, OfflineWorkspace.fingerprint(ctx, protocol, D, true, CodeDigest.ofRunningCode()));
    assertNotEquals(now, OfflineWorkspace.fingerprint(ctx, protocol, D, true, "another-build"), "other code is another model");
  }

  /** A workspace writes fresh tables (only its rows, no clone); an experiment still clones production's table first. */
  @Test
  void workspacesWriteFreshTablesWhereExperimentsClone() {
    Lakehouse lake = new Lakehouse(spark(), tempDir.resolve("fresh"));
    StructType schema = new StructType().add("user_id", DataTypes.StringType).add("run_date", DataTypes.DateType);
    java.sql.Date d = java.sql.Date.valueOf(D);
    java.sql.Date before = java.sql.Date.valueOf(D.minusDays(1));
    lake.replaceWhere(Tables.INTERACTIONS, spark().createDataFrame(List.of(RowFactory.create("old", before), RowFactory.create("p", d)), schema),
        "true", "run_date");
    var rows = spark().createDataFrame(List.of(RowFactory.create("w", d)), schema);
    String day = "run_date = DATE'" + D + "'";

    Lakehouse work = lake.workspace("evaluate-temporal");
    assertEquals(2, work.read(Tables.INTERACTIONS).count(), "before its first write, a workspace reads production's table");
    work.replaceWhere(Tables.INTERACTIONS, rows, day, "run_date");
    assertEquals(List.of("[w]"), work.read(Tables.INTERACTIONS).select("user_id").collectAsList().stream().map(Object::toString).toList());
    assertEquals(0, io.delta.tables.DeltaTable.forPath(spark(), work.path(Tables.INTERACTIONS)).history().where("operation LIKE '%CLONE%'").count());

    Lakehouse experiment = lake.experiment("x");
    experiment.replaceWhere(Tables.INTERACTIONS, rows, day, "run_date");
    assertEquals(List.of("[old]", "[w]"), experiment.read(Tables.INTERACTIONS).select("user_id").orderBy("user_id").collectAsList()
        .stream().map(Object::toString).toList(), "an experiment keeps production's other rows");
    assertEquals(1, io.delta.tables.DeltaTable.forPath(spark(), experiment.path(Tables.INTERACTIONS)).history().where("operation LIKE '%CLONE%'").count());
    assertEquals(List.of("[old]", "[p]"), lake.read(Tables.INTERACTIONS).select("user_id").orderBy("user_id").collectAsList()
        .stream().map(Object::toString).toList(), "production is untouched");
  }
}
