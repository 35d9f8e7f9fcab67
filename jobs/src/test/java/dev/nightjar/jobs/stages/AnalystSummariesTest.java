package dev.nightjar.jobs.stages;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.transforms.privacy.KAnonymity;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The profiles stage's analyst summaries keep exactly the groups backed by at least k distinct users. */
class AnalystSummariesTest extends SparkTestBase {
  static final StructType PROFILES = new StructType()
      .add("user_id", DataTypes.StringType).add("segment", DataTypes.IntegerType)
      .add("top_categories", DataTypes.createArrayType(DataTypes.StringType));
  static final StructType COUNTS = new StructType()
      .add("user_id", DataTypes.StringType).add("category", DataTypes.StringType)
      .add("exposures", DataTypes.LongType).add("positives", DataTypes.LongType);

  /** Segment 0: 5 users; segment 1: 3 users; segment 2: 1 user. */
  static Dataset<Row> profiles() {
    List<Row> rows = new ArrayList<>();
    rows.add(RowFactory.create("p1", 0, List.of("Garden", "Books").toArray()));
    rows.add(RowFactory.create("p2", 0, List.of("Garden", "Toys").toArray()));
    rows.add(RowFactory.create("p3", 0, List.of("Books", "Garden").toArray()));
    rows.add(RowFactory.create("p4", 0, List.of("Pets").toArray()));
    rows.add(RowFactory.create("p5", 0, null));
    rows.add(RowFactory.create("q1", 1, List.of("Toys").toArray()));
    rows.add(RowFactory.create("q2", 1, List.of("Toys").toArray()));
    rows.add(RowFactory.create("q3", 1, List.of("Books").toArray()));
    rows.add(RowFactory.create("r1", 2, List.of("Music").toArray()));
    return spark().createDataFrame(rows, PROFILES);
  }

  @Test
  void segmentsUnderKAreSuppressedAndTheRestSummarised() {
    KAnonymity.Result k3 = ProfilesStage.segmentSummary(profiles(), 3);
    assertEquals(List.of("[0,5,ArraySeq(Garden, Books, Pets)]", "[1,3,ArraySeq(Toys, Books)]"), sortedRows(k3.kept()),
        "users per segment and its most held labels (Garden 3, Books 2, then Pets before Toys by name)");
    assertEquals(List.of("[2,1]"), sortedRows(k3.suppressedGroups()));

    KAnonymity.Result k4 = ProfilesStage.segmentSummary(profiles(), 4);
    assertEquals(List.of("0"), k4.kept().select("segment").collectAsList().stream().map(r -> r.get(0).toString()).toList());
    assertEquals(2, k4.suppressedGroupCount());
    assertEquals(3, ProfilesStage.segmentSummary(profiles(), 1).kept().count(), "k = 1 suppresses nothing");
  }

  @Test
  void categoriesUnderKDistinctUsersAreSuppressedEvenWithManyRows() {
    List<Row> rows = new ArrayList<>();
    for (String u : List.of("a", "b", "c")) {
      rows.add(RowFactory.create(u, "Garden", 4L, 1L));
    }
    rows.add(RowFactory.create("a", "Rare", 50L, 9L)); // one user, many events: still one person
    rows.add(RowFactory.create("a", "Rare", 50L, 9L));
    KAnonymity.Result r = ProfilesStage.categorySummary(spark().createDataFrame(rows, COUNTS), 2);
    assertEquals(List.of("[Garden,3,12,3]"), sortedRows(r.kept()));
    assertEquals(List.of("[Rare,1]"), sortedRows(r.suppressedGroups()));
  }
}
